//! A break-even tornado: for one verdict, how far each assumption that flips it must move
//! from today's value to its break-even, as a share of its plausible range (left: down,
//! right: up), nearest first, with the 95% interval as a whisker.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::frame::simple_frame;
use super::render::{ChartError, Drawn, err, to_png, to_svg};
use crate::breakeven::Analysis;
use crate::model::ModelKind;
use crate::report::style::{GREY, GRID, INK, colour, font};

/// Bars shown.
const ROWS: usize = 14;

/// The chart of verdict `verdict` of an analysis.
pub struct BreakevenChart<'a> {
    /// The analysis.
    pub analysis: &'a Analysis,
    /// The verdict's index.
    pub verdict: usize,
    /// The footnote (scenario, replications, seed).
    pub footnote: String,
}

impl BreakevenChart<'_> {
    /// The message title: the verdict and what flips it first.
    pub fn title(&self) -> String {
        let a = self.analysis;
        let Some(v) = a.verdicts.get(self.verdict) else {
            return String::new();
        };
        let claim = crate::report::whatif::claim(v);
        let flips = a.flips_of(self.verdict);
        match flips.first() {
            None => format!("{claim}: no assumption within its plausible range flips it"),
            Some((e, f)) => format!(
                "{claim} until {} reaches {}; {} assumption{} can flip it",
                e.label,
                e.show(f.at, &a.currency),
                flips.len(),
                if flips.len() == 1 { "" } else { "s" }
            ),
        }
    }

    /// Draws the chart on any backend.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn {
        let a = self.analysis;
        let body = simple_frame(
            root,
            &self.title(),
            "How far each assumption must move from today's value to flip the verdict, as a share of its plausible range; whiskers: 95% interval. Assumptions that cannot flip it are left out.",
            &self.footnote,
        )?;
        let flips = a.flips_of(self.verdict);
        let rows: Vec<_> = flips.iter().take(ROWS).collect();
        let n = rows.len().max(1);
        let share = |e: &crate::ledger::Entry, x: f64| -> f64 {
            100.0 * (x - e.value) / (e.range.1 - e.range.0).abs().max(f64::MIN_POSITIVE)
        };
        let mut chart = ChartBuilder::on(&body)
            .margin_left(20)
            .margin_right(60)
            .margin_top(10)
            .x_label_area_size(100)
            .y_label_area_size(720)
            .build_cartesian_2d(-100.0..100.0, -0.6..n as f64 - 0.4)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .y_labels(0)
            .x_desc("Move to the break-even, % of the plausible range (left: lower, right: higher)")
            .axis_desc_style(font(30))
            .label_style(font(28))
            .x_label_formatter(&|v| format!("{v:.0}"))
            .draw()
            .map_err(err)?;
        let c = colour(ModelKind::OpsRun);
        for (i, (e, f)) in rows.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            let x = share(e, f.at).clamp(-100.0, 100.0);
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x.min(0.0), y - 0.34), (x.max(0.0), y + 0.34)],
                    c.filled(),
                )))
                .map_err(err)?;
            let (lo, hi) = (
                share(e, f.interval.0).clamp(-100.0, 100.0),
                share(e, f.interval.1).clamp(-100.0, 100.0),
            );
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(lo, y), (hi, y)],
                    ShapeStyle::from(&INK).stroke_width(3),
                )))
                .map_err(err)?;
            let right = font(26).pos(Pos::new(HPos::Right, VPos::Center));
            let label = format!(
                "{}: {} → {}",
                e.label,
                e.show(e.value, &a.currency),
                e.show(f.at, &a.currency)
            );
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at((-100.0, y)) + Text::new(label, (-14, 0), right),
                ))
                .map_err(err)?;
        }
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, -0.6), (0.0, n as f64 - 0.4)],
                ShapeStyle::from(&GREY).stroke_width(2),
            )))
            .map_err(err)?;
        Ok(())
    }

    /// The chart as an SVG document (text as outlines).
    pub fn svg(&self) -> Result<String, ChartError> {
        to_svg("breakeven", |root| self.draw(root))
    }

    /// The chart as PNG bytes.
    pub fn png(&self) -> Result<Vec<u8>, ChartError> {
        to_png("breakeven", |root| self.draw(root))
    }
}
