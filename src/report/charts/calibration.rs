//! `whoruns calibrate`'s charts: small multiples, one panel per service, of observed
//! durations (the empirical distribution, a step line) against their fitted distribution,
//! on a log time axis, twelve panels a page: the sample the scenario fragment's `effort`
//! uses (hands-on time, or restore time without acknowledgements), and restore times for
//! comparison.

use plotters::coord::Shift;
use plotters::coord::combinators::IntoLogRange;
use plotters::prelude::*;

use super::frame::{simple_frame, wrap};
use super::render::{ChartError, err, to_png, to_svg};
use crate::calibrate::{Calibration, Source};
use crate::report::headline;
use crate::report::style::{GREY, GRID, INK, bold, font};
use crate::units::format_hours;

/// Panels per page.
pub const PER_PAGE: usize = 12;

/// Observed colour: ink; fitted: Okabe–Ito blue; a fit the KS test rejects: vermillion.
const FITTED: RGBColor = RGBColor(0, 114, 178);
const REJECTED: RGBColor = RGBColor(213, 94, 0);

/// One page of the calibration chart.
pub struct FitChart<'a> {
    /// The calibration.
    pub cal: &'a Calibration,
    /// Page, from 0.
    pub page: usize,
    /// The log's name, for the footnote.
    pub source: &'a str,
    /// The fit the fragment uses (true), or restore times for comparison.
    pub used: bool,
}

/// Pages needed for a calibration's services.
pub fn pages(cal: &Calibration) -> usize {
    cal.services.len().div_ceil(PER_PAGE).max(1)
}

impl FitChart<'_> {
    /// The message title: which family fits, and where the fit is rejected or borrowed.
    pub fn title(&self) -> String {
        headline::calibration(self.cal, self.used)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let services: Vec<_> = self
            .cal
            .services
            .iter()
            .skip(self.page * PER_PAGE)
            .take(PER_PAGE)
            .collect();
        let of = if pages(self.cal) > 1 {
            format!(" Page {} of {}.", self.page + 1, pages(self.cal))
        } else {
            String::new()
        };
        let footnote = format!(
            "{} · {:.1} weeks · restore time is created → resolved; hands-on time (effort) is acknowledged → resolved · whoruns {}",
            self.source,
            self.cal.weeks,
            env!("CARGO_PKG_VERSION")
        );
        let body = simple_frame(
            root,
            &self.title(),
            &format!(
                "Share of incidents {} within a time (log scale): observed (black steps) against the fit (blue; orange where the KS test rejects it).{of}",
                if self.used
                    && self
                        .cal
                        .services
                        .iter()
                        .any(|s| s.effort_used().0 == crate::calibrate::Sample::Effort)
                {
                    "worked (acknowledged to resolved)"
                } else {
                    "restored"
                }
            ),
            &footnote,
        )?;
        let cols = services.len().clamp(1, 4);
        let rows = services.len().div_ceil(cols).max(1);
        let panels = body.margin(10, 10, 40, 40).split_evenly((rows, cols));
        for (panel, s) in panels.iter().zip(services) {
            let (sample, fitted, xs) = if self.used {
                s.effort_used()
            } else {
                (
                    crate::calibrate::Sample::RestoreTime,
                    &s.ttr,
                    s.ttr_hours.as_slice(),
                )
            };
            let c = fitted.choice.as_ref();
            let what = match sample {
                crate::calibrate::Sample::Effort => "hands-on",
                crate::calibrate::Sample::RestoreTime => "restore",
            };
            let fitted_colour = if c.is_some_and(|c| c.ks_p_value < 0.05) {
                REJECTED
            } else {
                FITTED
            };
            let n = xs.len();
            let stats = match (c, fitted.source) {
                (Some(c), Source::Service) => format!(
                    "{what} n {n} · {} · KS p {:.3}{}",
                    c.best.family.name(),
                    c.ks_p_value,
                    if c.ks_p_value < 0.05 { " rejected" } else { "" }
                ),
                (Some(c), _) => format!("{what} n {n} · pooled {}", c.best.family.name()),
                (None, _) => format!("{what} n {n} · no fit"),
            };
            let caption = wrap(&s.name, 26, true, f64::from(panel.dim_in_pixel().0) - 20.0)
                .into_iter()
                .next()
                .unwrap_or_default();
            let floor = crate::calibrate::fit::FLOOR_HOURS;
            let lo = xs
                .first()
                .copied()
                .unwrap_or(1.0 / 60.0)
                .max(floor)
                .min(c.map_or(f64::INFINITY, |c| c.best.quantile(0.01)));
            let hi = xs
                .last()
                .copied()
                .unwrap_or(24.0)
                .max(c.map_or(0.0, |c| c.best.quantile(0.99)));
            let (lo, hi) = ((lo / 1.5).max(floor), (hi * 1.5).max(lo * 10.0));
            let mut chart = ChartBuilder::on(panel)
                .caption(caption, bold(26))
                .margin(8)
                .x_label_area_size(36)
                .y_label_area_size(56)
                .build_cartesian_2d((lo..hi).log_scale(), 0.0..100.0f64)
                .map_err(err)?;
            chart
                .configure_mesh()
                .light_line_style(TRANSPARENT)
                .bold_line_style(GRID)
                .x_labels(4)
                .y_labels(3)
                .label_style(font(18))
                .x_label_formatter(&|v| format_hours(*v))
                .y_label_formatter(&|v| format!("{v:.0}%"))
                .draw()
                .map_err(err)?;
            if let Some(c) = c {
                let steps = 120;
                let points: Vec<(f64, f64)> = (0..=steps)
                    .map(|i| {
                        let x = lo * (hi / lo).powf(i as f64 / steps as f64);
                        (x, 100.0 * c.best.cdf(x))
                    })
                    .collect();
                chart
                    .draw_series(LineSeries::new(
                        points,
                        ShapeStyle::from(&fitted_colour).stroke_width(6),
                    ))
                    .map_err(err)?;
            }
            chart
                .draw_series(std::iter::once(Text::new(
                    stats,
                    (lo * 1.1, 96.0),
                    font(20).color(&GREY),
                )))
                .map_err(err)?;
            if !xs.is_empty() {
                let n = xs.len() as f64;
                let mut points = vec![(lo, 0.0)];
                for (i, x) in xs.iter().enumerate() {
                    let x = x.max(lo);
                    points.push((x, 100.0 * i as f64 / n));
                    points.push((x, 100.0 * (i + 1) as f64 / n));
                }
                points.push((hi, 100.0));
                chart
                    .draw_series(LineSeries::new(
                        points,
                        ShapeStyle::from(&INK).stroke_width(2),
                    ))
                    .map_err(err)?;
            }
        }
        Ok(())
    }

    /// The page as an SVG document (text as outlines).
    pub fn svg(&self) -> Result<String, ChartError> {
        to_svg("calibration", |root| self.draw(root))
    }

    /// The page as PNG bytes.
    pub fn png(&self) -> Result<Vec<u8>, ChartError> {
        to_png("calibration", |root| self.draw(root))
    }
}
