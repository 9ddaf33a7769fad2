//! Rendering a chart to bytes: the canvas size, an SVG document (text as outlines) or PNG
//! bytes, and the error a chart that fails to draw reports.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::report::svgtext;

/// Chart width in pixels (16:9).
pub const WIDTH: u32 = 1920;
/// Chart height in pixels.
pub const HEIGHT: u32 = 1080;

/// A chart failed to draw.
#[derive(Debug, thiserror::Error)]
#[error("could not draw the {chart} chart: {message}")]
pub struct ChartError {
    pub(super) chart: &'static str,
    pub(super) message: String,
}

/// What drawing returns: nothing, or the problem's message.
pub(super) type Drawn = Result<(), String>;

/// A drawing error as its message.
pub(super) fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// Renders a chart drawn by `draw` as an SVG document, text as outlines.
pub(super) fn to_svg(
    chart: &'static str,
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Drawn,
) -> Result<String, ChartError> {
    let fail = |message: String| ChartError { chart, message };
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root).map_err(fail)?;
        root.present().map_err(|e| fail(e.to_string()))?;
    }
    svgtext::outline(&out).map_err(|e| fail(e.to_string()))
}

/// Renders a chart drawn by `draw` as PNG bytes.
pub(super) fn to_png(
    chart: &'static str,
    draw: impl FnOnce(&DrawingArea<BitMapBackend<'_>, Shift>) -> Drawn,
) -> Result<Vec<u8>, ChartError> {
    let fail = |message: String| ChartError { chart, message };
    let mut pixels = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root).map_err(fail)?;
        root.present().map_err(|e| fail(e.to_string()))?;
    }
    encode_png(&pixels).map_err(|e| fail(e.to_string()))
}

/// A canvas's RGB pixels as PNG bytes: fast deflate (the `image` crate's default) after
/// one fixed row filter, Paeth. The crate's default filter, adaptive, filters every row
/// all five ways and keeps the smallest: on the report's charts its PNGs were 6% smaller,
/// and Paeth alone saves 211 M of the 343 M instructions it spent filtering
/// (`whoruns run scenarios/baseline.toml -n 20 --threads 1`: 5,283 M instructions with it,
/// 5,073 M with Paeth; docs/performance.md, session 18). The pixels are the same either
/// way: PNG is lossless.
fn encode_png(pixels: &[u8]) -> image::ImageResult<Vec<u8>> {
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    let mut png = Vec::new();
    image::ImageEncoder::write_image(
        PngEncoder::new_with_quality(&mut png, CompressionType::Fast, FilterType::Paeth),
        pixels,
        WIDTH,
        HEIGHT,
        image::ColorType::Rgb8,
    )?;
    Ok(png)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A canvas with flat fills and a slanted line, as the charts have.
    fn canvas() -> Result<Vec<u8>, Box<dyn std::error::Error>> {
        let mut pixels = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
        {
            let root = BitMapBackend::with_buffer(&mut pixels, (WIDTH, HEIGHT)).into_drawing_area();
            root.fill(&WHITE)?;
            root.draw(&Rectangle::new(
                [(100, 100), (900, 500)],
                RGBColor(31, 119, 180).filled(),
            ))?;
            root.draw(&PathElement::new(
                (0..200)
                    .map(|i| (i * 9, 540 + (i * 37) % 300))
                    .collect::<Vec<_>>(),
                RGBColor(214, 39, 40).stroke_width(3),
            ))?;
            root.present()?;
        }
        // Not a blank canvas: the fill and the line are there.
        assert!(pixels.chunks(3).any(|p| p == [31, 119, 180]));
        assert!(pixels.chunks(3).any(|p| p == [214, 39, 40]));
        Ok(pixels)
    }

    /// The PNG decodes to the very pixels drawn (a filter changes the bytes, never the
    /// image).
    #[test]
    fn the_png_holds_the_pixels_drawn() -> Result<(), Box<dyn std::error::Error>> {
        let pixels = canvas()?;
        let back = image::load_from_memory(&encode_png(&pixels)?)?.to_rgb8();
        assert_eq!(back.dimensions(), (WIDTH, HEIGHT));
        // Not `assert_eq!`: a failure would print two 6 MB vectors.
        assert!(
            back.as_raw() == &pixels,
            "the decoded PNG differs from the canvas"
        );
        Ok(())
    }

    /// Every row is filtered with Paeth (PNG filter type 4), read from the image data's
    /// own bytes: the pixels alone cannot tell, since any lossless encoder gives them back.
    #[test]
    fn every_row_is_paeth_filtered() -> Result<(), Box<dyn std::error::Error>> {
        let png = encode_png(&canvas()?)?;
        // After the 8-byte signature, chunks: length (4 bytes, big-endian), type (4),
        // data, CRC (4). The image data is the IDAT chunks' data, one zlib stream.
        let mut zlib = Vec::new();
        let mut at = 8;
        while at + 8 <= png.len() {
            let len = u32::from_be_bytes(png[at..at + 4].try_into()?) as usize;
            if &png[at + 4..at + 8] == b"IDAT" {
                zlib.extend_from_slice(&png[at + 8..at + 8 + len]);
            }
            at += 12 + len;
        }
        let rows = fdeflate::decompress_to_vec(&zlib).map_err(|e| format!("{e:?}"))?;
        let row = 1 + WIDTH as usize * 3;
        assert_eq!(rows.len(), row * HEIGHT as usize);
        let other = rows.chunks(row).position(|r| r[0] != 4);
        assert_eq!(other, None, "a row not filtered with Paeth");
        Ok(())
    }
}
