//! The breakdown charts: horizontal stacked bars of the mean time to restore split into its
//! parts, and of the cost split into its components (running the model, and unreliability
//! on its own scale), with their patterned legend.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::Chart;
use super::fill::fill_rect;
use super::frame::{LEGEND_WIDTH, frame};
use super::render::{Drawn, WIDTH, err};
use crate::report::data::ReportData;
use crate::report::style::{
    COST_COMPONENTS, Component, GREY, GRID, RESTORE_PARTS, bold, colour, font,
};

/// The mean time to restore per model, stacked by its parts.
pub(super) fn restore_breakdown<DB: DrawingBackend>(
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

/// The mean cost per model, stacked by its components: operating cost and unreliability
/// side by side, each on its own scale.
pub(super) fn cost_breakdown<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ReportData,
) -> Drawn {
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
pub(super) fn component_legend<DB: DrawingBackend>(
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
