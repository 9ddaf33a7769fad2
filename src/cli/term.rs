//! The terminal: how wide it is, whether to colour, and the styles used.

use std::io::IsTerminal as _;

use anstyle::{AnsiColor, Style};

/// `--color`: when to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Color {
    /// When the output is a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always, even into a pipe or file.
    Always,
    /// Never.
    Never,
}

impl Color {
    /// Applies the choice to everything printed through `anstream` from now on
    /// (`auto` leaves the decision to `anstream`, which honours `NO_COLOR`, `CLICOLOR`
    /// and whether the stream is a terminal).
    pub fn apply(self) {
        let choice = match self {
            Color::Auto => anstream::ColorChoice::Auto,
            Color::Always => anstream::ColorChoice::Always,
            Color::Never => anstream::ColorChoice::Never,
        };
        choice.write_global();
    }
}

/// Errors: bold red.
pub const ERROR: Style = AnsiColor::Red.on_default().bold();
/// Warnings: bold yellow.
pub const WARNING: Style = AnsiColor::Yellow.on_default().bold();
/// Headings and header rows: bold.
pub const HEADING: Style = Style::new().bold();
/// Success: green.
pub const GOOD: Style = AnsiColor::Green.on_default();

/// `text` in `style` (the escape codes are stripped by `anstream` where colour is off).
pub fn paint(style: Style, text: impl std::fmt::Display) -> String {
    format!("{style}{text}{style:#}")
}

/// The width to fit printed tables to: `COLUMNS` when set to a number (so a script or a
/// test can ask for a width), else the terminal's when standard output is one, else none
/// (output into a file or pipe is never cut).
pub fn width() -> Option<usize> {
    width_from(
        std::env::var("COLUMNS").ok().as_deref(),
        std::io::stdout().is_terminal(),
        || terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)),
    )
}

/// [`width`] from its inputs.
fn width_from(
    columns: Option<&str>,
    is_terminal: bool,
    terminal: impl Fn() -> Option<usize>,
) -> Option<usize> {
    if let Some(c) = columns.and_then(|c| c.trim().parse::<usize>().ok())
        && c >= 20
    {
        return Some(c);
    }
    if is_terminal { terminal() } else { None }
}

/// A table's text with its header row (the first line after the title lines that is
/// followed by a rule of `─`) in bold.
pub fn bold_header(table: &str) -> String {
    let lines: Vec<&str> = table.lines().collect();
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        let next_is_rule = lines.get(i + 1).is_some_and(|n| n.starts_with('─'));
        if next_is_rule {
            out.push_str(&paint(HEADING, line));
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_wins_then_the_terminal_then_nothing() {
        assert_eq!(width_from(Some("100"), false, || Some(80)), Some(100));
        assert_eq!(width_from(Some("junk"), true, || Some(80)), Some(80));
        assert_eq!(width_from(None, true, || Some(80)), Some(80));
        assert_eq!(width_from(None, false, || Some(80)), None);
        assert_eq!(width_from(Some("5"), false, || Some(80)), None);
    }

    #[test]
    fn the_header_row_alone_is_bold() {
        let t = "title\nmodel  x\n──────\na      1\n";
        let b = bold_header(t);
        assert!(b.starts_with("title\n"));
        assert!(b.contains(&paint(HEADING, "model  x")));
        assert!(b.ends_with("a      1\n"));
    }
}
