//! Legends: one entry per row, a dot or a line as wide as the model's line in the chart, and
//! the order and widths in which the models' lines are drawn.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::render::{Drawn, err};
use crate::report::data::{ModelData, ReportData};
use crate::report::style::{GREY, colour, font};

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy)]
pub(super) enum Mark {
    Dot,
    /// A line of the given width: the width the model's line has in the chart.
    Line(u32),
}

/// Draws a legend panel, one entry per row; a label's second line (after `\n`) is set
/// smaller, in grey. Returns the y coordinate below the last row.
pub(super) fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(String, RGBColor, Mark)],
) -> Result<i32, String> {
    let two_lines = entries.iter().any(|(l, _, _)| l.contains('\n'));
    let row = if two_lines { 84 } else { 56 };
    let mut y = 40;
    for (label, c, mark) in entries {
        match mark {
            Mark::Dot => area
                .draw(&Circle::new((30, y), 13, c.filled()))
                .map_err(err)?,
            Mark::Line(w) => area
                .draw(&PathElement::new(
                    vec![(8, y), (52, y)],
                    ShapeStyle::from(c).stroke_width(*w),
                ))
                .map_err(err)?,
        }
        let (first, second) = label.split_once('\n').unwrap_or((label, ""));
        area.draw(&Text::new(first.to_string(), (66, y - 17), font(30)))
            .map_err(err)?;
        if !second.is_empty() {
            area.draw(&Text::new(
                second.to_string(),
                (66, y + 19),
                font(24).color(&GREY),
            ))
            .map_err(err)?;
        }
        y += row;
    }
    Ok(y)
}

/// A legend with a grey note under its last entry (what the figures in it are).
pub(super) fn legend_with_note<DB: DrawingBackend>(
    key: &DrawingArea<DB, Shift>,
    entries: &[(String, RGBColor, Mark)],
    note: &str,
) -> Drawn {
    let below = legend(key, entries)?;
    key.draw(&Text::new(
        note.to_string(),
        (66, below - 17),
        font(26).color(&GREY),
    ))
    .map_err(err)
}

/// Models in drawing order (the reference last, on top) with their line widths: widest
/// first, so that lines which coincide show as nested stripes instead of hiding each other.
pub(super) fn drawing_order(
    data: &ReportData,
    widest: u32,
    narrowest: u32,
) -> Vec<(&ModelData, u32)> {
    let reference = data.scenario.reference;
    let order: Vec<&ModelData> = data
        .models
        .iter()
        .filter(|m| m.model != reference)
        .chain(data.models.iter().filter(|m| m.model == reference))
        .collect();
    let n = order.len();
    order
        .into_iter()
        .enumerate()
        .map(|(k, m)| {
            let w = if n > 1 {
                f64::from(widest) - f64::from(widest - narrowest) * k as f64 / (n - 1) as f64
            } else {
                f64::from(narrowest)
            };
            (m, w.round() as u32)
        })
        .collect()
}

/// Line legend entries in the scenario's order, each with its line's width and a label.
pub(super) fn line_entries(
    data: &ReportData,
    widest: u32,
    narrowest: u32,
    label: &dyn Fn(&ModelData) -> String,
) -> Vec<(String, RGBColor, Mark)> {
    let widths = drawing_order(data, widest, narrowest);
    data.models
        .iter()
        .map(|m| {
            let w = widths
                .iter()
                .find(|(d, _)| d.model == m.model)
                .map_or(narrowest, |(_, w)| *w);
            (label(m), colour(m.model), Mark::Line(w))
        })
        .collect()
}
