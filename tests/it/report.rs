//! Charts, the comparison table and the report.

use std::fs;

use whoruns::report::comparison::{self, CRITERIA};
use whoruns::report::{Chart, ReportData, document};
use whoruns::{export, runner};

use crate::common::{bundled, scenario};

pub fn data() -> ReportData {
    let text = fs::read_to_string(bundled("baseline.toml")).expect("read");
    let mut s = scenario(&text);
    s.replications = 4;
    let outcomes = runner::run(&s, None, &|| {}).expect("run");
    ReportData::from_frames(
        s.clone(),
        &export::replications_frame(&outcomes).expect("frame"),
        &export::services_frame(&s, &outcomes).expect("frame"),
        &export::timeseries_frame(&s, &outcomes).expect("frame"),
        &export::ttr_histogram_frame(&outcomes).expect("frame"),
    )
    .expect("report data")
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\'', "&apos;")
        .replace('"', "&quot;")
}

#[test]
fn every_chart_renders_to_svg_with_its_title_and_every_model() {
    let d = data();
    for chart in Chart::ALL {
        let svg = chart.svg(&d).expect("svg");
        assert!(svg.starts_with("<svg"), "{}", chart.name());
        let title = chart.title();
        assert!(
            svg.contains(title) || svg.contains(&xml_escape(title)),
            "{} lacks its title",
            chart.name()
        );
        // Readers see human names; keys stay in files.
        for m in &d.models {
            let name = m.model.name();
            assert!(
                svg.contains(name) || svg.contains(&xml_escape(name)),
                "{} lacks {}",
                chart.name(),
                name
            );
        }
        assert!(
            svg.contains("replications"),
            "{} lacks the footnote",
            chart.name()
        );
    }
}

#[test]
fn pngs_are_1920_by_1080() {
    let d = data();
    let png = Chart::CostVsReliability.png(&d).expect("png");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    // IHDR: width and height, big-endian, at bytes 16..24.
    assert_eq!(
        u32::from_be_bytes([png[16], png[17], png[18], png[19]]),
        1920
    );
    assert_eq!(
        u32::from_be_bytes([png[20], png[21], png[22], png[23]]),
        1080
    );
}

#[test]
fn the_comparison_table_has_every_criterion_and_model() {
    let d = data();
    let rows = comparison::comparison(&d);
    assert_eq!(rows.len(), CRITERIA.len());
    let md = comparison::markdown(&rows);
    let csv = comparison::csv(&rows);
    for c in CRITERIA {
        assert!(md.contains(c), "markdown lacks {c}");
        assert!(csv.contains(c), "csv lacks {c}");
    }
    for m in &d.models {
        assert!(md.contains(m.model.title()));
    }
    // The four chapter models carry the book's rating and a verdict; hybrids do not.
    for r in &rows {
        for c in &r.cells {
            assert_eq!(
                c.book.is_some() && r.kind == comparison::RowKind::Simulated,
                c.agrees().is_some()
            );
        }
    }
    // One CSV line per (criterion, model), plus the header.
    assert_eq!(csv.lines().count(), 1 + CRITERIA.len() * d.models.len());
}

#[test]
fn the_html_report_references_nothing_external() {
    let d = data();
    let rows = comparison::comparison(&d);
    let svgs: Vec<String> = Chart::ALL.iter().map(|c| c.svg(&d).expect("svg")).collect();
    let html = document::html(&d, &rows, &svgs);
    let lower = html.to_ascii_lowercase();
    for banned in [
        "<script", "<link", "<img", "<iframe", "@import", "url(", "src=", "href=",
    ] {
        assert!(!lower.contains(banned), "report.html contains {banned}");
    }
    // The only URL allowed is the SVG namespace, which browsers never fetch.
    let urls = lower.matches("http").count();
    let namespaces = lower.matches("http://www.w3.org/2000/svg").count();
    assert_eq!(urls, namespaces, "report.html contains a URL");
    assert_eq!(html.matches("<svg").count(), Chart::ALL.len());
    for c in CRITERIA {
        assert!(html.contains(c));
    }
    let md = document::markdown(&d, &rows);
    assert!(md.contains("## Key findings"));
    assert!(md.contains("as long as **You run it** to restore"), "{md}");
    // Every tier's attainment, per model, so no average hides a failing tier.
    assert!(md.contains("## Reliability by tier"), "{md}");
    for t in &d.tiers {
        let column = format!("| {}% tier ", whoruns::format::trim_pct(100.0 * t));
        assert!(md.contains(&column), "no column for tier {t}: {md}");
    }
    assert!(d.models.iter().all(|m| {
        m.budget_share_by_tier.len() == d.tiers.len()
            && m.budget_share_by_tier
                .iter()
                .all(|w| w.len() == m.weeks.len())
    }));
    assert!(d.models.iter().all(|m| m.tier_met.len() == d.tiers.len()
        && m.tier_met.iter().all(|v| v.len() == d.replications)));
    // Findings name the metric they rank on.
    assert!(md.contains("(`mttr_hours`"), "{md}");
}

