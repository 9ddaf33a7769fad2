//! Text in the SVG charts drawn as glyph outlines, so that a chart looks the same on every
//! machine whether or not DejaVu Sans is installed (a `<text>` element names a font; a
//! `<path>` carries its shape). Each outlined string keeps its words in an `aria-label`,
//! so screen readers and searches still find them.
//!
//! plotters' SVG backend writes every string as
//! `<text x=".." y=".." dy=".." text-anchor=".." font-size=".." fill=".." ...>\nTEXT\n</text>`;
//! [`outline`] replaces each such element with a `<path>` laid out the way a browser lays
//! out that element: the font size is the em, `dy` moves the baseline (`em`, `ex` or
//! pixels), `text-anchor` aligns the advance width, and the legacy `kern` table kerns.

use std::fmt::Write as _;

use ttf_parser::{Face, GlyphId, OutlineBuilder};

use super::fonts::{FONT_BOLD as BOLD, FONT_REGULAR as REGULAR};

/// Why a chart's text could not be outlined.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SvgTextError {
    /// The embedded font cannot be read.
    #[error("embedded font: {0}")]
    Font(String),
    /// A `<text>` element's opening tag does not end.
    #[error("a <text> element without an end")]
    UnendedTag,
    /// A `<text>` element is not closed.
    #[error("a <text> element without </text>")]
    Unclosed,
    /// An attribute without `="…"`.
    #[error("an attribute without a value")]
    AttributeWithoutValue,
    /// An attribute value without its closing quote.
    #[error("an unterminated attribute")]
    UnterminatedAttribute,
    /// A length that is not a number with `em`, `ex` or `px`.
    #[error("cannot read the length {0:?}")]
    Length(String),
    /// A numeric attribute that is not a number.
    #[error("cannot read the {0} of a text")]
    Number(String),
}

/// The embedded faces, regular and bold.
struct Faces<'a> {
    regular: Face<'a>,
    bold: Face<'a>,
}

impl Faces<'static> {
    fn load() -> Result<Self, SvgTextError> {
        let parse = |bytes| Face::parse(bytes, 0).map_err(|e| SvgTextError::Font(e.to_string()));
        Ok(Faces {
            regular: parse(REGULAR)?,
            bold: parse(BOLD)?,
        })
    }
}

/// Width in pixels of `text` set in the embedded font at `em` pixels per em.
pub fn width(text: &str, em: f64, bold: bool) -> f64 {
    match Faces::load() {
        Ok(f) => advance(if bold { &f.bold } else { &f.regular }, text) * em,
        // Cannot happen with the fonts compiled in; a rough estimate keeps layout going.
        Err(_) => 0.6 * em * text.chars().count() as f64,
    }
}

/// Advance width of `text` in ems, kerned.
fn advance(face: &Face, text: &str) -> f64 {
    let per_em = f64::from(face.units_per_em());
    let mut units = 0.0;
    let mut prev = None;
    for c in text.chars() {
        let g = face.glyph_index(c).unwrap_or(GlyphId(0));
        if let Some(p) = prev {
            units += kern(face, p, g);
        }
        units += f64::from(face.glyph_hor_advance(g).unwrap_or(0));
        prev = Some(g);
    }
    units / per_em
}

fn kern(face: &Face, left: GlyphId, right: GlyphId) -> f64 {
    face.tables()
        .kern
        .and_then(|k| {
            k.subtables
                .into_iter()
                .filter(|s| s.horizontal && !s.variable)
                .find_map(|s| s.glyphs_kerning(left, right))
        })
        .map_or(0.0, f64::from)
}

/// Replaces every `<text>` element plotters wrote in `svg` with the outline of its text.
pub fn outline(svg: &str) -> Result<String, SvgTextError> {
    let faces = Faces::load()?;
    let mut out = String::with_capacity(svg.len() * 2);
    let mut rest = svg;
    while let Some(start) = rest.find("<text ") {
        out.push_str(&rest[..start]);
        let element = &rest[start..];
        let open_end = element.find('>').ok_or(SvgTextError::UnendedTag)?;
        let close = element.find("</text>").ok_or(SvgTextError::Unclosed)?;
        let attrs = attributes(&element["<text ".len()..open_end])?;
        let escaped = element[open_end + 1..close].trim_matches('\n');
        path(&mut out, &faces, &attrs, escaped)?;
        rest = &element[close + "</text>".len()..];
    }
    out.push_str(rest);
    Ok(out)
}

