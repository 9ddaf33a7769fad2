//! The summary table printed on the terminal after a run.

use std::fmt::Write as _;

use crate::model::ModelKind;
use crate::scenario::Scenario;
use crate::summary::{SummaryRow, find};

pub use crate::format::money;

/// A readable table: one line per model with the key metrics and their 95% intervals,
/// and the paired difference in time to restore against the reference model. Every
/// column, however wide (what `summary.txt` holds).
pub fn summary_table(scenario: &Scenario, rows: &[SummaryRow]) -> String {
    summary_table_fit(scenario, rows, None)
}

/// The columns of the summary table in the order they are given up when the terminal is
/// narrow, most dispensable first (indices into the full table's columns). The model
/// and total cost are never dropped.
const DROP_ORDER: [usize; 7] = [5, 4, 3, 8, 6, 2, 1];

/// The summary table fitted to `width` columns when given: the least important columns
/// are dropped until the rows fit, and a line names them and points to `summary.txt`,
/// which always has every column. The title is wrapped at word boundaries.
pub fn summary_table_fit(scenario: &Scenario, rows: &[SummaryRow], width: Option<usize>) -> String {
    let mut out = String::new();
    let cur = &scenario.costs.currency;
    let n = scenario.replications;
    let title = format!(
        "{} — {} replications, seed {}, {}, horizon {:.0} days (means with 95% CI)",
        scenario.name,
        n,
        scenario.seed,
        crate::format::count(scenario.services.len(), "service", "services"),
        scenario.horizon_hours / 24.0
    );
    match width {
        Some(w) => {
            for line in crate::format::wrap(&title, w) {
                let _ = writeln!(out, "{line}");
            }
        }
        None => {
            let _ = writeln!(out, "{title}");
        }
    }
    let header = [
        "model",
        "availability %",
        "MTTR h",
        "p90 TTR h",
        "queue wait h",
        "escalations",
        &format!("operating {cur}/y"),
        &format!("total {cur}/y"),
        &format!("ΔMTTR vs {} (paired)", scenario.reference),
    ]
    .map(str::to_string);
    let mut lines: Vec<[String; 9]> = vec![header];
    let ci = |model: ModelKind, metric: &str, scale: f64, prec: usize| -> String {
        find(rows, model, metric).map_or("–".into(), |r| {
            let e = r.estimate;
            if !e.mean.is_finite() {
                return "–".into();
            }
            format!(
                "{:.p$} ±{:.p$}",
                e.mean * scale,
                e.half_width() * scale,
                p = prec
            )
        })
    };
    for &m in &scenario.models {
        let cost = |metric: &str| {
            find(rows, m, metric).map_or("–".into(), |r| {
                // The interval in its mean's unit: "1.99M ±0.06M", "922k ±0.3k".
                crate::format::money_pm(r.estimate.mean, r.estimate.half_width())
                    .replacen(" ± ", " ±", 1)
            })
        };
        let diff = find(rows, m, "mttr_hours").map_or("–".into(), |r| {
            if m == scenario.reference {
                "reference".into()
            } else {
                format!("{:+.2} [{:+.2}, {:+.2}]", r.diff, r.paired.0, r.paired.1)
            }
        });
        lines.push([
            m.key().to_string(),
            ci(m, "availability", 100.0, 3),
            ci(m, "mttr_hours", 1.0, 2),
            ci(m, "ttr_p90_hours", 1.0, 1),
            ci(m, "queue_wait_hours", 1.0, 2),
            ci(m, "escalations", 1.0, 1),
            cost("cost_operating"),
            cost("cost_total"),
            diff,
        ]);
    }
    let width_of = |c: usize| -> usize {
        lines
            .iter()
            .map(|l| l[c].chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..9).map(width_of).collect();
    let mut shown: Vec<usize> = (0..9).collect();
    let mut dropped: Vec<usize> = Vec::new();
    let total = |shown: &[usize]| -> usize {
        shown.iter().map(|&c| widths[c]).sum::<usize>() + 2 * shown.len().saturating_sub(1)
    };
    if let Some(w) = width {
        for c in DROP_ORDER {
            if total(&shown) <= w {
                break;
            }
            shown.retain(|&s| s != c);
            dropped.push(c);
        }
    }
    for (i, l) in lines.iter().enumerate() {
        let cells: Vec<String> = shown
            .iter()
            .map(|&c| {
                let (s, w) = (&l[c], widths[c]);
                let pad = w - s.chars().count();
                if c == 0 {
                    format!("{s}{}", " ".repeat(pad))
                } else {
                    format!("{}{s}", " ".repeat(pad))
                }
            })
            .collect();
        let _ = writeln!(out, "{}", cells.join("  ").trim_end());
        if i == 0 {
            let _ = writeln!(out, "{}", "─".repeat(total(&shown)));
        }
    }
    if !dropped.is_empty() {
        dropped.sort_unstable();
        let names: Vec<&str> = dropped.iter().map(|&c| lines[0][c].as_str()).collect();
        let note = format!(
            "({} left out to fit {} columns: {}; summary.txt has every column.)",
            crate::format::count(dropped.len(), "column", "columns"),
            width.unwrap_or(0),
            names.join(", ")
        );
        for line in crate::format::wrap(&note, width.unwrap_or(usize::MAX)) {
            let _ = writeln!(out, "{line}");
        }
    }
    out
}