#[test]
fn a_ratio_is_the_ratio_of_the_means_printed_beside_it() {
    let d = data();
    let rows = comparison::comparison(&d);
    let md = document::markdown(&d, &rows);
    let Some(line) = md.lines().find(|l| l.contains("as long as **You run it**")) else {
        panic!("no ratio finding in\n{md}");
    };
    let slow = d
        .models
        .iter()
        .find(|m| line.starts_with(&format!("- **{}**", m.model.name())))
        .expect("the slow model is named first");
    let reference = d.model(d.scenario.reference).expect("reference");
    let ratio = slow.estimate("mttr_hours").mean / reference.estimate("mttr_hours").mean;
    assert!(
        line.contains(&format!("{ratio:.2}×")),
        "{line} (ratio {ratio})"
    );
    assert!(line.contains("the ratio of these means"), "{line}");
}

#[test]
fn funding_shows_the_chapters_label_and_the_simulated_split_apart() {
    let d = data();
    let rows = comparison::comparison(&d);
    let funding = rows
        .iter()
        .find(|r| r.criterion == "Funding")
        .expect("a Funding row");
    assert_eq!(funding.kind, comparison::RowKind::Structural);
    for c in &funding.cells {
        assert_eq!(c.rating, c.book.unwrap_or("—"), "{c:?}");
        assert!(c.figure.contains("simulated split"), "{c:?}");
        assert_eq!(c.agrees(), None);
    }
    // Structural rows are never counted as agreement.
    let (_, rated) = comparison::agreement(&rows);
    let simulated: usize = rows
        .iter()
        .filter(|r| r.kind == comparison::RowKind::Simulated)
        .flat_map(|r| &r.cells)
        .filter(|c| c.book.is_some())
        .count();
    assert_eq!(rated, simulated);
}

#[test]
fn an_exempt_model_is_named_with_the_difference_its_exemption_makes() {
    let build = |exempt: bool| {
        let text = fs::read_to_string(bundled("baseline.toml")).expect("read");
        let mut s = scenario(&text);
        s.replications = 4;
        s.models = vec![whoruns::ModelKind::YouRun, whoruns::ModelKind::OpsRun];
        if exempt {
            s.error_budget.models = vec![whoruns::ModelKind::YouRun];
        }
        s
    };
    let (exempt, under) = (build(true), build(false));
    let outcomes = runner::run(&exempt, None, &|| {}).expect("run");
    let d = ReportData::from_frames(
        exempt.clone(),
        &export::replications_frame(&outcomes).expect("frame"),
        &export::services_frame(&exempt, &outcomes).expect("frame"),
        &export::timeseries_frame(&exempt, &outcomes).expect("frame"),
        &export::ttr_histogram_frame(&outcomes).expect("frame"),
    )
    .expect("report data");
    let md = document::markdown(&d, &comparison::comparison(&d));
    let line = md
        .lines()
        .find(|l| l.contains("Exempt by the scenario's choice"))
        .unwrap_or_else(|| panic!("no exemption in\n{md}"));
    assert!(line.contains("**Ops run it**"), "{line}");
    // The difference is ops-run exempt minus ops-run under the policy, on the same worlds.
    let mean = |v: &[whoruns::Outcome]| {
        let ops: Vec<f64> = v
            .iter()
            .filter(|o| o.model == whoruns::ModelKind::OpsRun)
            .map(|o| o.cost_total)
            .collect();
        ops.iter().sum::<f64>() / ops.len() as f64
    };
    let with_policy = runner::run(&under, None, &|| {}).expect("run");
    let diff = mean(&outcomes) - mean(&with_policy);
    let shown = if diff >= 0.0 {
        format!("+{}", whoruns::table::money(diff))
    } else {
        format!("−{}", whoruns::table::money(-diff))
    };
    assert!(
        line.contains(&format!("changes its total cost by {shown} a year")),
        "{line} (expected {shown})"
    );
    // Without an exemption, one policy for every model is said instead.
    assert!(document::markdown(&data(), &[]).contains("One error-budget policy for every model"));
}
