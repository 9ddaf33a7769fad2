//! A two-parameter sweep's map for one metric: each grid point coloured by the model that is
//! best there by the findings' rule, hatched grey where models are tied.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::fill::fill_rect;
use super::frame::{LEGEND_WIDTH, points_footnote, simple_frame};
use super::legend::{Mark, legend};
use super::render::{ChartError, Drawn, WIDTH, err, to_png, to_svg};
use crate::model::ModelKind;
use crate::report::headline;
use crate::report::style::{Component, GREY, Pattern, colour, font};

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
        let name = crate::metric::find(self.metric).map_or(self.metric, |m| m.label);
        format!("{best} {name}")
    }

    /// The message title: who wins most of the map.
    pub fn title(&self) -> String {
        let k = crate::sweep::metric_names()
            .iter()
            .position(|m| *m == self.metric)
            .unwrap_or(0);
        headline::grid_map(self.metric, k, &self.what(), self.cells)
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
            if lead.len() > 1 {
                tied_names(&pixels, a, b, lead)?;
            }
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

/// Names the models tied in a map cell from `a` to `b` (pixels), one key a line on a
/// white label, as many as fit ("+2 more" for the rest).
fn tied_names<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    a: (i32, i32),
    b: (i32, i32),
    tied: &[crate::ModelKind],
) -> Result<(), String> {
    let (x0, y0) = (a.0.min(b.0), a.1.min(b.1));
    let (w, h) = ((a.0 - b.0).abs(), (a.1 - b.1).abs());
    const LINE: i32 = 26;
    let fits = ((h - 16) / LINE).max(1) as usize;
    let mut lines: Vec<String> = vec!["tied:".to_string()];
    lines.extend(tied.iter().map(|m| m.key().to_string()));
    if lines.len() > fits {
        let more = lines.len() - (fits - 1);
        lines.truncate(fits - 1);
        lines.push(format!("+{more} more"));
    }
    let text_w = lines
        .iter()
        .map(|l| super::frame::measure(l, 22, false))
        .fold(0.0, f64::max) as i32;
    if text_w + 16 > w {
        return Ok(());
    }
    let box_h = LINE * lines.len() as i32 + 8;
    area.draw(&Rectangle::new(
        [(x0 + 6, y0 + 6), (x0 + 16 + text_w, y0 + 6 + box_h)],
        WHITE.mix(0.85).filled(),
    ))
    .map_err(err)?;
    for (i, l) in lines.iter().enumerate() {
        area.draw(&Text::new(
            l.clone(),
            (x0 + 11, y0 + 10 + LINE * i as i32),
            font(22),
        ))
        .map_err(err)?;
    }
    Ok(())
}
