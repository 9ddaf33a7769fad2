//! Deck-ready charts, generic over plotters' drawing backend so tests can render them to
//! an SVG string. One Okabe–Ito colour per model across every chart, an embedded font (no
//! system fonts needed), large type, units on every axis, and a footnote with scenario,
//! replications and seed.

mod calibration;

use std::sync::Once;

pub use calibration::{FitChart, pages as fit_chart_pages};

use plotters::coord::Shift;
use plotters::coord::combinators::IntoLogRange;
use plotters::prelude::*;
use plotters::style::FontStyle;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::data::{ModelData, ReportData};
use crate::model::ModelKind;
use crate::stats::{Estimate, quantile_sorted};
use crate::units::format_hours;

/// Chart width in pixels (16:9).
pub const WIDTH: u32 = 1920;
/// Chart height in pixels.
pub const HEIGHT: u32 = 1080;

/// The embedded font's family name.
pub const FONT: &str = "DejaVu Sans";
pub(super) static FONT_REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
pub(super) static FONT_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Registers the embedded font with plotters (once per process).
pub fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are a valid TrueType font compiled into the binary; should registration
        // fail anyway, drawing reports FontUnavailable rather than panicking.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, FONT_REGULAR);
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, FONT_BOLD);
    });
}

/// A chart failed to draw.
#[derive(Debug, thiserror::Error)]
#[error("could not draw the {chart} chart: {message}")]
pub struct ChartError {
    chart: &'static str,
    message: String,
}

/// The charts of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chart {
    /// Availability against operating cost.
    CostVsReliability,
    /// Distribution of time to restore.
    TimeToRestore,
    /// Open workarounds per week.
    WorkaroundsOverTime,
    /// Error budget remaining through the year.
    ErrorBudgetOverTime,
    /// Stacked cost components.
    CostBreakdown,
    /// Mean time to restore split into its parts: why a model is slow.
    RestoreBreakdown,
}

impl Chart {
    /// Every chart, in report order.
    pub const ALL: [Chart; 6] = [
        Chart::CostVsReliability,
        Chart::TimeToRestore,
        Chart::RestoreBreakdown,
        Chart::WorkaroundsOverTime,
        Chart::ErrorBudgetOverTime,
        Chart::CostBreakdown,
    ];

    /// File stem under `charts/`.
    pub fn name(self) -> &'static str {
        match self {
            Chart::CostVsReliability => "cost_vs_reliability",
            Chart::TimeToRestore => "time_to_restore",
            Chart::WorkaroundsOverTime => "workarounds_over_time",
            Chart::ErrorBudgetOverTime => "error_budget_over_time",
            Chart::CostBreakdown => "cost_breakdown",
            Chart::RestoreBreakdown => "restore_breakdown",
        }
    }

    /// The chart's title: the subject of its finding.
    pub fn title(self) -> &'static str {
        match self {
            Chart::CostVsReliability => {
                "What each model costs to run, and which tiers meet their targets"
            }
            Chart::TimeToRestore => "How long each model takes to restore service",
            Chart::WorkaroundsOverTime => "Workarounds left in production, week by week",
            Chart::ErrorBudgetOverTime => "Error budget remaining through the year, tier by tier",
            Chart::CostBreakdown => "Where each model's money goes",
            Chart::RestoreBreakdown => "Where each model's time to restore goes",
        }
    }

    /// Draws the chart on any backend.
    pub fn draw<DB: DrawingBackend>(
        self,
        root: &DrawingArea<DB, Shift>,
        data: &ReportData,
    ) -> Result<(), ChartError> {
        register_fonts();
        let result = match self {
            Chart::CostVsReliability => cost_vs_reliability(root, data),
            Chart::TimeToRestore => time_to_restore(root, data),
            Chart::WorkaroundsOverTime => workarounds(root, data),
            Chart::ErrorBudgetOverTime => budget_by_tier(root, data),
            Chart::CostBreakdown => cost_breakdown(root, data),
            Chart::RestoreBreakdown => restore_breakdown(root, data),
        };
        result.map_err(|message| ChartError {
            chart: self.name(),
            message,
        })
    }

    /// The chart as an SVG document.
    pub fn svg(self, data: &ReportData) -> Result<String, ChartError> {
        to_svg(self.name(), |root| {
            self.draw(root, data).map_err(|e| e.message)
        })
    }

    /// The chart as PNG bytes.
    pub fn png(self, data: &ReportData) -> Result<Vec<u8>, ChartError> {
        to_png(self.name(), |root| {
            self.draw(root, data).map_err(|e| e.message)
        })
    }
}

/// Renders a chart drawn by `draw` as an SVG document, text as outlines.
fn to_svg(
    chart: &'static str,
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Drawn,
) -> Result<String, ChartError> {
    let fail = |message: String| ChartError { chart, message };
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root).map_err(fail)?;
        root.present().map_err(|e| fail(e.to_string()))?;
    }
    super::svgtext::outline(&out).map_err(fail)
}

/// Renders a chart drawn by `draw` as PNG bytes.
fn to_png(
    chart: &'static str,
    draw: impl FnOnce(&DrawingArea<BitMapBackend<'_>, Shift>) -> Drawn,
) -> Result<Vec<u8>, ChartError> {
    let fail = |message: String| ChartError { chart, message };
    let mut pixels = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root).map_err(fail)?;
        root.present().map_err(|e| fail(e.to_string()))?;
    }
    let mut png = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut png),
        &pixels,
        WIDTH,
        HEIGHT,
        image::ColorType::Rgb8,
    )
    .map_err(|e| fail(e.to_string()))?;
    Ok(png)
}

/// The frame of a sweep, sensitivity or map chart: the message title (up to two lines),
/// a grey description and a footnote; returns the body between them.
fn simple_frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    description: &str,
    footnote: &str,
) -> Result<DrawingArea<DB, Shift>, String> {
    register_fonts();
    root.fill(&WHITE).map_err(err)?;
    let lines = wrap(title, 42, true, f64::from(WIDTH - 120));
    let shown = lines.len().min(2) as i32;
    let (top, rest) = root.split_vertically(24 + 50 * shown + 60);
    for (i, l) in lines.iter().take(2).enumerate() {
        top.draw(&Text::new(l.clone(), (60, 24 + 50 * i as i32), bold(42)))
            .map_err(err)?;
    }
    top.draw(&Text::new(
        description.to_string(),
        (62, 24 + 50 * shown + 10),
        font(24).color(&GREY),
    ))
    .map_err(err)?;
    let rest_h = rest.dim_in_pixel().1;
    let (body, foot) = rest.split_vertically(rest_h.saturating_sub(60));
    foot.draw(&Text::new(
        footnote.to_string(),
        (60, 14),
        font(26).color(&GREY),
    ))
    .map_err(err)?;
    Ok(body)
}

/// The footnote of sweep, sensitivity and map charts.
fn points_footnote(s: &crate::scenario::Scenario) -> String {
    format!(
        "Scenario \"{}\" · {} replications per point, the same seeds at every point · seed {} · whoruns {}",
        s.name,
        s.replications,
        s.seed,
        env!("CARGO_PKG_VERSION")
    )
}

