//! The workarounds chart: open workarounds per week, mean lines over 10–90% bands.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::Chart;
use super::bands::{band_panel, week_rows};
use super::frame::frame;
use super::legend::{legend_with_note, line_entries};
use super::render::Drawn;
use crate::report::data::ReportData;
use crate::report::style::{LINE_NARROWEST, LINE_WIDEST};

/// Open workarounds per week: mean lines and 10–90% bands, the peak in the legend.
pub(super) fn workarounds<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ReportData,
) -> Drawn {
    let (plot, key) = frame(root, data, Chart::WorkaroundsOverTime)?;
    let entries = line_entries(data, LINE_WIDEST, LINE_NARROWEST, &|m| {
        let peak = crate::report::headline::workarounds_line_peak(m);
        if peak < 0.05 {
            format!("{}  none", m.model.name())
        } else {
            format!("{}  peak {peak:.1}", m.model.name())
        }
    });
    legend_with_note(&key, &entries, "(the mean line's highest week)")?;
    band_panel(
        &plot,
        data,
        "Open workarounds (all services)",
        &|m| week_rows(&m.workarounds),
        false,
        None,
    )
}
