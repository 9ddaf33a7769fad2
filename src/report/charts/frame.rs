//! The frame around a chart: the message title (from [`crate::report::headline`]), the
//! neutral description, the footnote and, for the report's charts, the legend panel; text
//! wrapped to the width it has.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::Chart;
use super::render::{HEIGHT, WIDTH, err};
use crate::report::data::ReportData;
use crate::report::fonts::register_fonts;
use crate::report::style::{GREY, bold, font};
use crate::report::{headline, svgtext};

/// Width of the legend panel on the right of every chart.
pub(super) const LEGEND_WIDTH: u32 = 500;

/// A chart's plot area and legend area.
type Panels<DB> = (DrawingArea<DB, Shift>, DrawingArea<DB, Shift>);

/// Pixels per em at font size 1, as plotters writes sizes into SVG (its bitmap text is a
/// little narrower). Used to measure text for wrapping.
const EM_PER_SIZE: f64 = 1.0 / 1.24;

/// The width in pixels of `text` at font size `size`: the wider of the SVG's outlines
/// and the bitmap's glyphs (plotters lays out a PNG's text with its own metrics, a little
/// wider than the outlines), so that text measured here fits in both.
pub(super) fn measure(text: &str, size: u32, bold: bool) -> f64 {
    let outline = svgtext::width(text, f64::from(size) * EM_PER_SIZE, bold);
    let style = if bold {
        crate::report::style::bold(size)
    } else {
        font(size)
    };
    let bitmap = style.font.box_size(text).map_or(0.0, |(w, _)| f64::from(w));
    outline.max(bitmap)
}

/// Breaks `text` into lines no wider than `max` pixels at font size `size`.
pub(super) fn wrap(text: &str, size: u32, bold: bool, max: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && measure(&candidate, size, bold) > max {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = candidate;
        }
    }
    lines.push(line);
    lines
}

/// `text` cut at the end with "…" to fit `max` pixels at font size `size`.
pub(super) fn fit(text: &str, size: u32, bold: bool, max: f64) -> String {
    if measure(text, size, bold) <= max {
        return text.to_string();
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let candidate: String = chars.iter().collect::<String>().trim_end().to_string() + "…";
        if measure(&candidate, size, bold) <= max {
            return candidate;
        }
    }
    "…".into()
}

/// A footnote naming the scenario, fitted to `max` pixels: the name is shortened with
/// "…" (never the figures after it) when the whole does not fit.
fn footnote(name: &str, rest: &str, max: f64) -> String {
    let whole = format!("Scenario \"{name}\" · {rest}");
    if measure(&whole, 26, false) <= max {
        return whole;
    }
    let room = max - measure(&format!("Scenario \"\" · {rest}"), 26, false);
    format!(
        "Scenario \"{}\" · {rest}",
        fit(name, 26, false, room.max(0.0))
    )
}

/// Message title (the finding, up to two lines, smaller if it needs more), neutral
/// description, footnote and legend panel; returns the plot area and the legend area.
pub(super) fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ReportData,
    chart: Chart,
) -> Result<Panels<DB>, String> {
    root.fill(&WHITE).map_err(err)?;
    let max = f64::from(WIDTH - 120);
    let headline = headline::headline(chart, data);
    let (size, lines) = [48, 42, 36, 30]
        .iter()
        .map(|s| (*s, wrap(&headline, *s, true, max)))
        .find(|(_, l)| l.len() <= 2)
        .unwrap_or_else(|| (30, wrap(&headline, 30, true, max)));
    let neutral = wrap(
        &format!("{}. {}", chart.title(), chart.subtitle()),
        26,
        false,
        max,
    );
    let line_h = size as i32 * 6 / 5;
    let top_h = 24 + line_h * lines.len() as i32 + 12 + 34 * neutral.len() as i32 + 16;
    let (top, rest) = root.split_vertically(top_h);
    let mut y = 24;
    for l in &lines {
        top.draw(&Text::new(l.clone(), (60, y), bold(size)))
            .map_err(err)?;
        y += line_h;
    }
    y += 12;
    for l in &neutral {
        top.draw(&Text::new(l.clone(), (62, y), font(26).color(&GREY)))
            .map_err(err)?;
        y += 34;
    }
    let body_h = (HEIGHT as i32 - top_h - 60).max(200) as u32;
    let (body, foot) = rest.split_vertically(body_h);
    let s = &data.scenario;
    let note = footnote(
        &s.name,
        &format!(
            "{} replications · seed {} · {} services · whoruns {}",
            data.replications,
            s.seed,
            s.services.len(),
            env!("CARGO_PKG_VERSION")
        ),
        max,
    );
    foot.draw(&Text::new(note, (60, 14), font(26).color(&GREY)))
        .map_err(err)?;
    Ok(body.split_horizontally(WIDTH - LEGEND_WIDTH))
}

/// The frame of a sweep, sensitivity or map chart: the message title (up to two lines),
/// a grey description and a footnote; returns the body between them.
pub(super) fn simple_frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    description: &str,
    footnote: &str,
) -> Result<DrawingArea<DB, Shift>, String> {
    register_fonts();
    root.fill(&WHITE).map_err(err)?;
    let max = f64::from(WIDTH - 120);
    // The title at the largest size that keeps it to two lines (all of it, however long).
    let (size, lines) = [42, 36, 30, 26]
        .iter()
        .map(|s| (*s, wrap(title, *s, true, max)))
        .find(|(_, l)| l.len() <= 2)
        .unwrap_or_else(|| (26, wrap(title, 26, true, max)));
    let line_h = size as i32 * 6 / 5;
    let described = wrap(description, 24, false, max);
    let top_h = 24 + line_h * lines.len() as i32 + 10 + 30 * described.len() as i32 + 20;
    let (top, rest) = root.split_vertically(top_h);
    let mut y = 24;
    for l in &lines {
        top.draw(&Text::new(l.clone(), (60, y), bold(size)))
            .map_err(err)?;
        y += line_h;
    }
    y += 10;
    for l in &described {
        top.draw(&Text::new(l.clone(), (62, y), font(24).color(&GREY)))
            .map_err(err)?;
        y += 30;
    }
    let rest_h = rest.dim_in_pixel().1;
    let (body, foot) = rest.split_vertically(rest_h.saturating_sub(60));
    foot.draw(&Text::new(
        fit(footnote, 26, false, max),
        (60, 14),
        font(26).color(&GREY),
    ))
    .map_err(err)?;
    Ok(body)
}

/// The footnote of sweep, sensitivity and map charts.
pub(super) fn points_footnote(s: &crate::scenario::Scenario) -> String {
    format!(
        "Scenario \"{}\" · {} replications per point, the same seeds at every point · seed {} · whoruns {}",
        s.name,
        s.replications,
        s.seed,
        env!("CARGO_PKG_VERSION")
    )
}