/// The model's colour (Okabe–Ito, colour-blind safe), the same in every chart.
pub fn colour(model: ModelKind) -> RGBColor {
    match model {
        ModelKind::YouRun => RGBColor(0, 114, 178),        // blue
        ModelKind::YouAndSreRun => RGBColor(86, 180, 233), // sky blue
        ModelKind::SreRun => RGBColor(0, 158, 115),        // bluish green
        ModelKind::OpsRun => RGBColor(213, 94, 0),         // vermillion
        ModelKind::OpsSometimesRun => RGBColor(230, 159, 0), // orange
        ModelKind::YouRunOpsMonitors => RGBColor(204, 121, 167), // reddish purple
    }
}

/// The colour as CSS hex, for the HTML report.
pub fn colour_hex(model: ModelKind) -> String {
    let RGBColor(r, g, b) = colour(model);
    format!("#{r:02x}{g:02x}{b:02x}")
}

const INK: RGBColor = RGBColor(33, 33, 33);
const GREY: RGBColor = RGBColor(90, 90, 90);
const GRID: RGBColor = RGBColor(225, 225, 225);
/// Line widths, widest drawn first (see [`drawing_order`]).
const LINE_WIDEST: u32 = 15;
const LINE_NARROWEST: u32 = 5;
/// The widest line in a small-multiple panel.
const PANEL_WIDEST: u32 = 11;
/// Width of the legend panel on the right of every chart.
const LEGEND_WIDTH: u32 = 500;

fn font(size: u32) -> TextStyle<'static> {
    (FONT, size).into_font().color(&INK)
}

fn bold(size: u32) -> TextStyle<'static> {
    (FONT, size).into_font().style(FontStyle::Bold).color(&INK)
}

type Drawn = Result<(), String>;

fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy)]
enum Mark {
    Dot,
    /// A line of the given width: the width the model's line has in the chart.
    Line(u32),
}

impl Chart {
    /// One line under the title saying what is drawn.
    pub fn subtitle(self) -> &'static str {
        match self {
            Chart::CostVsReliability => {
                "Markers: share of each tier's service-years that met the target (shape: tier), at the model's mean operating cost. Bars: 95% intervals."
            }
            Chart::TimeToRestore => {
                "Share of incidents restored within a given time; all replications pooled."
            }
            Chart::WorkaroundsOverTime => {
                "Lines: mean over replications. Bands: 10th to 90th percentile."
            }
            Chart::ErrorBudgetOverTime => {
                "One panel per tier: budget left this quarter, % of the tier's budget; below zero is overspent. Lines: means; bands: 10th–90th percentile."
            }
            Chart::CostBreakdown => {
                "Means per year. Left: the cost of running the model. Right: the cost of unreliability (freezes at an assumed price, lost revenue), on its own scale."
            }
            Chart::RestoreBreakdown => {
                "Mean hours per restored incident, split from occurrence to restore; the parts add up to the mean time to restore."
            }
        }
    }
}

/// A chart's plot area and legend area.
type Panels<DB> = (DrawingArea<DB, Shift>, DrawingArea<DB, Shift>);

/// One week of a band: (week, mean, 10th percentile, 90th percentile).
type BandPoint = (f64, f64, f64, f64);

/// Pixels per em at font size 1, as plotters writes sizes into SVG (its bitmap text is a
/// little narrower). Used to measure text for wrapping.
const EM_PER_SIZE: f64 = 1.0 / 1.24;

/// Breaks `text` into lines no wider than `max` pixels at font size `size`.
fn wrap(text: &str, size: u32, bold: bool, max: f64) -> Vec<String> {
    let em = f64::from(size) * EM_PER_SIZE;
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && super::svgtext::width(&candidate, em, bold) > max {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = candidate;
        }
    }
    lines.push(line);
    lines
}

/// Message title (the finding, up to two lines, smaller if it needs more), neutral
/// description, footnote and legend panel; returns the plot area and the legend area.
fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ReportData,
    chart: Chart,
) -> Result<Panels<DB>, String> {
    root.fill(&WHITE).map_err(err)?;
    let max = f64::from(WIDTH - 120);
    let headline = super::headline::headline(chart, data);
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
    let note = format!(
        "Scenario \"{}\" · {} replications · seed {} · {} services · whoruns {}",
        s.name,
        data.replications,
        s.seed,
        s.services.len(),
        env!("CARGO_PKG_VERSION")
    );
    foot.draw(&Text::new(note, (60, 14), font(26).color(&GREY)))
        .map_err(err)?;
    Ok(body.split_horizontally(WIDTH - LEGEND_WIDTH))
}

