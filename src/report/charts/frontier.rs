//! The ownership frontier: each confirmed assignment's operating cost against its cost of
//! unreliability with 95% intervals both ways, joined along the front (filled: separated
//! by its intervals from every other point; hollow: unresolved), every named model as a
//! labelled reference point in its colour, the recommended assignment ringed, and beside
//! every point its worst tier's share of service-years meeting the target (the third
//! objective, on a chart of the other two).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::range;
use super::frame::simple_frame;
use super::render::{ChartError, Drawn, err, to_png, to_svg};
use crate::export::frontier::{kept, label};
use crate::frontier::{Frontier, Status};
use crate::report::style::{GREY, GRID, INK, colour, font};

/// The frontier chart of a search, with its message title.
pub struct FrontierChart<'a> {
    /// The frontier.
    pub frontier: &'a Frontier,
    /// The recommended point, if a goal was stated.
    pub recommended: Option<usize>,
    /// The message title.
    pub title: String,
}

impl FrontierChart<'_> {
    /// Draws the chart on any backend.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn {
        let f = self.frontier;
        let c = &f.confirmed;
        let s = &f.scenario;
        let cur = &s.costs.currency;
        let foot = format!(
            "Scenario \"{}\" · {} assignments searched ({}) on {} replications each · front confirmed on fresh seeds, {} to {} replications per point · seed {} · whoruns {}",
            s.name,
            f.evaluations,
            if f.exhaustive {
                "all of them"
            } else {
                "NSGA-II"
            },
            f.options.search_replications,
            c.rows.iter().map(Vec::len).min().unwrap_or(0),
            c.rows.iter().map(Vec::len).max().unwrap_or(0),
            s.seed,
            env!("CARGO_PKG_VERSION")
        );
        let body = simple_frame(
            root,
            &self.title,
            "Each point: one assignment of runners to services; beside it, the lowest of its tiers' shares of service-years meeting their targets. Bars: 95% intervals on fresh seeds. Filled: separated from every other point by paired intervals; hollow: not yet. Coloured: the named models; ringed: the recommended assignment.",
            &foot,
        )?;
        let points: Vec<usize> = (0..c.policies.len())
            .filter(|&i| i >= c.front_len || kept(f, i))
            .collect();
        let est = |i: usize| {
            (
                c.estimate(i, |r| r.cost_operating / 1e6),
                c.estimate(i, |r| r.cost_unreliability / 1e6),
            )
        };
        let (x0, x1) = range(
            points.iter().flat_map(|&i| {
                let (x, _) = est(i);
                [x.low, x.high, x.mean]
            }),
            0.08,
        );
        // Room on the right for the labels of the rightmost points.
        let x1 = x1 + 0.15 * (x1 - x0);
        let (y0, y1) = range(
            points.iter().flat_map(|&i| {
                let (_, y) = est(i);
                [y.low, y.high, y.mean]
            }),
            0.08,
        );
        let mut chart = ChartBuilder::on(&body)
            .margin_left(40)
            .margin_right(60)
            .margin_top(10)
            .x_label_area_size(100)
            .y_label_area_size(130)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(err)?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .x_desc(format!("operating cost, million {cur} a year"))
            .y_desc(format!("cost of unreliability, million {cur} a year"))
            .axis_desc_style(font(30))
            .label_style(font(28))
            .x_label_formatter(&|v| format!("{v:.2}"))
            .y_label_formatter(&|v| format!("{v:.2}"))
            .draw()
            .map_err(err)?;
        let front: Vec<usize> = (0..c.front_len).filter(|&i| kept(f, i)).collect();
        let line: Vec<(f64, f64)> = front
            .iter()
            .map(|&i| {
                let (x, y) = est(i);
                (x.mean, y.mean)
            })
            .collect();
        chart
            .draw_series(std::iter::once(PathElement::new(
                line,
                ShapeStyle::from(&GREY).stroke_width(3),
            )))
            .map_err(err)?;
        // Labels are placed after every point is drawn, so that none covers another.
        let mut labels: Vec<(String, RGBColor, (f64, f64))> = Vec::new();
        for &i in &points {
            if i >= c.front_len && f.references[i - c.front_len].twin.is_some() {
                continue;
            }
            let (x, y) = est(i);
            let ink = if i < c.front_len {
                INK
            } else {
                colour(f.references[i - c.front_len].model)
            };
            let bar = ShapeStyle::from(&ink.mix(0.6)).stroke_width(2);
            for seg in [
                vec![(x.low, y.mean), (x.high, y.mean)],
                vec![(x.mean, y.low), (x.mean, y.high)],
            ] {
                chart
                    .draw_series(std::iter::once(PathElement::new(seg, bar)))
                    .map_err(err)?;
            }
            let filled = i >= c.front_len || c.status[i] == Status::NonDominated;
            let style = if filled {
                ink.filled()
            } else {
                ShapeStyle::from(&ink).stroke_width(4)
            };
            chart
                .draw_series(std::iter::once(Circle::new((x.mean, y.mean), 11, style)))
                .map_err(err)?;
            if self.recommended == Some(i) {
                chart
                    .draw_series(std::iter::once(Circle::new(
                        (x.mean, y.mean),
                        22,
                        ShapeStyle::from(&INK).stroke_width(4),
                    )))
                    .map_err(err)?;
            }
            let text = point_label(f, i);
            labels.push((text, ink, (x.mean, y.mean)));
        }
        let anchors: Vec<(i32, i32)> = labels
            .iter()
            .map(|(.., at)| chart.backend_coord(at))
            .collect();
        let boxes = place_labels(&labels, &anchors);
        for ((text, ink, at), offset) in labels.into_iter().zip(boxes) {
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at(at) + Text::new(text, offset, font(26).color(&ink)),
                ))
                .map_err(err)?;
        }
        Ok(())
    }

    /// The chart as an SVG document (text as outlines).
    pub fn svg(&self) -> Result<String, ChartError> {
        to_svg("frontier", |root| self.draw(root))
    }

    /// The chart as PNG bytes.
    pub fn png(&self) -> Result<Vec<u8>, ChartError> {
        to_png("frontier", |root| self.draw(root))
    }
}

