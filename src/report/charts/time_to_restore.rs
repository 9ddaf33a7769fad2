//! The time-to-restore chart: the share of incidents restored within a given time, per
//! model, on a log time axis with ticks at times people think in.

use plotters::coord::Shift;
use plotters::coord::combinators::IntoLogRange;
use plotters::prelude::*;

use super::Chart;
use super::frame::frame;
use super::legend::{drawing_order, legend_with_note, line_entries};
use super::render::{Drawn, err};
use crate::report::data::ReportData;
use crate::report::style::{GRID, LINE_NARROWEST, LINE_WIDEST, colour, font};
use crate::units::format_hours;

/// The cumulative share of incidents restored within each time, per model.
pub(super) fn time_to_restore<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ReportData,
) -> Drawn {
    let (plot, key) = frame(root, data, Chart::TimeToRestore)?;
    let entries = line_entries(data, LINE_WIDEST, LINE_NARROWEST, &|m| {
        let median = format_hours(m.estimate("ttr_p50_hours").mean);
        if m.model == data.scenario.reference {
            format!("{}  {median}\n(reference)", m.model.name())
        } else {
            format!("{}  {median}", m.model.name())
        }
    });
    legend_with_note(&key, &entries, "(median time to restore)")?;
    let mut chart = ChartBuilder::on(&plot)
        .margin_left(40)
        .margin_right(40)
        .margin_top(10)
        .x_label_area_size(100)
        .y_label_area_size(150)
        .build_cartesian_2d((1.0 / 60.0..1440.0f64).log_scale(), 0.0..100.0f64)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .x_labels(0)
        .x_label_formatter(&|_| String::new())
        .x_desc("Time to restore (log scale)")
        .y_desc("Incidents restored within (%)")
        .axis_desc_style(font(34))
        .label_style(font(30))
        .y_label_formatter(&|v| format!("{v:.0}"))
        .draw()
        .map_err(err)?;
    // Ticks at times people think in, rather than powers of ten.
    for (hours, label) in [
        (5.0 / 60.0, "5 min"),
        (0.25, "15 min"),
        (1.0, "1 h"),
        (4.0, "4 h"),
        (24.0, "1 day"),
        (168.0, "1 week"),
        (720.0, "30 days"),
    ] {
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(hours, 0.0), (hours, 100.0)],
                ShapeStyle::from(&GRID).stroke_width(2),
            )))
            .map_err(err)?;
        let dx = -8 * label.len() as i32;
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((hours, 0.0)) + Text::new(label, (dx, 12), font(30)),
            ))
            .map_err(err)?;
    }
    // The reference model last, so that it is drawn on top of the others.
    for (m, width) in drawing_order(data, LINE_WIDEST, LINE_NARROWEST) {
        let total: u64 = m.ttr_histogram.iter().sum();
        if total == 0 {
            continue;
        }
        let mut acc = 0u64;
        let mut points = Vec::new();
        for (i, n) in m
            .ttr_histogram
            .iter()
            .enumerate()
            .take(crate::outcome::TTR_BINS + 1)
        {
            acc += n;
            points.push((
                crate::outcome::ttr_bin_upper(i),
                100.0 * acc as f64 / total as f64,
            ));
        }
        chart
            .draw_series(LineSeries::new(
                points,
                ShapeStyle::from(&colour(m.model)).stroke_width(width),
            ))
            .map_err(err)?;
    }
    Ok(())
}