/// Draws a legend panel, one entry per row; a label's second line (after `\n`) is set
/// smaller, in grey. Returns the y coordinate below the last row.
fn legend<DB: DrawingBackend>(
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
fn legend_with_note<DB: DrawingBackend>(
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
fn drawing_order(data: &ReportData, widest: u32, narrowest: u32) -> Vec<(&ModelData, u32)> {
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
fn line_entries(
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

fn range(values: impl Iterator<Item = f64>, pad: f64) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let span = (hi - lo).max(hi.abs() * 0.01).max(1e-9);
    (lo - span * pad, hi + span * pad)
}

/// Draws the marker of tier `tier` (circle, triangle, square, cross, then again) at
/// `at`, in pixels relative to the element's anchor.
fn tier_marker<DB: DrawingBackend, C>(
    area: &DrawingArea<DB, C>,
    tier: usize,
    at: C::From,
    size: i32,
    colour: RGBColor,
) -> Drawn
where
    C: plotters::coord::CoordTranslate,
    C::From: Clone,
{
    let halo = WHITE.filled();
    let fill = colour.filled();
    let e = || EmptyElement::at(at.clone());
    match tier % 4 {
        0 => area
            .draw(&(e() + Circle::new((0, 0), size + 3, halo) + Circle::new((0, 0), size, fill)))
            .map_err(err),
        1 => area
            .draw(
                &(e()
                    + TriangleMarker::new((0, 0), size + 5, halo)
                    + TriangleMarker::new((0, 0), size + 1, fill)),
            )
            .map_err(err),
        2 => area
            .draw(
                &(e()
                    + Rectangle::new([(-size - 2, -size - 2), (size + 2, size + 2)], halo)
                    + Rectangle::new([(-size + 1, -size + 1), (size - 1, size - 1)], fill)),
            )
            .map_err(err),
        _ => area
            .draw(
                &(e()
                    + Cross::new((0, 0), size + 2, ShapeStyle::from(&WHITE).stroke_width(9))
                    + Cross::new((0, 0), size, ShapeStyle::from(&colour).stroke_width(5))),
            )
            .map_err(err),
    }
}

fn cost_vs_reliability<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ReportData,
) -> Drawn {
    let (plot, key) = frame(root, data, Chart::CostVsReliability)?;
    // Models, with their total cost and mean availability as the secondary view.
    let cur = &data.scenario.costs.currency;
    let entries: Vec<_> = data
        .models
        .iter()
        .map(|m| {
            (
                format!(
                    "{}\nrun {:.2} · total {:.2} · {:.2}%",
                    m.model.name(),
                    m.estimate("cost_operating").mean / 1e6,
                    m.estimate("cost_total").mean / 1e6,
                    100.0 * m.estimate("availability").mean
                ),
                colour(m.model),
                Mark::Dot,
            )
        })
        .collect();
    let below = legend(&key, &entries)?;
    key.draw(&Text::new(
        format!("(million {cur} a year: operating,"),
        (20, below - 30),
        font(24).color(&GREY),
    ))
    .map_err(err)?;
    key.draw(&Text::new(
        "total with unreliability; mean availability)",
        (20, below - 2),
        font(24).color(&GREY),
    ))
    .map_err(err)?;
    let below = below + 30;
    for (t, target) in data.tiers.iter().enumerate() {
        let y = below + 50 + 50 * t as i32;
        tier_marker(&key, t, (30, y), 11, GREY)?;
        key.draw(&Text::new(
            format!("{}% tier", trim_pct(100.0 * target)),
            (66, y - 17),
            font(30),
        ))
        .map_err(err)?;
    }
    let (x0, x1) = range(
        data.models
            .iter()
            .flat_map(|m| m.values("cost_operating").iter().map(|c| c / 1e6)),
        0.08,
    );
    let mut chart = ChartBuilder::on(&plot)
        .margin_left(40)
        .margin_right(40)
        .margin_top(10)
        .x_label_area_size(100)
        .y_label_area_size(150)
        .build_cartesian_2d(x0..x1, -4.0..104.0)
        .map_err(err)?;
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .x_desc(format!("Operating cost per year, million {cur}"))
        .y_desc("Service-years meeting their target (%)")
        .axis_desc_style(font(34))
        .label_style(font(30))
        .y_label_formatter(&|v| format!("{v:.0}"))
        .x_label_formatter(&|v| format!("{v:.1}"))
        .draw()
        .map_err(err)?;
    for m in &data.models {
        let c = colour(m.model);
        let ex = m.estimate("cost_operating");
        let x = ex.mean / 1e6;
        let tiers: Vec<_> = m
            .tier_met
            .iter()
            .map(|v| Estimate::of(v.iter().map(|s| 100.0 * s)))
            .collect();
        // The model's spread across tiers, then each tier's interval and marker.
        let (lo, hi) = tiers
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), e| {
                (a.min(e.mean), b.max(e.mean))
            });
        if lo.is_finite() {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(x, lo), (x, hi)],
                    ShapeStyle::from(&c.mix(0.5)).stroke_width(3),
                )))
                .map_err(err)?;
        }
        let style = ShapeStyle::from(&c).stroke_width(5);
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(ex.low / 1e6, hi.max(0.0)), (ex.high / 1e6, hi.max(0.0))],
                style,
            )))
            .map_err(err)?;
        for (t, e) in tiers.iter().enumerate() {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(x, e.low.max(0.0)), (x, e.high.min(100.0))],
                    style,
                )))
                .map_err(err)?;
            tier_marker(chart.plotting_area(), t, (x, e.mean), 12, c)?;
        }
    }
    Ok(())
}

/// A percentage without trailing zeros: 99.95, 99.9, 99.
pub fn trim_pct(x: f64) -> String {
    let s = format!("{x:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn time_to_restore<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, data: &ReportData) -> Drawn {
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

/// Open workarounds per week: mean lines and 10–90% bands, the peak in the legend.
fn workarounds<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, data: &ReportData) -> Drawn {
    let (plot, key) = frame(root, data, Chart::WorkaroundsOverTime)?;
    let entries = line_entries(data, LINE_WIDEST, LINE_NARROWEST, &|m| {
        let peak = m.estimate("workarounds_peak").mean;
        if peak < 0.05 {
            format!("{}  none", m.model.name())
        } else {
            format!("{}  peak {peak:.1}", m.model.name())
        }
    });
    legend_with_note(&key, &entries, "(mean peak over the year)")?;
    band_panel(
        &plot,
        data,
        "Open workarounds (all services)",
        &|m| m.workarounds.as_slice(),
        None,
        None,
    )
}

/// Error budget left per tier: one panel per availability tier, so the tiers' budgets are
/// never summed into one line.
fn budget_by_tier<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, data: &ReportData) -> Drawn {
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
                    .map_or(&[][..], |v| v.as_slice())
            },
            Some(100.0),
            Some(format!("{}% tier", trim_pct(100.0 * target))),
        )?;
    }
    Ok(())
}

/// Mean lines with 10th–90th percentile bands over weeks, in one panel; `title` (small
/// multiples) makes the panel compact and labels it.
fn band_panel<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    data: &ReportData,
    y_desc: &str,
    series: &dyn Fn(&ModelData) -> &[Vec<f64>],
    scale: Option<f64>,
    title: Option<String>,
) -> Drawn {
    let compact = title.is_some();
    let k = scale.unwrap_or(1.0);
    let widest = if compact { PANEL_WIDEST } else { LINE_WIDEST };
    let bands: Vec<(ModelKind, u32, Vec<BandPoint>)> = drawing_order(data, widest, LINE_NARROWEST)
        .into_iter()
        .map(|(m, width)| {
            let rows = m
                .weeks
                .iter()
                .zip(series(m))
                .map(|(w, xs)| {
                    let mut v: Vec<f64> =
                        xs.iter().map(|x| x * k).filter(|x| x.is_finite()).collect();
                    v.sort_by(f64::total_cmp);
                    let mean = v.iter().sum::<f64>() / v.len().max(1) as f64;
                    (
                        f64::from(*w),
                        mean,
                        quantile_sorted(&v, 0.1),
                        quantile_sorted(&v, 0.9),
                    )
                })
                .collect();
            (m.model, width, rows)
        })
        .collect();
    let weeks = bands
        .iter()
        .flat_map(|(_, _, r)| r.iter().map(|p| p.0))
        .fold(1.0, f64::max);
    let (y0, y1) = range(
        bands
            .iter()
            .flat_map(|(_, _, r)| r.iter().flat_map(|p| [p.2, p.3]))
            .chain([0.0]),
        0.05,
    );
    let mut builder = ChartBuilder::on(plot);
    if let Some(t) = &title {
        builder.caption(t, font(30));
    }
    let mut chart = builder
        .margin_left(if compact { 20 } else { 40 })
        .margin_right(if compact { 20 } else { 40 })
        .margin_top(10)
        .x_label_area_size(if compact { 70 } else { 100 })
        .y_label_area_size(if compact { 100 } else { 150 })
        .build_cartesian_2d(0.0..weeks + 1.0, y0..y1)
        .map_err(err)?;
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .x_desc("Week of the simulated year")
        .y_desc(y_desc)
        .axis_desc_style(font(if compact { 26 } else { 34 }))
        .label_style(font(if compact { 24 } else { 30 }))
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v:.0}"))
        .draw()
        .map_err(err)?;
    if scale.is_some() {
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 0.0), (weeks + 1.0, 0.0)],
                ShapeStyle::from(&GREY).stroke_width(3),
            )))
            .map_err(err)?;
    }
    for (model, _, rows) in &bands {
        if rows.is_empty() {
            continue;
        }
        let mut polygon: Vec<(f64, f64)> = rows.iter().map(|p| (p.0, p.3)).collect();
        polygon.extend(rows.iter().rev().map(|p| (p.0, p.2)));
        chart
            .draw_series(std::iter::once(Polygon::new(
                polygon,
                colour(*model).mix(0.13).filled(),
            )))
            .map_err(err)?;
    }
    for (model, width, rows) in &bands {
        chart
            .draw_series(LineSeries::new(
                rows.iter().map(|p| (p.0, p.1)),
                ShapeStyle::from(&colour(*model)).stroke_width(*width),
            ))
            .map_err(err)?;
    }
    Ok(())
}

