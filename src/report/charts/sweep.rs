//! A sweep's chart for one metric: each model's mean against the swept parameter (linear,
//! log or nines axis) with its 95% interval as a band, and the crossovers marked where the
//! best model changes.

use plotters::coord::Shift;
use plotters::coord::combinators::IntoLogRange;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::range;
use super::frame::{LEGEND_WIDTH, points_footnote, simple_frame};
use super::legend::{Mark, legend};
use super::render::{ChartError, Drawn, WIDTH, err, to_png, to_svg};
use crate::format::trim_pct;
use crate::model::ModelKind;
use crate::report::headline;
use crate::report::style::{GREY, GRID, LINE_NARROWEST, LINE_WIDEST, colour, font};
use crate::stats::Estimate;

/// One model's estimates along the axis: (x coordinate, estimate) per swept value.
type Series = (ModelKind, Vec<(f64, Estimate)>);

/// The plot's extent and the y axis's words and precision.
struct Axes {
    /// The x range, in axis coordinates.
    x: (f64, f64),
    /// The y range, in the metric's scaled units.
    y: (f64, f64),
    /// What the y axis shows.
    y_desc: String,
    /// Decimals in the y axis's labels.
    decimals: usize,
}

impl Axes {
    fn y_label(&self, v: &f64) -> String {
        let decimals = self.decimals;
        format!("{v:.decimals$}")
    }
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
        headline::sweep(
            self.metric,
            self.metric_index(),
            &self.y_axis().0,
            self.axis,
            self.cells,
            self.crossovers,
        )
    }

    fn metric_index(&self) -> usize {
        crate::sweep::metric_names()
            .iter()
            .position(|m| *m == self.metric)
            .unwrap_or(0)
    }

    /// The grey line under the title: what is drawn, and the axis's scale.
    fn description(&self) -> String {
        format!(
            "Each model's mean at each value of {} ({}); bands: 95% intervals; dashed lines: where the best model changes.",
            self.axis.path,
            match self.axis.scale {
                crate::axis::Scale::Linear => "linear scale",
                crate::axis::Scale::Log => "log scale",
                crate::axis::Scale::Nines => "equal steps in nines of availability",
            }
        )
    }

    /// Whether values are drawn as nines: 99% at 2, 99.9% at 3, labelled as targets.
    fn nines(&self) -> bool {
        self.axis.scale == crate::axis::Scale::Nines
    }

    /// A swept value's x coordinate.
    fn x_of(&self, v: f64) -> f64 {
        if self.nines() {
            crate::axis::Scale::Nines.coordinate(v)
        } else {
            v
        }
    }

    /// The label of the x coordinate `v` on a linear or nines axis.
    fn x_label(&self, v: &f64) -> String {
        if self.nines() {
            format!("{}%", trim_pct(100.0 * crate::axis::Scale::Nines.value(*v)))
        } else {
            crate::format::short(*v)
        }
    }

    /// Each model's estimates at each swept value (x still the value), divided by `scale`.
    fn series(&self, scale: f64) -> Vec<Series> {
        let k = self.metric_index();
        let models: Vec<ModelKind> = self
            .cells
            .first()
            .map(|p| p.iter().map(|c| c.model).collect())
            .unwrap_or_default();
        models
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
            .collect()
    }

    /// The models' legend, each line as wide as in the plot.
    fn legend<DB: DrawingBackend>(&self, key: &DrawingArea<DB, Shift>, series: &[Series]) -> Drawn {
        let n = series.len().max(2) as f64 - 1.0;
        legend(key, &{
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
        })
        .map(|_| ())
    }

    /// Draws the chart on any backend.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn {
        let body = simple_frame(
            root,
            &self.title(),
            &self.description(),
            &points_footnote(self.scenario),
        )?;
        let (plot, key) = body.split_horizontally(WIDTH - LEGEND_WIDTH);
        let (y_desc, scale) = self.y_axis();
        let series = self.series(scale);
        self.legend(&key, &series)?;
        let (y0, y1) = range(
            series
                .iter()
                .flat_map(|(_, p)| p.iter().flat_map(|(_, e)| [e.low, e.high, e.mean])),
            0.06,
        );
        let series: Vec<Series> = series
            .into_iter()
            .map(|(m, p)| (m, p.into_iter().map(|(x, e)| (self.x_of(x), e)).collect()))
            .collect();
        let x0 = self.x_of(self.axis.values.first().copied().unwrap_or(0.0));
        let x1 = self.x_of(self.axis.values.last().copied().unwrap_or(1.0));
        let (x0, x1) = (x0.min(x1), x0.max(x1).max(x0.min(x1) + 1e-9));
        let decimals = match y1 - y0 {
            d if d >= 20.0 => 0,
            d if d >= 2.0 => 1,
            d if d >= 0.2 => 2,
            _ => 3,
        };
        let axes = Axes {
            x: (x0, x1),
            y: (y0, y1),
            y_desc,
            decimals,
        };
        if self.axis.scale == crate::axis::Scale::Log {
            self.draw_log(&plot, &series, &axes)
        } else {
            self.draw_linear(&plot, &series, &axes)
        }
    }

    /// The plot on a log x axis, ticked at the swept values themselves.
    fn draw_log<DB: DrawingBackend>(
        &self,
        plot: &DrawingArea<DB, Shift>,
        series: &[Series],
        axes: &Axes,
    ) -> Drawn {
        let ((x0, x1), (y0, y1)) = (axes.x, axes.y);
        let fmt_y = |v: &f64| axes.y_label(v);
        let mut chart = ChartBuilder::on(plot)
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
            .x_desc(self.axis.label.clone())
            .y_desc(axes.y_desc.clone())
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
        self.plot_series(&mut chart, series, (y0, y1), &|v| self.x_of(v))
    }

    /// The plot on a linear x axis, or one in equal steps of nines ticked at whole and half
    /// nines.
    fn draw_linear<DB: DrawingBackend>(
        &self,
        plot: &DrawingArea<DB, Shift>,
        series: &[Series],
        axes: &Axes,
    ) -> Drawn {
        let ((x0, x1), (y0, y1)) = (axes.x, axes.y);
        let nines = self.nines();
        let fmt_x = |v: &f64| self.x_label(v);
        let fmt_y = |v: &f64| axes.y_label(v);
        let mut chart = ChartBuilder::on(plot)
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
            .x_desc(self.axis.label.clone())
            .y_desc(axes.y_desc.clone())
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
        self.plot_series(&mut chart, series, (y0, y1), &|v| self.x_of(v))
    }

    fn plot_series<DB: DrawingBackend, X>(
        &self,
        chart: &mut ChartContext<'_, DB, Cartesian2d<X, plotters::coord::types::RangedCoordf64>>,
        series: &[Series],
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