/// `name="value"` pairs of an opening tag; plotters escapes `"` and `>` in values.
fn attributes(s: &str) -> Result<Vec<(&str, &str)>, SvgTextError> {
    let mut out = Vec::new();
    let mut rest = s.trim_start();
    while !rest.is_empty() {
        let eq = rest
            .find("=\"")
            .ok_or(SvgTextError::AttributeWithoutValue)?;
        let name = &rest[..eq];
        let after = &rest[eq + 2..];
        let end = after.find('"').ok_or(SvgTextError::UnterminatedAttribute)?;
        out.push((name, &after[..end]));
        rest = after[end + 1..].trim_start();
    }
    Ok(out)
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Collects one string's outlines as SVG path data.
struct Pen<'a> {
    d: &'a mut String,
    x: f64,
    y: f64,
    scale: f64,
}

impl Pen<'_> {
    fn point(&mut self, x: f32, y: f32) {
        let px = self.x + f64::from(x) * self.scale;
        let py = self.y - f64::from(y) * self.scale;
        push_num(self.d, px);
        self.d.push(' ');
        push_num(self.d, py);
        self.d.push(' ');
    }
}

impl OutlineBuilder for Pen<'_> {
    fn move_to(&mut self, x: f32, y: f32) {
        self.d.push('M');
        self.point(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.d.push('L');
        self.point(x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.d.push('Q');
        self.point(x1, y1);
        self.point(x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.d.push('C');
        self.point(x1, y1);
        self.point(x2, y2);
        self.point(x, y);
    }
    fn close(&mut self) {
        self.d.push('Z');
    }
}

/// A coordinate with at most one decimal (a tenth of a pixel) and no trailing zero,
/// written straight onto `out` (a glyph's outline has dozens; no string of its own).
fn push_num(out: &mut String, v: f64) {
    let start = out.len();
    let _ = write!(out, "{v:.1}");
    let kept = out[start..]
        .trim_end_matches('0')
        .trim_end_matches('.')
        .len();
    out.truncate(start + kept);
    if &out[start..] == "-0" {
        out.truncate(start);
        out.push('0');
    }
}

/// A length such as `0.76em`, `0.5ex`, `-3` or `12px`, in pixels.
fn length(s: &str, em: f64, ex: f64) -> Result<f64, SvgTextError> {
    let (number, unit) = if let Some(n) = s.strip_suffix("em") {
        (n, em)
    } else if let Some(n) = s.strip_suffix("ex") {
        (n, ex)
    } else {
        (s.strip_suffix("px").unwrap_or(s), 1.0)
    };
    number
        .trim()
        .parse::<f64>()
        .map(|v| v * unit)
        .map_err(|_| SvgTextError::Length(s.to_string()))
}

fn path(
    out: &mut String,
    faces: &Faces,
    attrs: &[(&str, &str)],
    escaped: &str,
) -> Result<(), SvgTextError> {
    let get = |k: &str| attrs.iter().find(|(n, _)| *n == k).map(|(_, v)| *v);
    let number = |k: &str| -> Result<f64, SvgTextError> {
        get(k)
            .unwrap_or("0")
            .parse::<f64>()
            .map_err(|_| SvgTextError::Number(k.to_string()))
    };
    let face = if get("font-weight") == Some("bold") {
        &faces.bold
    } else {
        &faces.regular
    };
    let text = unescape(escaped);
    let em = number("font-size")?;
    let per_em = f64::from(face.units_per_em());
    let ex = face
        .x_height()
        .map_or(0.5 * em, |h| f64::from(h) / per_em * em);
    let dy = length(get("dy").unwrap_or("0"), em, ex)?;
    let width = advance(face, &text) * em;
    let x0 = number("x")?
        - match get("text-anchor") {
            Some("end") => width,
            Some("middle") => width / 2.0,
            _ => 0.0,
        };
    let mut d = String::new();
    let mut pen = Pen {
        d: &mut d,
        x: x0,
        y: number("y")? + dy,
        scale: em / per_em,
    };
    let mut prev = None;
    for c in text.chars() {
        let g = face.glyph_index(c).unwrap_or(GlyphId(0));
        if let Some(p) = prev {
            pen.x += kern(face, p, g) * pen.scale;
        }
        face.outline_glyph(g, &mut pen);
        pen.x += f64::from(face.glyph_hor_advance(g).unwrap_or(0)) * pen.scale;
        prev = Some(g);
    }
    let _ = write!(out, "<path aria-label=\"{escaped}\" d=\"{}\"", d.trim_end());
    for key in ["fill", "opacity", "transform"] {
        if let Some(v) = get(key) {
            let _ = write!(out, " {key}=\"{v}\"");
        }
    }
    out.push_str("/>");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The coordinate's text as it was formatted before [`push_num`]: the reference.
    fn num(v: f64) -> String {
        let s = format!("{v:.1}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        if s == "-0" { "0".into() } else { s.into() }
    }

    proptest! {
        /// Written onto the path, a coordinate reads as [`num`] formats it: rounding,
        /// trailing zeros, "-0", and after text already on the path.
        #[test]
        fn a_pushed_coordinate_is_the_formatted_one(
            v in prop_oneof![
                -2000.0f64..2000.0,
                (-200i32..200).prop_map(|k| f64::from(k) / 20.0),
                Just(-0.0),
                Just(-0.04),
                Just(0.05),
                Just(1e21),
                Just(f64::NAN),
                Just(f64::INFINITY),
                Just(f64::NEG_INFINITY),
                Just(f64::MIN_POSITIVE / 2.0),
                any::<f64>(),
            ],
        ) {
            // After text ending in zeros and a point: the trims must stop at the new text.
            let mut out = String::from("M10.");
            push_num(&mut out, v);
            prop_assert_eq!(out, format!("M10.{}", num(v)));
        }
    }

    fn text(anchor: &str, content: &str) -> String {
        format!(
            "<svg><text x=\"100\" y=\"50\" dy=\"0.76em\" text-anchor=\"{anchor}\" font-family=\"DejaVu Sans\" font-size=\"40\" opacity=\"1\" fill=\"#212121\">\n{content}\n</text>\n</svg>"
        )
    }

    /// The x coordinates of every point in a path.
    fn xs(svg: &str) -> Vec<f64> {
        let d = &svg[svg.find(" d=\"").map_or(0, |i| i + 4)..];
        let d = &d[..d.find('"').unwrap_or(0)];
        d.split(|c: char| c.is_ascii_alphabetic())
            .flat_map(|seg| {
                let v: Vec<f64> = seg
                    .split_whitespace()
                    .filter_map(|n| n.parse().ok())
                    .collect();
                v.chunks(2).map(|p| p[0]).collect::<Vec<_>>()
            })
            .collect()
    }

    #[test]
    fn text_becomes_a_labelled_path_without_font_names() {
        let svg = outline(&text("start", "Cost &amp; time")).unwrap();
        assert!(!svg.contains("<text"), "{svg}");
        assert!(!svg.contains("font-family"), "{svg}");
        assert!(svg.contains("aria-label=\"Cost &amp; time\""), "{svg}");
        assert!(svg.contains("fill=\"#212121\""), "{svg}");
        assert!(svg.starts_with("<svg><path") && svg.ends_with("/>\n</svg>"));
    }

    #[test]
    fn anchors_align_the_advance_width() {
        let w = width("Restore", 40.0, false);
        assert!(w > 100.0 && w < 200.0, "{w}");
        let start = xs(&outline(&text("start", "Restore")).unwrap());
        let end = xs(&outline(&text("end", "Restore")).unwrap());
        let middle = xs(&outline(&text("middle", "Restore")).unwrap());
        let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
        let max = |v: &[f64]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        // Ink starts at the pen (R has a small left side bearing) and ends within the advance.
        assert!((min(&start) - 100.0).abs() < 6.0, "{}", min(&start));
        assert!(max(&start) <= 100.0 + w + 0.06);
        assert!((min(&end) - (100.0 - w) - (min(&start) - 100.0)).abs() < 0.11);
        assert!((min(&middle) - (100.0 - w / 2.0) - (min(&start) - 100.0)).abs() < 0.11);
    }

    #[test]
    fn bold_is_wider_and_spaces_have_no_ink() {
        assert!(width("Models", 40.0, true) > width("Models", 40.0, false));
        let svg = outline(&text("start", " ")).unwrap();
        assert!(svg.contains(" d=\"\""), "{svg}");
    }

    #[test]
    fn lengths_in_every_unit() {
        assert_eq!(length("0.5em", 40.0, 20.0).unwrap(), 20.0);
        assert_eq!(length("-0.5ex", 40.0, 20.0).unwrap(), -10.0);
        assert_eq!(length("12px", 40.0, 20.0).unwrap(), 12.0);
        assert_eq!(length("3", 40.0, 20.0).unwrap(), 3.0);
        assert!(length("x", 40.0, 20.0).is_err());
    }
}
