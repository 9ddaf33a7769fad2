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

/// A tier's marker shape, fixed by its target so that a tier looks the same in every
/// scenario: diamond from 99.99%, circle from 99.95%, triangle from 99.9%, square from
/// 99.5%, cross from 99%, ring below.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// 99.99% and above.
    Diamond,
    /// 99.95% to 99.99%.
    Circle,
    /// 99.9% to 99.95%.
    Triangle,
    /// 99.5% to 99.9%.
    Square,
    /// 99% to 99.5%.
    Cross,
    /// Below 99%.
    Ring,
}

impl Shape {
    /// Every shape, from the highest band down.
    const ALL: [Shape; 6] = [
        Shape::Diamond,
        Shape::Circle,
        Shape::Triangle,
        Shape::Square,
        Shape::Cross,
        Shape::Ring,
    ];

    /// The shape of the band `target` falls in.
    fn of_target(target: f64) -> Shape {
        const BANDS: [f64; 5] = [0.9999, 0.9995, 0.999, 0.995, 0.99];
        let band = BANDS
            .iter()
            .position(|b| target >= b - 1e-12)
            .unwrap_or(BANDS.len());
        Shape::ALL[band]
    }
}

/// The shapes of `tiers` (targets, highest first): each its band's shape; a tier whose
/// band an earlier tier already holds takes the next shape free below it (then above), so
/// that no two tiers of one chart share a shape.
pub(super) fn tier_shapes(tiers: &[f64]) -> Vec<Shape> {
    let mut used: Vec<Shape> = Vec::new();
    for &t in tiers {
        let own = Shape::ALL
            .iter()
            .position(|s| *s == Shape::of_target(t))
            .unwrap_or(0);
        let free = (own..Shape::ALL.len())
            .chain((0..own).rev())
            .map(|i| Shape::ALL[i])
            .find(|s| !used.contains(s))
            .unwrap_or(Shape::of_target(t));
        used.push(free);
    }
    used
}

/// Draws `shape` at `at` (plus `dx` pixels across), haloed in white so that a marker
/// stands out from the lines and markers under it.
fn tier_marker<DB: DrawingBackend, C>(
    area: &DrawingArea<DB, C>,
    shape: Shape,
    at: C::From,
    size: i32,
    colour: RGBColor,
    dx: i32,
) -> Drawn
where
    C: plotters::coord::CoordTranslate,
    C::From: Clone,
{
    let halo = WHITE.filled();
    let fill = colour.filled();
    let e = || EmptyElement::at(at.clone());
    let diamond = |r: i32| vec![(dx, -r), (dx + r, 0), (dx, r), (dx - r, 0)];
    match shape {
        Shape::Diamond => area
            .draw(
                &(e()
                    + Polygon::new(diamond(size + 6), halo)
                    + Polygon::new(diamond(size + 2), fill)),
            )
            .map_err(err),
        Shape::Circle => area
            .draw(&(e() + Circle::new((dx, 0), size + 3, halo) + Circle::new((dx, 0), size, fill)))
            .map_err(err),
        Shape::Triangle => area
            .draw(
                &(e()
                    + TriangleMarker::new((dx, 0), size + 5, halo)
                    + TriangleMarker::new((dx, 0), size + 1, fill)),
            )
            .map_err(err),
        Shape::Square => area
            .draw(
                &(e()
                    + Rectangle::new(
                        [(dx - size - 2, -size - 2), (dx + size + 2, size + 2)],
                        halo,
                    )
                    + Rectangle::new(
                        [(dx - size + 1, -size + 1), (dx + size - 1, size - 1)],
                        fill,
                    )),
            )
            .map_err(err),
        Shape::Cross => area
            .draw(
                &(e()
                    + Cross::new((dx, 0), size + 2, ShapeStyle::from(&WHITE).stroke_width(9))
                    + Cross::new((dx, 0), size, ShapeStyle::from(&colour).stroke_width(5))),
            )
            .map_err(err),
        Shape::Ring => area
            .draw(
                &(e()
                    + Circle::new((dx, 0), size + 3, halo)
                    + Circle::new((dx, 0), size, ShapeStyle::from(&colour).stroke_width(5))),
            )
            .map_err(err),
    }
}

/// The horizontal offset in pixels of tier `t` of `n` around its model's cost, so that
/// tiers at the same share sit side by side instead of on top of each other.
fn offset(t: usize, n: usize) -> i32 {
    const STEP: i32 = 26;
    (2 * t as i32 - (n as i32 - 1)) * STEP / 2
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
    let shapes = tier_shapes(&data.tiers);
    for (t, target) in data.tiers.iter().enumerate() {
        let y = below + 50 + 50 * t as i32;
        tier_marker(&key, shapes[t], (30, y), 11, GREY, 0)?;
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
    // Data units per pixel across, to set the tiers of a model side by side.
    let per_pixel = (x1 - x0) / f64::from(chart.plotting_area().dim_in_pixel().0.max(1));
    let n_tiers = data.tiers.len();
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
            let dx = offset(t, n_tiers);
            let xt = x + f64::from(dx) * per_pixel;
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(xt, e.low.max(0.0)), (xt, e.high.min(100.0))],
                    style,
                )))
                .map_err(err)?;
            let shape = shapes.get(t).copied().unwrap_or(Shape::Ring);
            tier_marker(chart.plotting_area(), shape, (x, e.mean), 12, c, dx)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tier_has_the_same_shape_in_every_scenario() {
        // The baseline's four tiers, and a smaller scenario's two.
        let baseline = tier_shapes(&[0.9995, 0.999, 0.995, 0.99]);
        let small = tier_shapes(&[0.999, 0.99]);
        assert_eq!(
            baseline,
            vec![Shape::Circle, Shape::Triangle, Shape::Square, Shape::Cross]
        );
        assert_eq!(small, vec![Shape::Triangle, Shape::Cross]);
    }

    #[test]
    fn tiers_in_one_band_still_differ() {
        let s = tier_shapes(&[0.9997, 0.9995]);
        assert_eq!(s, vec![Shape::Circle, Shape::Triangle]);
    }

    #[test]
    fn tiers_sit_side_by_side_around_the_cost() {
        let xs: Vec<i32> = (0..4).map(|t| offset(t, 4)).collect();
        assert_eq!(xs, vec![-39, -13, 13, 39]);
        assert_eq!(offset(0, 1), 0);
    }
}
