//! A shard's part of a break-even analysis, as text: the verdicts it tested (every shard
//! finds the same, from the same base run) and its findings, each against an entry of the
//! whole ledger. Numbers are written in Rust's shortest round-trip form, so a merged
//! analysis is bit-identical to the whole one.

use std::ops::Range;

use super::{Analysis, Finding, Flip, Measure, Plan, Verdict, verdict};
use crate::model::ModelKind;

/// The verdicts' file in a part.
pub const VERDICTS: &str = "breakeven-verdicts.csv";

/// The findings' file in a part.
pub const FINDINGS: &str = "breakeven-findings.csv";

const VERDICT_HEADER: &str = "verdict,key,metric,tier_target,winner,runner_up,pairwise";
const FINDING_HEADER: &str =
    "verdict,entry,entry_key,flips,break_even,interval_low,interval_high,challenger,upward";

/// The two files of the part holding `a`, the analysis of the ledger's entries `todo`.
pub fn write(a: &Analysis, todo: &Range<usize>) -> [(&'static str, String); 2] {
    let mut v = format!("{VERDICT_HEADER}\n");
    for (i, d) in a.verdicts.iter().enumerate() {
        let (metric, target) = match d.measure {
            Measure::Metric(m) => (m, String::new()),
            Measure::Tier(t) => ("met_share_tier", format!("{t:?}")),
        };
        v.push_str(&format!(
            "{i},{},{metric},{target},{},{},{}\n",
            d.key,
            d.winner.key(),
            d.runner_up.key(),
            d.pairwise
        ));
    }
    let mut f = format!("{FINDING_HEADER}\n");
    for x in &a.findings {
        let entry = todo.start + x.entry;
        // Ledger keys are dotted paths and lever names: no commas.
        let key = a.entries.get(x.entry).map_or("", |e| e.key.as_str());
        match &x.flip {
            None => f.push_str(&format!("{},{entry},{key},false,,,,,\n", x.verdict)),
            Some(p) => f.push_str(&format!(
                "{},{entry},{key},true,{:?},{:?},{:?},{},{}\n",
                x.verdict,
                p.at,
                p.interval.0,
                p.interval.1,
                p.challenger.key(),
                p.upward
            )),
        }
    }
    [(VERDICTS, v), (FINDINGS, f)]
}

/// A part that cannot be read back.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}, line {line}: {reason}")]
pub struct PartError {
    /// The file.
    pub file: &'static str,
    /// The line (from 1).
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

fn rows<'a>(
    text: &'a str,
    file: &'static str,
    header: &str,
    width: usize,
) -> Result<Vec<(usize, Vec<&'a str>)>, PartError> {
    let bad = |line: usize, reason: String| PartError { file, line, reason };
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, h)) if h == header => {}
        _ => return Err(bad(1, format!("the header is not \"{header}\""))),
    }
    lines
        .filter(|(_, l)| !l.is_empty())
        .map(|(i, l)| {
            let cells: Vec<&str> = l.split(',').collect();
            if cells.len() == width {
                Ok((i + 1, cells))
            } else {
                Err(bad(
                    i + 1,
                    format!("{} fields where {width} belong", cells.len()),
                ))
            }
        })
        .collect()
}

fn number<T: std::str::FromStr>(
    s: &str,
    file: &'static str,
    line: usize,
    what: &str,
) -> Result<T, PartError> {
    s.parse().map_err(|_| PartError {
        file,
        line,
        reason: format!("{what} {s:?} is not a number"),
    })
}

fn model(s: &str, file: &'static str, line: usize) -> Result<ModelKind, PartError> {
    s.parse::<ModelKind>().map_err(|e| PartError {
        file,
        line,
        reason: e.to_string(),
    })
}

/// The verdicts of a part.
pub fn read_verdicts(text: &str) -> Result<Vec<Verdict>, PartError> {
    let file = VERDICTS;
    rows(text, file, VERDICT_HEADER, 7)?
        .into_iter()
        .map(|(line, c)| {
            let measure = if c[2] == "met_share_tier" {
                Measure::Tier(number(c[3], file, line, "the tier's target")?)
            } else {
                let known = verdict::BEST_ON.iter().chain(&verdict::PAIRED_ON);
                Measure::Metric(known.copied().find(|m| *m == c[2]).ok_or(PartError {
                    file,
                    line,
                    reason: format!("{:?} is not a verdict's metric", c[2]),
                })?)
            };
            Ok(Verdict {
                key: c[1].to_string(),
                measure,
                winner: model(c[4], file, line)?,
                runner_up: model(c[5], file, line)?,
                pairwise: c[6] == "true",
            })
        })
        .collect()
}

/// The analysis of one part, whose entries are `todo` of `plan`'s ledger: its `verdicts`
/// (read by [`read_verdicts`]) and the findings in `text`.
pub fn read(
    plan: &Plan,
    verdicts: Vec<Verdict>,
    text: &str,
    todo: Range<usize>,
) -> Result<Analysis, PartError> {
    let file = FINDINGS;
    let mut findings = Vec::new();
    for (line, c) in rows(text, file, FINDING_HEADER, 9)? {
        let v: usize = number(c[0], file, line, "the verdict")?;
        let entry: usize = number(c[1], file, line, "the entry")?;
        if v >= verdicts.len() || !todo.contains(&entry) {
            return Err(PartError {
                file,
                line,
                reason: format!(
                    "verdict {v} or entry {entry} is not in this part (entries {}..{})",
                    todo.start, todo.end
                ),
            });
        }
        // The ledger rebuilt from the scenario must be the one searched.
        let expected = plan
            .ledger
            .entries
            .get(entry)
            .map_or("", |e| e.key.as_str());
        if c[2] != expected {
            return Err(PartError {
                file,
                line,
                reason: format!(
                    "entry {entry} is {:?} here but {expected:?} in this whoruns's ledger of the scenario (written by another version?)",
                    c[2]
                ),
            });
        }
        let flip = match c[3] {
            "false" => None,
            _ => Some(Flip {
                at: number(c[4], file, line, "the break-even")?,
                interval: (
                    number(c[5], file, line, "the interval's low end")?,
                    number(c[6], file, line, "the interval's high end")?,
                ),
                challenger: model(c[7], file, line)?,
                upward: c[8] == "true",
            }),
        };
        findings.push(Finding {
            verdict: v,
            entry: entry - todo.start,
            flip,
        });
    }
    Ok(Analysis {
        verdicts,
        entries: plan.ledger.entries.get(todo).unwrap_or_default().to_vec(),
        findings,
        currency: plan.base.costs.currency.clone(),
        replications: plan.base.replications,
        screen: plan.screen,
        skipped: plan.ledger.skipped.clone(),
        effort: super::Effort::default(),
    })
}