/// How a component's area is filled: solid, or a pattern over a lighter fill so that
/// neighbours differ in more than shade (and print in greyscale).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    /// Flat colour.
    Solid,
    /// Diagonal stripes: time spent waiting, or a price the scenario assumes.
    Hatched,
    /// A grid of dots.
    Dotted,
}

/// One component of a stacked bar.
#[derive(Debug, Clone, Copy)]
pub struct Component {
    /// The column in `replications.*`.
    pub metric: &'static str,
    /// The legend's words.
    pub label: &'static str,
    /// The words in a sentence ("mainly because of ...").
    pub phrase: &'static str,
    /// Fill colour.
    pub colour: RGBColor,
    /// Fill pattern.
    pub pattern: Pattern,
}

const fn part(
    metric: &'static str,
    label: &'static str,
    phrase: &'static str,
    colour: RGBColor,
    pattern: Pattern,
) -> Component {
    Component {
        metric,
        label,
        phrase,
        colour,
        pattern,
    }
}

/// Parts of the mean time to restore in stacking order: the first responder's path in
/// browns and oranges, the waits for developers hatched in purples, developers' work solid.
pub const RESTORE_PARTS: [Component; 9] = [
    part(
        "ttr_detect_hours",
        "detection",
        "detection",
        RGBColor(127, 59, 8),
        Pattern::Solid,
    ),
    part(
        "ttr_route_hours",
        "routing",
        "routing",
        RGBColor(179, 88, 6),
        Pattern::Solid,
    ),
    part(
        "ttr_queue_hours",
        "queue for a responder",
        "queueing for a responder",
        RGBColor(224, 130, 20),
        Pattern::Dotted,
    ),
    part(
        "ttr_ack_hours",
        "acknowledgement",
        "acknowledgement",
        RGBColor(253, 184, 99),
        Pattern::Solid,
    ),
    part(
        "ttr_l1_work_hours",
        "first responder's work",
        "the first responder's work",
        RGBColor(254, 224, 182),
        Pattern::Solid,
    ),
    part(
        "ttr_wait_l2_oncall_hours",
        "wait: on-call developer",
        "waiting for an on-call developer",
        RGBColor(178, 171, 210),
        Pattern::Hatched,
    ),
    part(
        "ttr_wait_l2_business_hours_hours",
        "wait: business hours",
        "waiting for business hours",
        RGBColor(128, 115, 172),
        Pattern::Hatched,
    ),
    part(
        "ttr_wait_l2_prioritisation_hours",
        "wait: prioritisation",
        "waiting for prioritisation",
        RGBColor(84, 39, 136),
        Pattern::Hatched,
    ),
    part(
        "ttr_l2_work_hours",
        "developers' work",
        "developers' work",
        RGBColor(45, 0, 75),
        Pattern::Solid,
    ),
];

fn restore_breakdown<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ReportData,
) -> Drawn {
    let (plot, key) = frame(root, data, Chart::RestoreBreakdown)?;
    component_legend(&key, &RESTORE_PARTS)?;
    stacked(
        &plot,
        data,
        &RESTORE_PARTS,
        "Mean time to restore, hours",
        1.0,
        true,
    )
}

/// Cost components in stacking order: greys of clearly different lightness (and a dot
/// pattern) for the operating cost, reds for the cost of unreliability, so that the model
/// colours keep their meaning. The first four are the operating cost, the last two the
/// cost of unreliability; freezes are hatched because their price is an assumption of the
/// scenario (`costs.freeze_cost_per_day`), not a consequence of the simulation.
pub const COST_COMPONENTS: [Component; 6] = [
    part(
        "cost_staff",
        "dedicated staff",
        "dedicated staff",
        RGBColor(40, 40, 40),
        Pattern::Solid,
    ),
    part(
        "cost_oncall",
        "on-call pay, interruptions",
        "on-call pay and interruptions",
        RGBColor(120, 120, 120),
        Pattern::Solid,
    ),
    part(
        "cost_labour",
        "developer incident time",
        "developers' incident time",
        RGBColor(190, 190, 190),
        Pattern::Solid,
    ),
    part(
        "cost_sync",
        "knowledge sync",
        "knowledge sync",
        RGBColor(238, 238, 238),
        Pattern::Dotted,
    ),
    part(
        "cost_freeze",
        "freezes (assumed price)",
        "feature freezes at an assumed price",
        RGBColor(240, 190, 180),
        Pattern::Hatched,
    ),
    part(
        "cost_downtime",
        "downtime (lost revenue)",
        "lost revenue",
        RGBColor(196, 78, 82),
        Pattern::Solid,
    ),
];

fn cost_breakdown<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, data: &ReportData) -> Drawn {
    let (plot, key) = frame(root, data, Chart::CostBreakdown)?;
    component_legend(&key, &COST_COMPONENTS)?;
    let (left, right) = plot.split_horizontally((WIDTH - LEGEND_WIDTH) * 64 / 100);
    let split = COST_COMPONENTS.len() - 2;
    let cur = &data.scenario.costs.currency;
    stacked(
        &left,
        data,
        &COST_COMPONENTS[..split],
        &format!("Operating cost, million {cur} per year"),
        1e6,
        true,
    )?;
    stacked(
        &right,
        data,
        &COST_COMPONENTS[split..],
        &format!("Unreliability, million {cur} per year"),
        1e6,
        false,
    )?;
    Ok(())
}

/// The legend of a stacked-bar chart: one patterned block per component, and the model
/// strip.
fn component_legend<DB: DrawingBackend>(
    key: &DrawingArea<DB, Shift>,
    components: &[Component],
) -> Drawn {
    for (i, c) in components.iter().enumerate() {
        let y = 40 + 56 * i as i32;
        fill_rect(key, (12, y - 16), (48, y + 16), c)?;
        key.draw(&Text::new(c.label, (66, y - 17), font(30)))
            .map_err(err)?;
    }
    let y = 40 + 56 * components.len() as i32;
    key.draw(&PathElement::new(
        vec![(8, y), (52, y)],
        ShapeStyle::from(&GREY).stroke_width(7),
    ))
    .map_err(err)?;
    key.draw(&Text::new("coloured strip: model", (66, y - 17), font(30)))
        .map_err(err)
}

