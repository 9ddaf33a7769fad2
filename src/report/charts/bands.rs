//! Bands over weeks: each model's weekly mean as a line over its 10th–90th percentile band,
//! in one panel (workarounds) or a small multiple (error budget per tier).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::range;
use super::legend::drawing_order;
use super::render::{Drawn, err};
use crate::model::ModelKind;
use crate::report::data::{ModelData, ReportData, WeekBand};
use crate::report::style::{GREY, GRID, LINE_NARROWEST, LINE_WIDEST, PANEL_WIDEST, colour, font};

/// One step of a band: (step, mean, lower edge, upper edge).
type BandPoint = (f64, f64, f64, f64);

/// What a band panel runs over and what its band shows.
pub(super) struct Over<'a> {
    /// The steps (weeks, quarters) of a model's series.
    pub steps: &'a dyn Fn(&ModelData) -> &[u32],
    /// The x axis' description.
    pub x_desc: &'a str,
    /// How a y value is labelled.
    pub y_label: &'a dyn Fn(f64) -> String,
}

/// Weeks, with 10th–90th percentile bands.
pub(super) const WEEKS: Over<'static> = Over {
    steps: &|m| m.weeks.as_slice(),
    x_desc: "Week after the warm-up",
    y_label: &|v| format!("{v:.0}"),
};

/// A band's steps as the chart draws them: (mean line, lower edge, upper edge) per step
/// of [`Over::steps`].
pub(super) type Rows<'a> = &'a dyn Fn(&ModelData) -> Vec<(f64, f64, f64)>;

/// A weekly series' bands as summarised ([`WeekBand`]): the line and the 10th–90th
/// percentile band.
pub(super) fn week_rows(weeks: &[WeekBand]) -> Vec<(f64, f64, f64)> {
    weeks.iter().map(|w| (w.line, w.low, w.high)).collect()
}

/// Mean lines with 10th–90th percentile bands over weeks, in one panel; `title` (small
/// multiples) makes the panel compact and labels it; `zero_line` draws the line at zero.
pub(super) fn band_panel<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    data: &ReportData,
    y_desc: &str,
    rows: Rows<'_>,
    zero_line: bool,
    title: Option<String>,
) -> Drawn {
    band_panel_over(plot, data, &WEEKS, y_desc, rows, zero_line, title)
}

/// Mean lines with bands over `over`'s steps, in one panel.
pub(super) fn band_panel_over<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    data: &ReportData,
    over: &Over<'_>,
    y_desc: &str,
    rows: Rows<'_>,
    zero_line: bool,
    title: Option<String>,
) -> Drawn {
    let compact = title.is_some();
    let widest = if compact { PANEL_WIDEST } else { LINE_WIDEST };
    let bands: Vec<(ModelKind, u32, Vec<BandPoint>)> = drawing_order(data, widest, LINE_NARROWEST)
        .into_iter()
        .map(|(m, width)| {
            let rows = (over.steps)(m)
                .iter()
                .zip(rows(m))
                .map(|(w, (mean, low, high))| (f64::from(*w), mean, low, high))
                .collect();
            (m.model, width, rows)
        })
        .collect();
    let weeks = bands
        .iter()
        .flat_map(|(_, _, r)| r.iter().map(|p| p.0))
        .fold(1.0, f64::max);
    let (y0, y1) = y_range(&bands);
    // Lines drawn one under another are said in words, not left to line widths alone; the
    // words get room of their own above the bands, not drawn over them.
    let same = coinciding(&bands, 0.005 * (y1 - y0));
    let (x_labels, margin_top) = (if compact { 70 } else { 100 }, 10);
    let y1 = if same.is_empty() {
        y1
    } else {
        // The plotting area's height: the panel's, less the caption (its text and the
        // padding plotters' `DrawingArea::titled` puts above and below it), the top margin
        // and the x axis' labels (the sizes the chart is built with below).
        let caption = match &title {
            Some(t) => {
                let (_, h) = plot.estimate_text_size(t, &font(30)).map_err(err)?;
                h + 2 * (h / 2).min(5)
            }
            None => 0,
        };
        let height = plot
            .dim_in_pixel()
            .1
            .saturating_sub(caption + margin_top + x_labels);
        with_room_on_top(y0, y1, NOTE_PIXELS, height)
    };
    let mut builder = ChartBuilder::on(plot);
    if let Some(t) = &title {
        builder.caption(t, font(30));
    }
    let mut chart = builder
        .margin_left(if compact { 20 } else { 40 })
        .margin_right(if compact { 20 } else { 40 })
        .margin_top(margin_top)
        .x_label_area_size(x_labels)
        .y_label_area_size(if compact { 100 } else { 150 })
        .build_cartesian_2d(0.0..weeks + 1.0, y0..y1)
        .map_err(err)?;
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .x_desc(over.x_desc)
        .y_desc(y_desc)
        .axis_desc_style(font(if compact { 26 } else { 34 }))
        .label_style(font(if compact { 24 } else { 30 }))
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| (over.y_label)(*v))
        .draw()
        .map_err(err)?;
    if zero_line {
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
    if !same.is_empty() {
        let text = format!(
            "one line for: {}",
            same.iter()
                .map(|g| g.iter().map(|m| m.key()).collect::<Vec<_>>().join(" = "))
                .collect::<Vec<_>>()
                .join("; ")
        );
        let area = chart.plotting_area().strip_coord_spec();
        let room = f64::from(area.dim_in_pixel().0.saturating_sub(24));
        area.draw(&Text::new(
            super::frame::fit(&text, 22, false, room),
            (12, 8),
            font(22).color(&GREY),
        ))
        .map_err(err)?;
    }
    Ok(())
}

