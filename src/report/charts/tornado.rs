//! A tornado chart: the difference between two models at each parameter's low and high
//! value, largest effect on top, around the difference at the stated values; bars that
//! cross zero in vermillion.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::range;
use super::frame::{points_footnote, simple_frame};
use super::render::{ChartError, Drawn, err, to_png, to_svg};
use crate::model::ModelKind;
use crate::report::headline;
use crate::report::style::{GREY, GRID, INK, colour, font};

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
    fn unit(&self) -> headline::DifferenceUnit {
        headline::difference_unit(self.output, &self.scenario.costs.currency)
    }

    /// The message title: the parameter with the largest effect, and which flip the sign.
    pub fn title(&self) -> String {
        headline::tornado(self.output, self.effects, self.range)
    }

    /// Draws the chart on any backend.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn {
        let how = if self.range > 0.0 {
            format!(
                "Each parameter moved to its stated value × {:.2} (light) and × {:.2} (dark), or its stated range, one at a time",
                1.0 - self.range,
                1.0 + self.range
            )
        } else {
            "Each parameter moved to the low (light) and high (dark) ends of its plausible range, one at a time".to_string()
        };
        let body = simple_frame(
            root,
            &self.title(),
            &format!("{how}; vertical line: the stated values; bars crossing zero in vermillion."),
            &points_footnote(self.scenario),
        )?;
        let du = self.unit();
        let (unit, scale) = (du.axis(), du.scale);
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
            .x_label_formatter(&|v| format!("{:.2}", if v.abs() < 5e-3 { 0.0 } else { v.abs() }))
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
            let name = crate::parameter::label(&e.parameter);
            let label = if e.flips {
                format!("{name}  (flips)")
            } else {
                name
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
