//! Charts, the chapter's comparison table and the report, drawn from saved results.
//! Everything here returns bytes; the binary writes them.

pub mod charts;
pub mod comparison;
pub mod data;
pub mod document;
pub mod files;
pub mod fonts;
pub mod headline;
pub mod plain;
pub use crate::ranking;
pub mod style;
pub mod svgtext;

pub use charts::{Chart, ChartError};
pub use data::{DataError, ReportData};

/// Files of a report, as (path relative to the output folder, bytes).
pub type ReportFiles = crate::export::Files;

/// Renders every chart (PNG and SVG), the comparison table (Markdown and CSV) and the report
/// (Markdown and self-contained HTML).
pub fn render(data: &ReportData) -> Result<ReportFiles, ChartError> {
    let mut files = ReportFiles::new();
    let mut svgs = Vec::new();
    for chart in Chart::ALL {
        let svg = chart.svg(data)?;
        files.push((format!("charts/{}.png", chart.name()), chart.png(data)?));
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
    files.push((
        "report.md".into(),
        document::markdown(data, &rows).into_bytes(),
    ));
    files.push((
        "report.html".into(),
        document::html(data, &rows, &svgs).into_bytes(),
    ));
    Ok(files)
}
