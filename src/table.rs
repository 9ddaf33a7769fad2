//! The summary table printed on the terminal after a run.

use std::fmt::Write as _;

use crate::model::ModelKind;
use crate::scenario::Scenario;
use crate::summary::{SummaryRow, find};

/// Formats a money amount compactly: `1.25M`, `830k`.
pub fn money(x: f64) -> String {
    let a = x.abs();
    if !x.is_finite() {
        "n/a".into()
    } else if a >= 1e6 {
        format!("{:.2}M", x / 1e6)
    } else if a >= 1e3 {
        format!("{:.0}k", x / 1e3)
    } else {
        format!("{x:.0}")
    }
}

/// A readable table: one line per model with the key metrics and their 95% intervals,
/// and the paired difference in time to restore against the reference model.
pub fn summary_table(scenario: &Scenario, rows: &[SummaryRow]) -> String {
    let mut out = String::new();
    let cur = &scenario.costs.currency;
    let n = scenario.replications;
    let _ = writeln!(
        out,
        "{} — {} replications, seed {}, {} services, horizon {:.0} days (means with 95% CI)",
        scenario.name,
        n,
        scenario.seed,
        scenario.services.len(),
        scenario.horizon_hours / 24.0
    );
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
                format!(
                    "{} ±{}",
                    money(r.estimate.mean),
                    money(r.estimate.half_width())
                )
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
    let widths: Vec<usize> = (0..9)
        .map(|c| {
            lines
                .iter()
                .map(|l| l[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for (i, l) in lines.iter().enumerate() {
        let cells: Vec<String> = l
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(c, (s, w))| {
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
            let total: usize = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
            let _ = writeln!(out, "{}", "─".repeat(total));
        }
    }
    out
}
