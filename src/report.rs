//! Charts, the chapter's comparison table and the report, drawn from saved results.
//! Everything here returns bytes; the binary writes them.

pub mod charts;
pub mod comparison;
pub mod data;
pub mod document;
pub mod files;
pub mod fonts;
pub mod frontier;
pub mod gather;
pub mod headline;
pub mod incentive;
pub mod plain;
pub use crate::ranking;
pub mod stream;
pub mod style;
pub mod svgtext;
pub mod weekly;
pub mod whatif;
pub mod years;

pub use charts::{Chart, ChartError};
pub use data::{DataError, ReportData};
pub use weekly::WeeklyRows;

/// Files of a report, as (path relative to the output folder, bytes).
pub type ReportFiles = crate::export::Files;

/// Renders every chart (PNG and SVG), the comparison table (Markdown and CSV) and the report
/// (Markdown and self-contained HTML).
pub fn render(data: &ReportData) -> Result<ReportFiles, ChartError> {
    render_with(data, None)
}

/// [`render`], with the section "What would have to be true" after the key findings and
/// the break-even charts when a break-even analysis of the run is given.
pub fn render_with(
    data: &ReportData,
    breakeven: Option<&crate::breakeven::Analysis>,
) -> Result<ReportFiles, ChartError> {
    let mut files = ReportFiles::new();
    let mut svgs = Vec::new();
    // The charts are drawn side by side (each from `data` alone, so the bytes do not
    // depend on the threads), then taken in their order: the first failure in that order
    // is the one reported.
    let drawn: Vec<Result<(String, Vec<u8>), ChartError>> = {
        use rayon::prelude::*;
        Chart::ALL
            .par_iter()
            .map(|chart| Ok((chart.svg(data)?, chart.png(data)?)))
            .collect()
    };
    for (chart, result) in Chart::ALL.iter().zip(drawn) {
        let (svg, png) = result?;
        files.push((format!("charts/{}.png", chart.name()), png));
        files.push((
            format!("charts/{}.svg", chart.name()),
            svg.clone().into_bytes(),
        ));
        svgs.push(svg);
    }
    let rows = comparison::comparison(data);
    files.push(("comparison.md".into(), {
        let mut md = format!(
            "# The chapter's comparison table, from the run: {}\n\n{}\n\n",
            data.scenario.name,
            document::SOURCE
        );
        md.push_str(&comparison::markdown(&rows));
        md.into_bytes()
    }));
    files.push(("comparison.csv".into(), comparison::csv(&rows).into_bytes()));
    let (mut md, mut html) = (
        document::markdown(data, &rows),
        document::html(data, &rows, &svgs),
    );
    if let Some(a) = breakeven {
        insert_before(
            &mut md,
            "\n## Results by model",
            &format!("\n{}", whatif::markdown(a)),
        );
        insert_before(&mut html, "<h2>Results by model</h2>", &whatif::html(a));
        files.extend(files::breakeven_charts(a, &data.scenario)?);
    }
    files.push(("report.md".into(), md.into_bytes()));
    files.push(("report.html".into(), html.into_bytes()));
    Ok(files)
}

/// Inserts `section` before the first `marker` in `doc` (at the end when it is missing).
fn insert_before(doc: &mut String, marker: &str, section: &str) {
    let at = doc.find(marker).unwrap_or(doc.len());
    doc.insert_str(at, section);
}