/// Fills the pixel rectangle from `a` to `b` (any corners) with the component's colour and
/// pattern, outlined in white so that neighbours separate.
fn fill_rect<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    a: (i32, i32),
    b: (i32, i32),
    c: &Component,
) -> Drawn {
    let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
    let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
    if x1 <= x0 || y1 <= y0 {
        return Ok(());
    }
    area.draw(&Rectangle::new([(x0, y0), (x1, y1)], c.colour.filled()))
        .map_err(err)?;
    // Dark marks on light fills, white marks on dark ones.
    let RGBColor(r, g, bl) = c.colour;
    let light = 0.299 * f64::from(r) + 0.587 * f64::from(g) + 0.114 * f64::from(bl) > 150.0;
    let ink = if light {
        RGBColor(60, 60, 60)
    } else {
        RGBColor(255, 255, 255)
    };
    match c.pattern {
        Pattern::Solid => {}
        Pattern::Hatched => {
            // 45° stripes every 14 px, clipped to the rectangle.
            let h = y1 - y0;
            let mut k = x0 - h;
            while k < x1 {
                let lo = (x0 - k).max(0);
                let hi = (x1 - k).min(h);
                if lo < hi {
                    area.draw(&PathElement::new(
                        vec![(k + lo, y1 - lo), (k + hi, y1 - hi)],
                        ShapeStyle::from(&ink).stroke_width(3),
                    ))
                    .map_err(err)?;
                }
                k += 14;
            }
        }
        Pattern::Dotted => {
            let mut y = y0 + 6;
            while y < y1 - 3 {
                let mut x = x0 + 6;
                while x < x1 - 3 {
                    area.draw(&Circle::new((x, y), 2, ink.filled()))
                        .map_err(err)?;
                    x += 11;
                }
                y += 11;
            }
        }
    }
    area.draw(&Rectangle::new([(x0, y0), (x1, y1)], WHITE.stroke_width(2)))
        .map_err(err)
}

/// Horizontal stacked bars of `components` (metric means divided by `scale`), one bar per
/// model (first model on top), each marked by a strip of the model's colour and labelled
/// with its total; model names only when `names` is set.
fn stacked<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &ReportData,
    components: &[Component],
    axis: &str,
    scale: f64,
    names: bool,
) -> Drawn {
    let n = data.models.len();
    let stacks: Vec<Vec<f64>> = data
        .models
        .iter()
        .map(|m| {
            components
                .iter()
                .map(|c| m.estimate(c.metric).mean.max(0.0) / scale)
                .collect()
        })
        .collect();
    let top = (stacks
        .iter()
        .map(|s| s.iter().sum::<f64>())
        .fold(0.0, f64::max)
        * 1.22)
        .max(1e-6);
    let strip = top * 0.025;
    // Row r (from the top) sits at y = n - 1 - r.
    let y_of = |i: usize| (n - 1 - i) as f64;
    let mut chart = ChartBuilder::on(area)
        .margin_left(20)
        .margin_right(30)
        .margin_top(10)
        .x_label_area_size(100)
        .y_label_area_size(if names { 330 } else { 10 })
        .build_cartesian_2d(-strip * 1.5..top, -0.6..n as f64 - 0.4)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .y_labels(0)
        .x_desc(axis)
        .axis_desc_style(font(32))
        .label_style(font(28))
        .x_label_formatter(&|v| {
            if *v < 0.0 {
                String::new()
            } else {
                format!("{v:.1}")
            }
        })
        .draw()
        .map_err(err)?;
    // Bars in pixels, so that patterns keep their size whatever the scale.
    let pixels = chart.plotting_area().strip_coord_spec();
    let (bx, by) = chart.plotting_area().get_base_pixel();
    let at = |x: f64, y: f64| {
        let (px, py) = chart.backend_coord(&(x, y));
        (px - bx, py - by)
    };
    for (i, s) in stacks.iter().enumerate() {
        let y = y_of(i);
        let mut base = 0.0;
        for (c, v) in components.iter().zip(s) {
            fill_rect(&pixels, at(base, y + 0.32), at(base + v, y - 0.32), c)?;
            base += v;
        }
    }
    for (i, m) in data.models.iter().enumerate() {
        let y = y_of(i);
        let total: f64 = stacks[i].iter().sum();
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(-strip * 1.4, y - 0.32), (-strip * 0.3, y + 0.32)],
                colour(m.model).filled(),
            )))
            .map_err(err)?;
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((total, y))
                    + Text::new(format!("{total:.2}"), (12, -16), bold(30)),
            ))
            .map_err(err)?;
        if names {
            let right = font(30).pos(Pos::new(HPos::Right, VPos::Center));
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at((-strip * 1.5, y))
                        + Text::new(m.model.name(), (-16, 0), right),
                ))
                .map_err(err)?;
        }
    }
    Ok(())
}

/// A sweep's chart for one metric: each model's mean against the parameter with its 95%
/// interval as a band, and the crossovers on that metric marked where they fall.
pub struct SweepChart<'a> {
    /// The metric (a name from [`crate::sweep::metric_names`]).
    pub metric: &'static str,
    /// The swept parameter.
    pub axis: &'a crate::axis::Axis,
    /// Each point's cells, in axis order.
    pub cells: &'a [Vec<crate::sweep::Cell>],
    /// Every crossover of the sweep (those on other metrics are ignored).
    pub crossovers: &'a [crate::sweep::Crossover],
    /// The base scenario (currency, name, replications, seed for the footnote).
    pub scenario: &'a crate::scenario::Scenario,
}

