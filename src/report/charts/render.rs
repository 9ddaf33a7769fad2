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
    let mut png = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut png),
        &pixels,
        WIDTH,
        HEIGHT,
        image::ColorType::Rgb8,
    )
    .map_err(|e| fail(e.to_string()))?;
    Ok(png)
}
