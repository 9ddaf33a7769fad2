//! Patterned fills: a rectangle in a component's colour, solid, hatched or dotted, so that
//! neighbours differ in more than shade (stacked bars, the grid map's cells and legends).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::render::{Drawn, err};
use crate::report::style::{Component, Pattern};

/// Fills the pixel rectangle from `a` to `b` (any corners) with the component's colour and
/// pattern, outlined in white so that neighbours separate.
pub(super) fn fill_rect<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    a: (i32, i32),
    b: (i32, i32),
    c: &Component,
) -> Drawn {
    let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
    let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
    if x1 <= x0 || y1 <= y0 {
        return Ok(());
    }
    area.draw(&Rectangle::new([(x0, y0), (x1, y1)], c.colour.filled()))
        .map_err(err)?;
    // Dark marks on light fills, white marks on dark ones.
    let RGBColor(r, g, bl) = c.colour;
    let light = 0.299 * f64::from(r) + 0.587 * f64::from(g) + 0.114 * f64::from(bl) > 150.0;
    let ink = if light {
        RGBColor(60, 60, 60)
    } else {
        RGBColor(255, 255, 255)
    };
    match c.pattern {
        Pattern::Solid => {}
        Pattern::Hatched => diagonals(area, (x0, y0), (x1, y1), ink, false)?,
        Pattern::CrossHatched => {
            diagonals(area, (x0, y0), (x1, y1), ink, false)?;
            diagonals(area, (x0, y0), (x1, y1), ink, true)?;
        }
        Pattern::Horizontal => {
            let mut y = y0 + 5;
            while y < y1 - 2 {
                area.draw(&PathElement::new(
                    vec![(x0, y), (x1, y)],
                    ShapeStyle::from(&ink).stroke_width(3),
                ))
                .map_err(err)?;
                y += 11;
            }
        }
        Pattern::Dotted => {
            let mut y = y0 + 6;
            while y < y1 - 3 {
                let mut x = x0 + 6;
                while x < x1 - 3 {
                    area.draw(&Circle::new((x, y), 2, ink.filled()))
                        .map_err(err)?;
                    x += 11;
                }
                y += 11;
            }
        }
    }
    area.draw(&Rectangle::new([(x0, y0), (x1, y1)], WHITE.stroke_width(2)))
        .map_err(err)
}

/// 45° stripes every 14 px across the rectangle from `a` to `b` (top-left, bottom-right),
/// rising to the right, or falling when `falling`.
fn diagonals<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x0, y0): (i32, i32),
    (x1, y1): (i32, i32),
    ink: RGBColor,
    falling: bool,
) -> Drawn {
    let h = y1 - y0;
    let mut k = x0 - h;
    while k < x1 {
        let lo = (x0 - k).max(0);
        let hi = (x1 - k).min(h);
        if lo < hi {
            let (ya, yb) = if falling {
                (y0 + lo, y0 + hi)
            } else {
                (y1 - lo, y1 - hi)
            };
            area.draw(&PathElement::new(
                vec![(k + lo, ya), (k + hi, yb)],
                ShapeStyle::from(&ink).stroke_width(3),
            ))
            .map_err(err)?;
        }
        k += 14;
    }
    Ok(())
}