impl SweepChart<'_> {
    /// What the metric is, on the y axis, and the factor its values are divided by.
    fn y_axis(&self) -> (String, f64) {
        let cur = &self.scenario.costs.currency;
        match self.metric {
            "cost_operating" => (format!("Operating cost per year, million {cur}"), 1e6),
            "cost_unreliability" => (
                format!("Cost of unreliability per year, million {cur}"),
                1e6,
            ),
            "cost_total" => (format!("Total cost per year, million {cur}"), 1e6),
            "availability" => ("Mean availability (%)".into(), 0.01),
            "mttr_hours" => ("Mean time to restore (hours)".into(), 1.0),
            "met_share" => ("Service-years meeting their target (%)".into(), 0.01),
            "met_share_top_tier" => ("Top tier's service-years meeting target (%)".into(), 0.01),
            other => (other.to_string(), 1.0),
        }
    }

    /// The message title: where the best model changes, or who is best throughout.
    pub fn title(&self) -> String {
        let (what, _) = self.y_axis();
        let what = what
            .split([',', '('])
            .next()
            .unwrap_or(&what)
            .trim()
            .to_lowercase();
        let higher = crate::metric::direction(self.metric) == crate::metric::Better::Higher;
        let changes: Vec<&crate::sweep::Crossover> = self
            .crossovers
            .iter()
            .filter(|c| c.metric == self.metric && c.leader_change && c.significant)
            .collect();
        let label = &self.axis.label;
        let best_word = if higher { "highest" } else { "lowest" };
        if changes.is_empty() {
            // Who is tied for best at every value (by the ranking rule).
            let per_point = crate::sweep::leaders(self.cells, self.metric_index(), self.metric);
            let always: Vec<ModelKind> = per_point
                .first()
                .map(|first| {
                    first
                        .iter()
                        .copied()
                        .filter(|m| per_point.iter().all(|p| p.contains(m)))
                        .collect()
                })
                .unwrap_or_default();
            let names: Vec<String> = always.iter().map(|m| format!("“{}”", m.name())).collect();
            return match always.as_slice() {
                [] => format!(
                    "No model is best on {what} across the whole range of {label}; the lead shifts among tied models"
                ),
                [one] => format!(
                    "{} has the {best_word} {what} across the whole range of {label}",
                    one.name()
                ),
                _ => format!(
                    "{} tie for the {best_word} {what} across the whole range of {label}",
                    super::headline::list(&names)
                ),
            };
        }
        let parts: Vec<String> = changes
            .iter()
            .take(2)
            .map(|c| {
                let new = if higher {
                    c.lower_before
                } else {
                    c.lower_after
                };
                format!(
                    "{} has the {best_word} {what} above {label} ≈ {} (95% of crossings {}–{})",
                    new.name(),
                    crate::format::short(c.at),
                    crate::format::short(c.interval.0),
                    crate::format::short(c.interval.1)
                )
            })
            .collect();
        parts.join("; ")
    }

    fn metric_index(&self) -> usize {
        crate::sweep::metric_names()
            .iter()
            .position(|m| *m == self.metric)
            .unwrap_or(0)
    }

    /// Draws the chart on any backend.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn {
        let body = simple_frame(
            root,
            &self.title(),
            &format!(
                "Each model's mean at each value of {} ({}); bands: 95% intervals; dashed lines: where the best model changes.",
                self.axis.path,
                match self.axis.scale {
                    crate::axis::Scale::Linear => "linear scale",
                    crate::axis::Scale::Log => "log scale",
                    crate::axis::Scale::Nines => "equal steps in nines of availability",
                }
            ),
            &points_footnote(self.scenario),
        )?;
        let (plot, key) = body.split_horizontally(WIDTH - LEGEND_WIDTH);
        let (y_desc, scale) = self.y_axis();
        let k = self.metric_index();
        let models: Vec<ModelKind> = self
            .cells
            .first()
            .map(|p| p.iter().map(|c| c.model).collect())
            .unwrap_or_default();
        let series: Vec<(ModelKind, Vec<(f64, Estimate)>)> = models
            .iter()
            .map(|&m| {
                let pts = self
                    .cells
                    .iter()
                    .filter_map(|p| p.iter().find(|c| c.model == m))
                    .map(|c| (c.value, Estimate::of(c.values[k].iter().map(|v| v / scale))))
                    .collect();
                (m, pts)
            })
            .collect();
        let n = series.len().max(2) as f64 - 1.0;
        legend(&key, &{
            series
                .iter()
                .enumerate()
                .map(|(i, (m, _))| {
                    let w = (f64::from(LINE_WIDEST)
                        - f64::from(LINE_WIDEST - LINE_NARROWEST) * i as f64 / n)
                        .round() as u32;
                    (m.name().to_string(), colour(*m), Mark::Line(w))
                })
                .collect::<Vec<_>>()
        })?;
        let (y0, y1) = range(
            series
                .iter()
                .flat_map(|(_, p)| p.iter().flat_map(|(_, e)| [e.low, e.high, e.mean])),
            0.06,
        );
        // Nines are drawn as such: 99% at 2, 99.9% at 3, labelled as targets.
        let nines = self.axis.scale == crate::axis::Scale::Nines;
        let x_of = |v: f64| {
            if nines {
                crate::axis::Scale::Nines.coordinate(v)
            } else {
                v
            }
        };
        let series: Vec<(ModelKind, Vec<(f64, Estimate)>)> = series
            .into_iter()
            .map(|(m, p)| (m, p.into_iter().map(|(x, e)| (x_of(x), e)).collect()))
            .collect();
        let x0 = x_of(self.axis.values.first().copied().unwrap_or(0.0));
        let x1 = x_of(self.axis.values.last().copied().unwrap_or(1.0));
        let (x0, x1) = (x0.min(x1), x0.max(x1).max(x0.min(x1) + 1e-9));
        let x_desc = self.axis.label.clone();
        let fmt_x = |v: &f64| {
            if nines {
                format!("{}%", trim_pct(100.0 * crate::axis::Scale::Nines.value(*v)))
            } else {
                crate::format::short(*v)
            }
        };
        let decimals = match y1 - y0 {
            d if d >= 20.0 => 0,
            d if d >= 2.0 => 1,
            d if d >= 0.2 => 2,
            _ => 3,
        };
        let fmt_y = |v: &f64| format!("{v:.decimals$}");
        if self.axis.scale == crate::axis::Scale::Log {
            let mut chart = ChartBuilder::on(&plot)
                .margin_left(40)
                .margin_right(40)
                .margin_top(10)
                .x_label_area_size(100)
                .y_label_area_size(150)
                .build_cartesian_2d((x0..x1).log_scale(), y0..y1)
                .map_err(err)?;
            chart
                .configure_mesh()
                .light_line_style(TRANSPARENT)
                .bold_line_style(GRID)
                .disable_x_mesh()
                .x_labels(0)
                .x_desc(x_desc)
                .y_desc(y_desc)
                .axis_desc_style(font(34))
                .label_style(font(30))
                .x_label_formatter(&|_| String::new())
                .y_label_formatter(&fmt_y)
                .draw()
                .map_err(err)?;
            // Ticks at the swept values themselves, which is where the points are.
            for v in &self.axis.values {
                chart
                    .draw_series(std::iter::once(
                        EmptyElement::at((*v, y0))
                            + Text::new(
                                crate::format::short(*v),
                                (0, 12),
                                font(28).pos(Pos::new(HPos::Center, VPos::Top)),
                            ),
                    ))
                    .map_err(err)?;
            }
            self.plot_series(&mut chart, &series, (y0, y1), &x_of)
        } else {
            let mut chart = ChartBuilder::on(&plot)
                .margin_left(40)
                .margin_right(40)
                .margin_top(10)
                .x_label_area_size(100)
                .y_label_area_size(150)
                .build_cartesian_2d(x0..x1, y0..y1)
                .map_err(err)?;
            chart
                .configure_mesh()
                .light_line_style(TRANSPARENT)
                .bold_line_style(GRID)
                .x_labels(if nines { 0 } else { 10 })
                .x_desc(x_desc)
                .y_desc(y_desc)
                .axis_desc_style(font(34))
                .label_style(font(30))
                .x_label_formatter(&fmt_x)
                .y_label_formatter(&fmt_y)
                .draw()
                .map_err(err)?;
            if nines {
                // Ticks at whole and half nines: 99%, 99.68%, 99.9%, 99.968%, 99.99%.
                let mut t = (x0 * 2.0).ceil() / 2.0;
                while t <= x1 + 1e-9 {
                    chart
                        .draw_series(std::iter::once(
                            EmptyElement::at((t, y0))
                                + Text::new(
                                    fmt_x(&t),
                                    (0, 12),
                                    font(28).pos(Pos::new(HPos::Center, VPos::Top)),
                                ),
                        ))
                        .map_err(err)?;
                    t += 0.5;
                }
            }
            self.plot_series(&mut chart, &series, (y0, y1), &x_of)
        }
    }

    fn plot_series<DB: DrawingBackend, X>(
        &self,
        chart: &mut ChartContext<'_, DB, Cartesian2d<X, plotters::coord::types::RangedCoordf64>>,
        series: &[(ModelKind, Vec<(f64, Estimate)>)],
        (y0, y1): (f64, f64),
        x_of: &dyn Fn(f64) -> f64,
    ) -> Drawn
    where
        X: Ranged<ValueType = f64>,
    {
        for (m, pts) in series {
            let mut band: Vec<(f64, f64)> = pts.iter().map(|(x, e)| (*x, e.high)).collect();
            band.extend(pts.iter().rev().map(|(x, e)| (*x, e.low)));
            chart
                .draw_series(std::iter::once(Polygon::new(
                    band,
                    colour(*m).mix(0.18).filled(),
                )))
                .map_err(err)?;
        }
        // Widest first, so that coinciding lines show as nested stripes.
        let n = series.len().max(2) as f64 - 1.0;
        for (i, (m, pts)) in series.iter().enumerate() {
            let w = (f64::from(LINE_WIDEST)
                - f64::from(LINE_WIDEST - LINE_NARROWEST) * i as f64 / n)
                .round() as u32;
            chart
                .draw_series(LineSeries::new(
                    pts.iter().map(|(x, e)| (*x, e.mean)),
                    ShapeStyle::from(&colour(*m)).stroke_width(w),
                ))
                .map_err(err)?;
            chart
                .draw_series(
                    pts.iter()
                        .map(|(x, e)| Circle::new((*x, e.mean), w / 2 + 4, colour(*m).filled())),
                )
                .map_err(err)?;
        }
        for c in self
            .crossovers
            .iter()
            .filter(|c| c.metric == self.metric && c.leader_change && c.significant)
        {
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(x_of(c.at), y0), (x_of(c.at), y1)],
                    14,
                    10,
                    ShapeStyle::from(&GREY).stroke_width(3),
                ))
                .map_err(err)?;
        }
        Ok(())
    }

    /// The chart as an SVG document (text as outlines).
    pub fn svg(&self) -> Result<String, ChartError> {
        to_svg("sweep", |root| self.draw(root))
    }

    /// The chart as PNG bytes.
    pub fn png(&self) -> Result<Vec<u8>, ChartError> {
        to_png("sweep", |root| self.draw(root))
    }
}

