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
    // Findings speak in words: the rule and the units are said once, in "How to read
    // this", and no finding quotes a column name; a bottom line comes first.
    assert!(!md.contains("(`mttr_hours`"), "{md}");
    assert!(!md.contains("a lead counts when"), "{md}");
    assert!(md.contains("*How to read this.*"), "{md}");
    assert!(
        md.find("**The bottom line.**") < md.find("## The scenario in brief"),
        "{md}"
    );
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

/// Every outlined string of a chart's SVG (text is drawn as glyph outlines, each path
/// keeping its words in `aria-label`): its words and the box its outline points span.
fn text_boxes(svg: &str) -> Vec<(String, [f64; 4])> {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find("<path aria-label=\"") {
        let element = &rest[start + "<path aria-label=\"".len()..];
        let label_end = element.find('"').expect("label ends");
        let label = element[..label_end].to_string();
        let d_start = element.find(" d=\"").expect("a path has d") + 4;
        let d_end = d_start + element[d_start..].find('"').expect("d ends");
        let numbers: Vec<f64> = element[d_start..d_end]
            .split(|c: char| c.is_ascii_alphabetic() || c.is_whitespace())
            .filter(|t| !t.is_empty())
            .map(|t| t.parse::<f64>().expect("a coordinate"))
            .collect();
        // A rotated string (an axis title) carries `transform="rotate(a, cx, cy)"`.
        let tag_end = element.find("/>").unwrap_or(element.len());
        let rotate = element[..tag_end].find("transform=\"rotate(").map(|t| {
            let args = &element[t + "transform=\"rotate(".len()..];
            let args = &args[..args.find(')').expect("rotate ends")];
            let v: Vec<f64> = args
                .split([',', ' '])
                .filter(|a| !a.is_empty())
                .map(|a| a.parse::<f64>().expect("a rotation"))
                .collect();
            (
                v[0].to_radians(),
                v.get(1).copied().unwrap_or(0.0),
                v.get(2).copied().unwrap_or(0.0),
            )
        });
        let mut b = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for p in numbers.chunks(2) {
            if let [x, y] = p {
                let (x, y) = match rotate {
                    Some((a, cx, cy)) => (
                        cx + (x - cx) * a.cos() - (y - cy) * a.sin(),
                        cy + (x - cx) * a.sin() + (y - cy) * a.cos(),
                    ),
                    None => (*x, *y),
                };
                b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
            }
        }
        if b[0].is_finite() {
            out.push((label, b));
        }
        rest = &element[d_end..];
    }
    out
}

/// Report data for a bundled scenario at a few replications, its name made as long as
/// `name_len` characters (the footnote names it).
fn bundled_data(file: &str, name_len: usize) -> ReportData {
    let text = fs::read_to_string(bundled(file)).expect("read");
    let mut s = scenario(&text);
    s.replications = 3;
    while s.name.chars().count() < name_len {
        s.name.push_str(" and its longer name");
    }
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

#[test]
fn no_chart_text_leaves_the_canvas() {
    // Every bundled scenario the report charts draw, with its own headlines and
    // subtitles, and once more with a scenario name longer than any bundled one.
    let mut cases = Vec::new();
    for file in ["baseline.toml", "large-estate.toml", "mmc-check.toml"] {
        cases.push((file, 0));
    }
    cases.push(("baseline.toml", 160));
    for (file, name_len) in cases {
        let d = bundled_data(file, name_len);
        for chart in Chart::ALL {
            let svg = chart.svg(&d).expect("svg");
            let boxes = text_boxes(&svg);
            assert!(!boxes.is_empty(), "{} draws no text", chart.name());
            let (w, h) = (
                f64::from(whoruns::report::charts::WIDTH),
                f64::from(whoruns::report::charts::HEIGHT),
            );
            // The PNG draws text with plotters' own glyph metrics: nothing may run into
            // its right edge either (a clipped line leaves ink in the last columns).
            let png = image::load_from_memory(&chart.png(&d).expect("png"))
                .expect("decode")
                .to_rgb8();
            let (pw, ph) = png.dimensions();
            for x in pw - 6..pw {
                for y in 0..ph {
                    let p = png.get_pixel(x, y).0;
                    assert!(
                        p.iter().all(|c| *c >= 235),
                        "{file}: {}: ink at ({x}, {y}) in the PNG's right margin",
                        chart.name()
                    );
                }
            }
            for (label, [x0, y0, x1, y1]) in boxes {
                assert!(
                    x0 >= 0.0 && y0 >= 0.0 && x1 <= w && y1 <= h,
                    "{file} ({} characters of name): {}: \"{label}\" spans x {x0}..{x1}, y {y0}..{y1}, outside the {w}×{h} canvas",
                    d.scenario.name.chars().count(),
                    chart.name()
                );
            }
        }
    }
}
