//! The cost-versus-reliability chart: each tier's share of service-years meeting its target
//! (one marker shape per tier) at each model's mean operating cost, with 95% intervals.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::Chart;
use super::axis::range;
use super::frame::frame;
use super::legend::{Mark, legend};
use super::render::{Drawn, err};
use crate::format::trim_pct;
use crate::report::data::ReportData;
use crate::report::style::{GREY, GRID, colour, font};
use crate::stats::Estimate;

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

/// Tiers' shares of service-years meeting their target against operating cost, per model.
pub(super) fn cost_vs_reliability<DB: DrawingBackend>(
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