/// A tornado chart: the output at each parameter's low and high value, largest effect on
/// top, around the output at the stated values; bars that cross zero (the parameter's
/// range decides which model is better) drawn in vermillion.
pub struct Tornado<'a> {
    /// The output measured.
    pub output: &'a crate::sensitivity::Output,
    /// Effects, largest first.
    pub effects: &'a [crate::sensitivity::Effect],
    /// The output at the stated values.
    pub baseline: f64,
    /// The relative move of each parameter.
    pub range: f64,
    /// The scenario (currency and footnote).
    pub scenario: &'a crate::scenario::Scenario,
}

/// Bars shown in a tornado chart.
const TORNADO_ROWS: usize = 14;

impl Tornado<'_> {
    fn unit(&self) -> (String, f64) {
        let o = self.output;
        match o.metric {
            "availability" => (
                format!(
                    "{} minus {}: availability, percentage points",
                    o.a.name(),
                    o.b.name()
                ),
                0.01,
            ),
            m => (
                format!(
                    "{} minus {}: {}, million {} a year",
                    o.a.name(),
                    o.b.name(),
                    match m {
                        "cost_operating" => "operating cost".to_string(),
                        other => other.replace('_', " "),
                    },
                    self.scenario.costs.currency
                ),
                1e6,
            ),
        }
    }

    /// The message title: the parameter with the largest effect, and which flip the sign.
    pub fn title(&self) -> String {
        let flips: Vec<&str> = self
            .effects
            .iter()
            .filter(|e| e.flips)
            .map(|e| e.parameter.as_str())
            .collect();
        let top = self
            .effects
            .first()
            .map_or("no parameter", |e| e.parameter.as_str());
        let what = if self.output.metric == "availability" {
            "availability"
        } else {
            "operating cost"
        };
        match flips.as_slice() {
            [] => format!(
                "{top} moves the {what} gap between {} and {} most; no parameter within ±{:.0}% reverses it",
                self.output.a.name(),
                self.output.b.name(),
                100.0 * self.range
            ),
            [one] => format!(
                "Only {one} can reverse the {what} gap between {} and {} within ±{:.0}%",
                self.output.a.name(),
                self.output.b.name(),
                100.0 * self.range
            ),
            many => format!(
                "{} parameters can reverse the {what} gap between {} and {} within ±{:.0}%, {} most",
                many.len(),
                self.output.a.name(),
                self.output.b.name(),
                100.0 * self.range,
                many[0]
            ),
        }
    }

    /// Draws the chart on any backend.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn {
        let body = simple_frame(
            root,
            &self.title(),
            &format!(
                "Each parameter moved to its stated value × {:.2} (light) and × {:.2} (dark), or its stated range, one at a time; vertical line: the stated values; bars crossing zero in vermillion.",
                1.0 - self.range,
                1.0 + self.range
            ),
            &points_footnote(self.scenario),
        )?;
        let (unit, scale) = self.unit();
        let rows: Vec<&crate::sensitivity::Effect> =
            self.effects.iter().take(TORNADO_ROWS).collect();
        let n = rows.len().max(1);
        let base = self.baseline / scale;
        let (x0, x1) = range(
            rows.iter()
                .flat_map(|e| [e.low.mean / scale, e.high.mean / scale])
                .chain([base, 0.0]),
            0.08,
        );
        let mut chart = ChartBuilder::on(&body)
            .margin_left(20)
            .margin_right(60)
            .margin_top(10)
            .x_label_area_size(100)
            .y_label_area_size(620)
            .build_cartesian_2d(x0..x1, -0.6..n as f64 - 0.4)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .y_labels(0)
            .x_desc(unit)
            .axis_desc_style(font(30))
            .label_style(font(28))
            .x_label_formatter(&|v| format!("{:.2}", if v.abs() < 5e-3 { 0.0 } else { *v }))
            .draw()
            .map_err(err)?;
        let vermillion = colour(ModelKind::OpsRun);
        let blue = colour(ModelKind::YouRun);
        for (i, e) in rows.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            let c = if e.flips { vermillion } else { blue };
            for (v, shade) in [(e.low.mean / scale, 0.45), (e.high.mean / scale, 1.0)] {
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(base.min(v), y - 0.34), (base.max(v), y + 0.34)],
                        c.mix(shade).filled(),
                    )))
                    .map_err(err)?;
            }
            let right = font(26).pos(Pos::new(HPos::Right, VPos::Center));
            let label = if e.flips {
                format!("{}  (flips)", e.parameter)
            } else {
                e.parameter.clone()
            };
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at((x0, y)) + Text::new(label, (-14, 0), right),
                ))
                .map_err(err)?;
        }
        for (x, style) in [
            (base, ShapeStyle::from(&INK).stroke_width(3)),
            (0.0, ShapeStyle::from(&GREY).stroke_width(2)),
        ] {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(x, -0.6), (x, n as f64 - 0.4)],
                    style,
                )))
                .map_err(err)?;
        }
        Ok(())
    }

    /// The chart as an SVG document (text as outlines).
    pub fn svg(&self) -> Result<String, ChartError> {
        to_svg("tornado", |root| self.draw(root))
    }

    /// The chart as PNG bytes.
    pub fn png(&self) -> Result<Vec<u8>, ChartError> {
        to_png("tornado", |root| self.draw(root))
    }
}

