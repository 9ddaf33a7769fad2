//! A shard's part of a frontier search, as text: the archives of the islands it ran, one
//! line per assignment in the order the island proposed them — the island, the runners
//! (keys, in the scenario's order of services) and the mean objectives over the search's
//! replications in Rust's shortest round-trip form, so that the archives read back are
//! bit-identical to the ones one machine finds and the merged frontier is too.

use std::ops::Range;

use super::nsga::Candidate;
use super::{Choices, Island};
use crate::model::Runner;

/// The islands' file in a part.
pub const ISLANDS: &str = "frontier-islands.csv";

const HEADER: &str = "island,assignment,cost_operating,cost_unreliability,worst_tier_met_share";

/// The text of the part holding `islands`, searched over `choices`.
pub fn write(islands: &[Island], choices: &Choices) -> String {
    let mut out = format!("{HEADER}\n");
    for island in islands {
        for c in &island.archive {
            let runners: Vec<&str> = choices.runners(&c.genome).iter().map(|r| r.key()).collect();
            let o = &c.objectives;
            // The third objective is stored as the share (it is searched negated).
            let worst = o.get(2).map_or(String::new(), |x| format!("{:?}", -x));
            out.push_str(&format!(
                "{},{},{:?},{:?},{worst}\n",
                island.index,
                runners.join(" "),
                o[0],
                o[1]
            ));
        }
    }
    out
}

/// A part that cannot be read back.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{ISLANDS}, line {line}: {reason}")]
pub struct PartError {
    /// The line (from 1).
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

/// The islands `todo` read from a part's `text`, over `choices`, with `dims` objectives
/// each (2, or 3 with the tier objective). Every island of `todo` is returned, in order,
/// even one the part holds no line of.
pub fn read(
    text: &str,
    choices: &Choices,
    todo: Range<usize>,
    dims: usize,
) -> Result<Vec<Island>, PartError> {
    let bad = |line: usize, reason: String| PartError { line, reason };
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, h)) if h == HEADER => {}
        _ => return Err(bad(1, format!("the header is not \"{HEADER}\""))),
    }
    let mut islands: Vec<Island> = todo
        .clone()
        .map(|index| Island {
            index,
            archive: Vec::new(),
        })
        .collect();
    for (i, l) in lines.filter(|(_, l)| !l.is_empty()) {
        let line = i + 1;
        let cells: Vec<&str> = l.split(',').collect();
        if cells.len() != 5 {
            return Err(bad(line, format!("{} fields where 5 belong", cells.len())));
        }
        let island: usize = cells[0]
            .parse()
            .map_err(|_| bad(line, format!("island {:?} is not a number", cells[0])))?;
        if !todo.contains(&island) {
            return Err(bad(
                line,
                format!(
                    "island {island} is not this part's (islands {}..{})",
                    todo.start, todo.end
                ),
            ));
        }
        let runners: Vec<Runner> = cells[1]
            .split(' ')
            .map(|k| {
                (Runner::ALL.into_iter())
                    .find(|r| r.key() == k)
                    .ok_or_else(|| bad(line, format!("{k:?} is not a runner")))
            })
            .collect::<Result<_, _>>()?;
        let genome = choices.genome(&runners).ok_or_else(|| {
            bad(
                line,
                "the assignment is not one the scenario allows (another scenario's part?)".into(),
            )
        })?;
        let number = |s: &str, what: &str| -> Result<f64, PartError> {
            s.parse()
                .map_err(|_| bad(line, format!("{what} {s:?} is not a number")))
        };
        let mut objectives = vec![
            number(cells[2], "cost_operating")?,
            number(cells[3], "cost_unreliability")?,
        ];
        match (dims, cells[4]) {
            (2, "") => {}
            (3, w) if !w.is_empty() => objectives.push(-number(w, "worst_tier_met_share")?),
            _ => {
                return Err(bad(
                    line,
                    format!(
                        "the part was searched on other objectives than {dims} (the worst tier's share {})",
                        if dims == 3 { "missing" } else { "present" }
                    ),
                ));
            }
        }
        islands[island - todo.start]
            .archive
            .push(Candidate { genome, objectives });
    }
    Ok(islands)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_reads_back_exactly() {
        let choices = Choices {
            per_service: vec![vec![Runner::Owners, Runner::Ops], vec![Runner::Sre]],
        };
        let islands = vec![
            Island {
                index: 2,
                archive: vec![Candidate {
                    genome: vec![1, 0],
                    objectives: vec![0.1 + 0.2, 1e-300, -0.875],
                }],
            },
            Island {
                index: 3,
                archive: Vec::new(),
            },
        ];
        let text = write(&islands, &choices);
        assert_eq!(read(&text, &choices, 2..4, 3), Ok(islands));
        assert!(read(&text, &choices, 0..2, 3).is_err());
        assert!(read(&text, &choices, 2..4, 2).is_err());
        let other = Choices {
            per_service: vec![vec![Runner::Owners], vec![Runner::Sre]],
        };
        assert!(read(&text, &other, 2..4, 3).is_err());
    }
}