/// The pixels a "one line for" note takes at the plotting area's top: its 8-pixel offset,
/// a 22-pixel line and a gap below it.
const NOTE_PIXELS: u32 = 44;

/// The top of a y range raised so that `pixels` of a plotting area `height` pixels tall lie
/// above `top`: the room is the same in pixels whatever the panel's size (small multiples
/// of five or six tiers are a third of the canvas tall). At most half the area.
fn with_room_on_top(bottom: f64, top: f64, pixels: u32, height: u32) -> f64 {
    let share = (f64::from(pixels) / f64::from(height.max(1))).min(0.5);
    top + (top - bottom) * share / (1.0 - share)
}

/// A panel's y range: zero, every band's edges and every mean line (under a heavy tail a
/// mean can lie outside its 10th–90th percentile band: a few replications far below the
/// rest), padded by 5%.
fn y_range(bands: &[(ModelKind, u32, Vec<BandPoint>)]) -> (f64, f64) {
    range(
        bands
            .iter()
            .flat_map(|(_, _, r)| r.iter().flat_map(|p| [p.1, p.2, p.3]))
            .chain([0.0]),
        0.05,
    )
}

/// Groups of models (two or more, in drawing order) whose mean lines lie within `tol` of
/// each other at every week: drawn one exactly under another.
fn coinciding(bands: &[(ModelKind, u32, Vec<BandPoint>)], tol: f64) -> Vec<Vec<ModelKind>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for i in 0..bands.len() {
        if groups.iter().any(|g| g.contains(&i)) {
            continue;
        }
        let mut group = vec![i];
        for j in i + 1..bands.len() {
            let (a, b) = (&bands[i].2, &bands[j].2);
            let same = !a.is_empty()
                && a.len() == b.len()
                && a.iter().zip(b).all(|(p, q)| (p.1 - q.1).abs() <= tol);
            if same {
                group.push(j);
            }
        }
        if group.len() > 1 {
            groups.push(group);
        }
    }
    groups
        .into_iter()
        .map(|g| g.into_iter().map(|i| bands[i].0).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A mean below its band's 10th percentile (one week where a few replications fell far)
    /// is inside the panel, not cut off at its edge; so are the bands and zero.
    #[test]
    fn the_range_holds_a_mean_outside_its_band() {
        // (week, mean, 10th percentile, 90th percentile)
        let rows = vec![(1.0, 90.0, 80.0, 100.0), (2.0, -900.0, -300.0, 100.0)];
        let (y0, y1) = y_range(&[(ModelKind::OpsRun, 3, rows)]);
        assert!(y0 < -900.0 && y1 > 100.0, "range {y0}..{y1}");
        let (z0, z1) = y_range(&[(ModelKind::OpsRun, 3, vec![(1.0, 50.0, 40.0, 60.0)])]);
        assert!(z0 <= 0.0 && z1 > 60.0, "range {z0}..{z1}");
    }

    /// The room above the bands is so many pixels, whatever the area's height: the old
    /// range's top maps `pixels` below the new top.
    #[test]
    fn the_room_on_top_is_the_same_in_pixels() {
        for height in [130u32, 286, 700] {
            let (bottom, top) = (-20.0, 110.0);
            let new_top = with_room_on_top(bottom, top, 44, height);
            let below_top = (new_top - top) / (new_top - bottom) * f64::from(height);
            assert!((below_top - 44.0).abs() < 1e-9, "{height}: {below_top}");
        }
        // Never more than half the area.
        let top = with_room_on_top(0.0, 100.0, 44, 40);
        assert!((top - 200.0).abs() < 1e-9, "{top}");
    }
}
