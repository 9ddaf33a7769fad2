//! How the models unfold over the measured years: each headline metric in the first and
//! the last whole year, with 95% intervals, and who leads on each in either year (by the
//! same rule as the findings: a lead is stated only when its paired interval excludes zero
//! and passes the metric's threshold).

use super::data::ReportData;
use crate::metric::{direction, tie};
use crate::model::ModelKind;
use crate::ranking::{Lead, lead};
use crate::stats::Estimate;
use crate::table::money;
use crate::units::format_hours;

/// A metric shown per year: (column, metric, label, formatter).
type Shown = (&'static str, &'static str, &'static str, fn(f64) -> String);

/// The metrics shown per year: (column of `quarters.*`, metric whose direction and tie
/// threshold apply, what it is called, how a value is shown).
const METRICS: [Shown; 6] = [
    ("incidents", "incidents", "incidents per year", |x| {
        format!("{x:.0}")
    }),
    (
        "mttr_hours",
        "mttr_hours",
        "mean time to restore",
        format_hours,
    ),
    ("availability", "availability", "availability", |x| {
        format!("{:.3}%", 100.0 * x)
    }),
    ("cost_operating", "cost_operating", "operating cost", money),
    (
        "cost_unreliability",
        "cost_unreliability",
        "cost of unreliability",
        money,
    ),
    ("cost_total", "cost_total", "total cost", money),
];

/// The section, or `None` when fewer than one whole year was measured.
pub struct Years {
    /// The last whole year measured.
    pub last: usize,
    /// Column headings after the model.
    pub header: Vec<String>,
    /// Per model, its cells.
    pub rows: Vec<(ModelKind, Vec<String>)>,
    /// One sentence per metric: who leads in year 1 and in the last year.
    pub verdicts: Vec<String>,
}

/// Year 1 and the last whole year of every model, with verdicts.
pub fn years(data: &ReportData) -> Option<Years> {
    let last = data.models.iter().map(|m| m.years()).min()?;
    if last == 0 {
        return None;
    }
    let shown = if last == 1 { vec![1] } else { vec![1, last] };
    let mut header = Vec::new();
    for (_, _, what, _) in METRICS {
        for y in &shown {
            header.push(format!("{what}, year {y}"));
        }
    }
    let rows = data
        .models
        .iter()
        .map(|m| {
            let mut cells = Vec::new();
            for (column, _, _, show) in METRICS {
                for y in &shown {
                    let e = Estimate::of(m.year(column, *y));
                    cells.push(format!(
                        "{} ({}–{})",
                        show(e.mean),
                        show(e.low),
                        show(e.high)
                    ));
                }
            }
            (m.model, cells)
        })
        .collect();
    let mut verdicts = Vec::new();
    for (column, metric, what, _) in METRICS {
        let at = |y: usize| -> String {
            let series: Vec<(ModelKind, Vec<f64>)> = data
                .models
                .iter()
                .map(|m| (m.model, m.year(column, y)))
                .collect();
            let refs: Vec<(ModelKind, &[f64])> =
                series.iter().map(|(m, v)| (*m, v.as_slice())).collect();
            match lead(&refs, direction(metric), tie(metric)) {
                Lead::Clear { leader, .. } => format!("**{}** leads", leader.name()),
                Lead::Tied(tied) => format!("{} are tied", names(&tied)),
            }
        };
        if data.models.len() < 2 {
            break;
        }
        let first = at(1);
        verdicts.push(if last == 1 {
            format!("On {what} in year 1: {first}.")
        } else {
            let end = at(last);
            if first == end {
                format!("On {what}: {first} in year 1 and still in year {last}.")
            } else {
                format!("On {what}: in year 1, {first}; in year {last}, {end}.")
            }
        });
    }
    Some(Years {
        last,
        header,
        rows,
        verdicts,
    })
}

/// "**a**", "**a** and **b**", "**a**, **b** and **c**".
pub fn names(models: &[ModelKind]) -> String {
    let bold: Vec<String> = models.iter().map(|m| format!("**{}**", m.name())).collect();
    match bold.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// What the section shows, for its first paragraph.
pub const NOTE: &str = "Each model's first and last whole measured year (year 1 starts when the warm-up ends, which is when follow-up work, telemetry and resilience begin to move: `[learning]`, `[telemetry]`, `[cascades]` in docs/model.md §13). Means with 95% intervals over replications; every quarter is in `quarters.csv`. Restore times count the incidents restored by the end of the run, so the last weeks' longest incidents are missing from the last year. A lead is stated only when its paired 95% interval excludes zero and it passes the metric's threshold; otherwise the models are tied.";