/// A point's label: its name (a named model that is a front point's assignment is named
/// beside that point) and the goal's measure, the lowest of the tiers' mean shares.
fn point_label(f: &Frontier, i: usize) -> String {
    let c = &f.confirmed;
    let text = if i < c.front_len {
        let twins: Vec<&str> = (f.references.iter())
            .filter(|r| r.twin == Some(i))
            .map(|r| r.model.name())
            .collect();
        if twins.is_empty() {
            label(f, i)
        } else {
            format!("{} = {}", label(f, i), twins.join(", "))
        }
    } else {
        f.references[i - c.front_len].model.name().to_string()
    };
    let worst = crate::frontier::goal::worst_tier(&c.rows[i]);
    format!("{text} · {:.0}%", 100.0 * worst)
}

/// Label height in pixels at the chart's label size (26 px text).
const LABEL_HEIGHT: i32 = 30;

/// Where each label goes, as an offset from its point: the first of a few positions around
/// the point (above right first, as before) whose box overlaps no label placed earlier and
/// no point; the first position when every one is taken.
fn place_labels(
    labels: &[(String, RGBColor, (f64, f64))],
    anchors: &[(i32, i32)],
) -> Vec<(i32, i32)> {
    type Box = (i32, i32, i32, i32);
    let overlaps = |a: Box, b: Box| a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3;
    let dots: Vec<Box> = anchors
        .iter()
        .map(|&(x, y)| (x - 12, y - 12, x + 12, y + 12))
        .collect();
    let mut placed: Vec<Box> = Vec::new();
    let mut out = Vec::new();
    for ((text, ..), &(x, y)) in labels.iter().zip(anchors) {
        let w = super::frame::measure(text, 26, false).ceil() as i32;
        let h = LABEL_HEIGHT;
        let candidates = [
            (16, -34),
            (16, 8),
            (-16 - w, -34),
            (-16 - w, 8),
            (16, -34 - h),
            (16, 8 + h),
            (-w / 2, -34 - h),
            (-w / 2, 8 + h),
        ];
        let free = |&(dx, dy): &(i32, i32)| {
            let b = (x + dx, y + dy, x + dx + w, y + dy + h);
            !placed.iter().chain(&dots).any(|p| overlaps(b, *p))
        };
        let (dx, dy) = candidates
            .iter()
            .copied()
            .find(|c| free(c))
            .unwrap_or(candidates[0]);
        placed.push((x + dx, y + dy, x + dx + w, y + dy + h));
        out.push((dx, dy));
    }
    out
}

#[cfg(test)]
mod label_tests {
    use super::*;

    #[test]
    fn labels_of_points_close_together_do_not_overlap() {
        let ink = RGBColor(0, 0, 0);
        let labels: Vec<(String, RGBColor, (f64, f64))> = (0..4)
            .map(|k| (format!("F{k} · 15%"), ink, (0.0, 0.0)))
            .collect();
        // Four points 20 px apart on a line: their default labels would overlap.
        let anchors = [(500, 500), (520, 500), (540, 510), (560, 500)];
        let offsets = place_labels(&labels, &anchors);
        let boxes: Vec<(i32, i32, i32, i32)> = offsets
            .iter()
            .zip(&anchors)
            .zip(&labels)
            .map(|((&(dx, dy), &(x, y)), (t, ..))| {
                let w = super::super::frame::measure(t, 26, false).ceil() as i32;
                (x + dx, y + dy, x + dx + w, y + dy + LABEL_HEIGHT)
            })
            .collect();
        for a in 0..boxes.len() {
            for b in a + 1..boxes.len() {
                let (p, q) = (boxes[a], boxes[b]);
                let overlap = p.0 < q.2 && q.0 < p.2 && p.1 < q.3 && q.1 < p.3;
                assert!(!overlap, "labels {a} and {b} overlap: {p:?} {q:?}");
            }
        }
        // A point alone keeps the label's usual place, above right.
        assert_eq!(place_labels(&labels[..1], &anchors[..1]), [(16, -34)]);
    }
}
