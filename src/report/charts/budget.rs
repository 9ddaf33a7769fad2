//! The error-budget chart: budget left week by week after the warm-up, one small multiple per tier.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::Chart;
use super::bands::{band_panel, week_rows};
use super::frame::frame;
use super::legend::{legend, line_entries};
use super::render::Drawn;
use crate::format::trim_pct;
use crate::report::data::ReportData;
use crate::report::style::{LINE_NARROWEST, PANEL_WIDEST};

/// Error budget left per tier: one panel per availability tier, so the tiers' budgets are
/// never summed into one line.
pub(super) fn budget_by_tier<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ReportData,
) -> Drawn {
    let (plot, key) = frame(root, data, Chart::ErrorBudgetOverTime)?;
    legend(
        &key,
        &line_entries(data, PANEL_WIDEST, LINE_NARROWEST, &|m| {
            m.model.name().to_string()
        }),
    )?;
    let n = data.tiers.len().max(1);
    let cols = if n > 1 { 2 } else { 1 };
    let rows = n.div_ceil(cols);
    let panels = plot.split_evenly((rows, cols));
    for (t, (panel, target)) in panels.iter().zip(&data.tiers).enumerate() {
        band_panel(
            panel,
            data,
            "Budget left (%)",
            &|m| {
                m.budget_share_by_tier
                    .get(t)
                    .map_or(Vec::new(), |weeks| week_rows(weeks))
            },
            true,
            Some(format!("{}% tier", trim_pct(100.0 * target))),
        )?;
    }
    Ok(())
}
