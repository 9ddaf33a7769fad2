//! The trajectories chart: incidents, restore time and costs quarter by quarter over the
//! measured years, each model's mean with its 95% interval, one small multiple per metric.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::Chart;
use super::bands::{Over, band_panel_over};
use super::frame::frame;
use super::legend::{legend, line_entries};
use super::render::Drawn;
use crate::report::data::{ReportData, band_of};
use crate::report::style::{LINE_NARROWEST, PANEL_WIDEST};

/// The panels: (column of `quarters.*`, axis description, scale, panel title).
const PANELS: [(&str, &str, Option<f64>, &str); 4] = [
    ("incidents", "Incidents", None, "Incidents per quarter"),
    ("mttr_hours", "Hours", None, "Mean time to restore"),
    (
        "cost_operating",
        "Millions per year",
        Some(1e-6),
        "Operating cost",
    ),
    (
        "cost_unreliability",
        "Millions per year",
        Some(1e-6),
        "Cost of unreliability",
    ),
];

/// Four panels over the measured quarters.
pub(super) fn trajectories<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ReportData,
) -> Drawn {
    let (plot, key) = frame(root, data, Chart::Trajectories)?;
    legend(
        &key,
        &line_entries(data, PANEL_WIDEST, LINE_NARROWEST, &|m| {
            m.model.name().to_string()
        }),
    )?;
    let panels = plot.split_evenly((2, 2));
    for (panel, (column, y_desc, scale, title)) in panels.iter().zip(PANELS) {
        let over = Over {
            steps: &|m| m.quarters.as_slice(),
            x_desc: "Measured quarter",
            y_label: &|v| {
                if scale.is_some() {
                    format!("{v:.1}")
                } else {
                    format!("{v:.0}")
                }
            },
        };
        band_panel_over(
            panel,
            data,
            &over,
            y_desc,
            &|m| {
                // Each quarter's mean with its 95% interval over the replications.
                m.quarter_values.get(column).map_or(Vec::new(), |quarters| {
                    let k = scale.unwrap_or(1.0);
                    quarters.iter().map(|xs| band_of(xs, k, true)).collect()
                })
            },
            scale.is_some(),
            Some(title.to_string()),
        )?;
    }
    Ok(())
}
