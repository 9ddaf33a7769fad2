//! A calibration's scenario fragment joined to an organisation (groups, teams, costs):
//! validated like any scenario file, each problem placed in the file it comes from.

/// Where a problem of the joined scenario is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// In the organisation file.
    Organisation,
    /// In the scenario fragment.
    Fragment,
}

/// One problem of the joined scenario, at its line and column in its own file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Which file.
    pub place: Place,
    /// Line in that file, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// The organisation's text followed by the fragment, if that is a valid scenario; else
/// every problem, placed in the organisation or the fragment.
pub fn join(organisation: &str, fragment: &str) -> Result<String, Vec<Problem>> {
    let mut text = organisation.to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    let org_lines = text.matches('\n').count();
    text.push_str(fragment);
    match crate::scenario::parse(&text, "scenario.toml") {
        Ok(_) => Ok(text),
        Err(e) => Err(e
            .problems
            .iter()
            .map(|p| {
                let (place, line) = if p.line <= org_lines {
                    (Place::Organisation, p.line)
                } else {
                    (Place::Fragment, p.line - org_lines)
                };
                Problem {
                    place,
                    line,
                    column: p.column,
                    message: p.message.clone(),
                }
            })
            .collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_are_placed_in_their_own_file() {
        let org = "[[teams]]\nname = \"a\"";
        let good = "[[services]]\nname = \"s\"\nteam = \"a\"\n";
        let joined = join(org, good).unwrap();
        assert!(joined.starts_with("[[teams]]\nname = \"a\"\n[[services]]"));
        let bad = "[[services]]\nname = \"s\"\nteam = \"b\"\n";
        let problems = join(org, bad).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            (problems[0].place.clone(), problems[0].line),
            (Place::Fragment, 3)
        );
    }
}