/// A two-parameter sweep's map for one metric: each grid point coloured by the model that
/// is best there by the findings' rule, hatched grey where models are tied.
pub struct GridMap<'a> {
    /// The metric.
    pub metric: &'static str,
    /// The first parameter (x).
    pub first: &'a crate::axis::Axis,
    /// The second parameter (y).
    pub second: &'a crate::axis::Axis,
    /// Each grid point's cells, first parameter outermost.
    pub cells: &'a [Vec<crate::sweep::Cell>],
    /// The base scenario (footnote).
    pub scenario: &'a crate::scenario::Scenario,
}

impl GridMap<'_> {
    fn what(&self) -> String {
        let best = if crate::metric::direction(self.metric) == crate::metric::Better::Higher {
            "highest"
        } else {
            "lowest"
        };
        let name = match self.metric {
            "cost_operating" => "operating cost",
            "cost_unreliability" => "cost of unreliability",
            "cost_total" => "total cost",
            "availability" => "availability",
            "mttr_hours" => "mean time to restore",
            "met_share" => "share of service-years meeting their target",
            "met_share_top_tier" => "top tier's share meeting its target",
            other => other,
        };
        format!("{best} {name}")
    }

    /// The message title: who wins most of the map.
    pub fn title(&self) -> String {
        let k = crate::sweep::metric_names()
            .iter()
            .position(|m| *m == self.metric)
            .unwrap_or(0);
        let leaders = crate::sweep::leaders(self.cells, k, self.metric);
        let mut counts: Vec<(ModelKind, usize)> = Vec::new();
        for l in &leaders {
            if let [one] = l.as_slice() {
                match counts.iter_mut().find(|(m, _)| m == one) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((*one, 1)),
                }
            }
        }
        counts.sort_by_key(|c| std::cmp::Reverse(c.1));
        let total = leaders.len().max(1);
        match counts.first() {
            None => format!(
                "No model has the {} alone anywhere on this map",
                self.what()
            ),
            Some((m, n)) => format!(
                "{} has the {} at {n} of {total} points; {} elsewhere",
                m.name(),
                self.what(),
                if counts.len() > 1 {
                    "other models or ties"
                } else {
                    "ties"
                }
            ),
        }
    }

    /// Draws the chart on any backend.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn {
        let body = simple_frame(
            root,
            &self.title(),
            &format!(
                "The model with the {} at each pair of values (paired 95% interval and practical threshold); hatched: tied.",
                self.what()
            ),
            &points_footnote(self.scenario),
        )?;
        let (plot, key) = body.split_horizontally(WIDTH - LEGEND_WIDTH);
        let models: Vec<ModelKind> = self
            .cells
            .first()
            .map(|p| p.iter().map(|c| c.model).collect())
            .unwrap_or_default();
        let mut entries: Vec<(String, RGBColor, Mark)> = models
            .iter()
            .map(|m| (m.name().to_string(), colour(*m), Mark::Dot))
            .collect();
        entries.push(("tied (hatched)".into(), GREY, Mark::Dot));
        legend(&key, &entries)?;
        let (nx, ny) = (self.first.values.len(), self.second.values.len().max(1));
        let mut chart = ChartBuilder::on(&plot)
            .margin_left(20)
            .margin_right(40)
            .margin_top(10)
            .x_label_area_size(110)
            .y_label_area_size(190)
            .build_cartesian_2d(-0.5..nx as f64 - 0.5, -0.5..ny as f64 - 0.5)
            .map_err(err)?;
        let fx = |v: &f64| {
            self.first
                .values
                .get(v.round().max(0.0) as usize)
                .map_or(String::new(), |x| crate::format::short(*x))
        };
        let fy = |v: &f64| {
            self.second
                .values
                .get(v.round().max(0.0) as usize)
                .map_or(String::new(), |x| crate::format::short(*x))
        };
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(nx)
            .y_labels(ny)
            .x_desc(self.first.label.clone())
            .y_desc(self.second.label.clone())
            .axis_desc_style(font(30))
            .label_style(font(26))
            .x_label_formatter(&fx)
            .y_label_formatter(&fy)
            .draw()
            .map_err(err)?;
        let k = crate::sweep::metric_names()
            .iter()
            .position(|m| *m == self.metric)
            .unwrap_or(0);
        let leaders = crate::sweep::leaders(self.cells, k, self.metric);
        let pixels = chart.plotting_area().strip_coord_spec();
        let (bx, by) = chart.plotting_area().get_base_pixel();
        for (idx, lead) in leaders.iter().enumerate() {
            let (i, j) = (idx / ny, idx % ny);
            let (x, y) = (i as f64, j as f64);
            let (ax, ay) = chart.backend_coord(&(x - 0.48, y + 0.48));
            let (cx, cy) = chart.backend_coord(&(x + 0.48, y - 0.48));
            let (a, b) = ((ax - bx, ay - by), (cx - bx, cy - by));
            let comp = match lead.as_slice() {
                [one] => Component {
                    metric: "",
                    label: "",
                    phrase: "",
                    colour: colour(*one),
                    pattern: Pattern::Solid,
                },
                _ => Component {
                    metric: "",
                    label: "",
                    phrase: "",
                    colour: RGBColor(215, 215, 215),
                    pattern: Pattern::Hatched,
                },
            };
            fill_rect(&pixels, a, b, &comp)?;
        }
        Ok(())
    }

    /// The chart as an SVG document (text as outlines).
    pub fn svg(&self) -> Result<String, ChartError> {
        to_svg("map", |root| self.draw(root))
    }

    /// The chart as PNG bytes.
    pub fn png(&self) -> Result<Vec<u8>, ChartError> {
        to_png("map", |root| self.draw(root))
    }
}
