//! Errors in scenario files, each with file, line and column, what was found and what is valid.

use std::fmt;

/// One problem in a scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// 1-based line of the offending value.
    pub line: usize,
    /// 1-based column of the offending value.
    pub column: usize,
    /// What was found and what would be valid.
    pub message: String,
}

/// Every problem found in one scenario file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct ScenarioError {
    /// The file name as the user gave it.
    pub file: String,
    /// The problems, in file order.
    pub problems: Vec<Problem>,
}

impl ScenarioError {
    /// The problems' messages without their places, `; `-separated: for a scenario made by
    /// editing another (a sweep or sensitivity point), whose lines are not the user's.
    pub fn messages(&self) -> String {
        self.problems
            .iter()
            .map(|p| p.message.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}:{}:{}: {}", self.file, p.line, p.column, p.message)?;
        }
        Ok(())
    }
}

/// Something in a scenario file that is valid but probably not what was meant.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    /// The file name as the user gave it.
    pub file: String,
    /// 1-based line of the value it concerns.
    pub line: usize,
    /// 1-based column of the value it concerns.
    pub column: usize,
    /// What was found, why it is questionable and what to check.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: warning: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// Converts byte offsets into 1-based line and column numbers: the line by binary search
/// over precomputed line starts, so locating every problem of a large file stays cheap.
#[derive(Debug)]
pub struct Locator<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> Locator<'a> {
    /// A locator over the scenario's text.
    pub fn new(text: &'a str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self { text, line_starts }
    }

    /// Line and column (1-based, columns in characters) of a byte offset.
    pub fn locate(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let line_start = self.line_starts[line.saturating_sub(1)];
        let column = self.text[line_start..offset].chars().count() + 1;
        (line, column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_count_characters() {
        let l = Locator::new("ab\ncdé\n\nx");
        assert_eq!(l.locate(0), (1, 1));
        assert_eq!(l.locate(2), (1, 3));
        assert_eq!(l.locate(3), (2, 1));
        assert_eq!(l.locate(7), (2, 4)); // after the two-byte é
        assert_eq!(l.locate(8), (3, 1));
        assert_eq!(l.locate(9), (4, 1));
        assert_eq!(l.locate(99), (4, 2));
    }
}
