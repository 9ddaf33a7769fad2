//! The embedded font (DejaVu Sans, regular and bold): compiled into the binary so that
//! charts need no system fonts, registered with plotters once per process, and read by
//! [`super::svgtext`] to turn SVG text into outlines.

use std::sync::Once;

use plotters::style::FontStyle;

/// The embedded font's family name.
pub const FONT: &str = "DejaVu Sans";
pub(super) static FONT_REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
pub(super) static FONT_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Registers the embedded font with plotters (once per process).
pub fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are a valid TrueType font compiled into the binary; should registration
        // fail anyway, drawing reports FontUnavailable rather than panicking.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, FONT_REGULAR);
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, FONT_BOLD);
    });
}
