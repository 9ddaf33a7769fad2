//! "What would have to be true": one sentence per verdict in people's words, with the
//! assumptions that would flip it and where (the break-even, today's value and the 95%
//! interval), from a break-even analysis ([`crate::breakeven`]); the report's section and
//! `verdicts.csv`.

use std::fmt::Write as _;

use crate::breakeven::{Analysis, Flip, Measure, Verdict};
use crate::ledger::{Coord, Entry};

/// Flips named in one sentence; the rest are counted.
const NAMED: usize = 3;

/// The verdict in people's words: "You run it is the cheapest to run".
pub fn claim(v: &Verdict) -> String {
    let (w, l) = (v.winner.name(), v.runner_up.name());
    match (&v.measure, v.pairwise) {
        (Measure::Metric("cost_operating"), false) => format!("{w} is the cheapest to run"),
        (Measure::Metric("cost_total"), false) => format!("{w} costs least in total"),
        (Measure::Metric("mttr_hours"), false) => format!("{w} restores service fastest"),
        (Measure::Metric("cost_operating"), true) => format!("{w} is cheaper to run than {l}"),
        (Measure::Metric("cost_total"), true) => format!("{w} costs less in total than {l}"),
        (Measure::Tier(t), _) => format!(
            "{w} meets the {}% tier's target most often",
            crate::format::trim_pct(100.0 * t)
        ),
        (Measure::Metric(m), false) => format!(
            "{w} is best on {}",
            crate::metric::find(m).map_or(*m, |x| x.label)
        ),
        (Measure::Metric(m), true) => format!(
            "{w} is better than {l} on {}",
            crate::metric::find(m).map_or(*m, |x| x.label)
        ),
    }
}

/// A short title for the verdict's chart.
pub fn short(v: &Verdict) -> String {
    claim(v)
}

/// "standby pay exceeds $24.6/h (now $5/h; interval $24.1–$24.9)".
fn condition(e: &Entry, f: &Flip, currency: &str) -> String {
    let show = |x: f64| e.show(x, currency);
    let (lo, hi) = (
        f.interval.0.min(f.interval.1),
        f.interval.0.max(f.interval.1),
    );
    let interval = if show(lo) == show(hi) {
        String::new()
    } else {
        format!("; interval {}–{}", show(lo), show(hi))
    };
    match e.coord {
        // A threshold that flips the verdict as soon as it moves at all.
        Coord::Value if show(f.at) == show(e.value) => format!(
            "{} moves at all {} its {}",
            e.label,
            if f.upward { "above" } else { "below" },
            show(e.value),
        ),
        // A flip at the very end of the range (as shown): it takes the end itself.
        Coord::Value if show(f.at) == show(end(e, f.upward)) => format!(
            "{} {} {} (now {}), the end of its range",
            e.label,
            if f.upward { "rises to" } else { "falls to" },
            show(end(e, f.upward)),
            show(e.value),
        ),
        Coord::Value => format!(
            "{} {} {} (now {}{interval})",
            e.label,
            if f.upward { "exceeds" } else { "falls below" },
            show(f.at),
            show(e.value),
        ),
        Coord::Factor => format!(
            "{} {} {}× today's{}",
            e.label,
            if f.upward {
                "rises above"
            } else {
                "falls below"
            },
            crate::format::short((f.at * 100.0).round() / 100.0),
            if interval.is_empty() {
                String::new()
            } else {
                format!(" ({})", interval.trim_start_matches("; "))
            }
        ),
    }
}

/// `e`'s plausible range, lowest end first.
fn bounds(e: &Entry) -> (f64, f64) {
    (e.range.0.min(e.range.1), e.range.0.max(e.range.1))
}

/// The end of `e`'s plausible range above today's value (`upward`) or below it.
fn end(e: &Entry, upward: bool) -> f64 {
    let (lo, hi) = bounds(e);
    if upward { hi } else { lo }
}

/// Whether a flip lies inside its parameter's plausible range.
fn inside(e: &Entry, f: &Flip) -> bool {
    let (lo, hi) = bounds(e);
    f.at >= lo - 1e-9 && f.at <= hi + 1e-9
}

/// "a", "a or b", "a, b or c".
fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// One sentence (or two) per verdict.
pub fn sentences(a: &Analysis) -> Vec<String> {
    a.verdicts
        .iter()
        .enumerate()
        .map(|(v, verdict)| {
            let flips = a.flips_of(v);
            let (within, beyond): (Vec<_>, Vec<_>) =
                flips.iter().partition(|(e, f)| inside(e, f));
            let claim = claim(verdict);
            let mut out = if within.is_empty() {
                format!(
                    "{claim} whatever the value of any assumption within its plausible range ({} tested).",
                    a.entries.len()
                )
            } else {
                let named: Vec<String> = within
                    .iter()
                    .take(NAMED)
                    .map(|(e, f)| condition(e, f, &a.currency))
                    .collect();
                let more = within.len().saturating_sub(NAMED);
                let tail = if more > 0 {
                    format!(
                        ", or {more} other assumption{} moves far enough (verdicts.csv)",
                        if more == 1 { "" } else { "s" }
                    )
                } else {
                    String::new()
                };
                // With more flips than named, "no other" would contradict the tail.
                let rest = if more > 0 { "further" } else { "other" };
                format!(
                    "{claim} unless {}{tail}. No {rest} assumption in its range changes it.",
                    or_list(&named)
                )
            };
            if !beyond.is_empty() {
                let named: Vec<String> = beyond
                    .iter()
                    .take(NAMED)
                    .map(|(e, f)| condition(e, f, &a.currency))
                    .collect();
                let _ = write!(
                    out,
                    " Only beyond its plausible range would it flip: if {}.",
                    or_list(&named)
                );
            }
            out
        })
        .collect()
}

/// The report's section, in Markdown.
pub fn markdown(a: &Analysis) -> String {
    let mut out = String::from("## What would have to be true\n\n");
    let _ = writeln!(out, "{}\n", method(a));
    if a.verdicts.is_empty() {
        out.push_str(
            "No model leads clearly on any headline metric, so there is no verdict to flip.\n",
        );
        return out;
    }
    for s in sentences(a) {
        let _ = writeln!(out, "- {s}");
    }
    out
}

/// What was done, in one paragraph.
pub fn method(a: &Analysis) -> String {
    format!(
        "Each assumption the model uses ({} in the ledger: `whoruns assumptions`) was moved across its plausible range on the run's own replications ({} per point; the ends screened on {}). A verdict flips where another model draws level on average; the interval is a 95% bootstrap over the replications. Every verdict against every assumption is in `verdicts.csv`.",
        a.entries.len(),
        a.replications,
        a.screen
    )
}

/// The section in HTML.
pub fn html(a: &Analysis) -> String {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut out = String::from("<h2>What would have to be true</h2>\n");
    let _ = writeln!(out, "<p>{}</p>", esc(&method(a)).replace('`', ""));
    if a.verdicts.is_empty() {
        out.push_str("<p>No model leads clearly on any headline metric, so there is no verdict to flip.</p>\n");
        return out;
    }
    out.push_str("<ul>\n");
    for s in sentences(a) {
        let _ = writeln!(out, "<li>{}</li>", esc(&s));
    }
    out.push_str("</ul>\n");
    out
}

/// The ledger as a terminal table: parameter, origin, value, plausible range, source.
pub fn ledger_table(l: &crate::ledger::Ledger, currency: &str) -> String {
    let rows: Vec<[String; 5]> = l
        .entries
        .iter()
        .map(|e| {
            [
                format!("{} ({})", e.label, e.key),
                e.origin.key().to_string(),
                e.show(e.value, currency),
                format!(
                    "{} to {}{}",
                    e.show(e.range.0, currency),
                    e.show(e.range.1, currency),
                    if e.range_stated { " (stated)" } else { "" }
                ),
                e.origin.note().to_string(),
            ]
        })
        .collect();
    let header = [
        "parameter",
        "origin",
        "value",
        "plausible range",
        "source or reason",
    ];
    let width = |k: usize| {
        rows.iter()
            .map(|r| r[k].chars().count())
            .chain([header[k].len()])
            .max()
            .unwrap_or(0)
    };
    let w: Vec<usize> = (0..4).map(width).collect();
    let line = |cells: [&str; 5]| {
        let mut s = String::new();
        for (k, c) in cells.iter().enumerate().take(4) {
            let pad = w[k].saturating_sub(c.chars().count());
            let _ = write!(s, "{c}{}  ", " ".repeat(pad));
        }
        format!("{s}{}\n", cells[4]).trim_end().to_string() + "\n"
    };
    let mut out = line(header);
    for r in &rows {
        out.push_str(&line([&r[0], &r[1], &r[2], &r[3], &r[4]]));
    }
    for (k, why) in &l.skipped {
        let _ = writeln!(out, "left out: {} ({k}): {why}", crate::parameter::label(k));
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn num(x: f64) -> String {
    if x.is_finite() {
        format!("{}", (x * 1e9).round() / 1e9)
    } else {
        String::new()
    }
}

/// `verdicts.csv`: every verdict against every parameter (a row per flip, or one saying it
/// holds), positions in the parameter's coordinate (`coordinate`: value or factor).
pub fn csv(a: &Analysis) -> String {
    let mut out = String::from(
        "verdict,metric,winner,runner_up,parameter,label,coordinate,current_value,break_even,interval_low,interval_high,range_low,range_high,flips,challenger,origin\n",
    );
    for f in &a.findings {
        let (Some(v), Some(e)) = (a.verdicts.get(f.verdict), a.entries.get(f.entry)) else {
            continue;
        };
        let (at, lo, hi, challenger) = match &f.flip {
            Some(x) => (
                num(x.at),
                num(x.interval.0),
                num(x.interval.1),
                x.challenger.key(),
            ),
            None => (String::new(), String::new(), String::new(), ""),
        };
        let row = [
            v.key.clone(),
            v.measure.name().to_string(),
            v.winner.key().to_string(),
            v.runner_up.key().to_string(),
            e.key.clone(),
            csv_field(&e.label),
            match e.coord {
                Coord::Value => "value".into(),
                Coord::Factor => "factor".into(),
            },
            num(e.value),
            at,
            lo,
            hi,
            num(e.range.0),
            num(e.range.1),
            f.flip.is_some().to_string(),
            challenger.to_string(),
            e.origin.key().to_string(),
        ];
        let _ = writeln!(out, "{}", row.join(","));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::breakeven::Finding;
    use crate::model::ModelKind::*;

    /// A ledger entry of today's baseline: `key` at `value` with `range`.
    fn entry(key: &str, value: f64, range: (f64, f64)) -> Entry {
        let text = "[costs]\nstandby_per_hour = 5.0\n[groups.ops]\nestate_services = 24\nsalary = 95360.0\n[groups.dev]\nsalary = 132270.0\n[[teams]]\nname = \"a\"\n[[services]]\nname = \"s\"\nteam = \"a\"\n".to_string();
        let base = crate::scenario::parse(&text, "t.toml").unwrap();
        let mut e = crate::ledger::ledger(&text, &base)
            .unwrap()
            .entries
            .into_iter()
            .find(|e| e.key == key)
            .unwrap();
        e.value = value;
        e.range = range;
        e
    }

    fn verdict(measure: Measure, pairwise: bool) -> Verdict {
        Verdict {
            key: measure.name().into(),
            measure,
            winner: YouRun,
            runner_up: OpsRun,
            pairwise,
        }
    }

    fn flip(at: f64, interval: (f64, f64), upward: bool) -> Option<Flip> {
        Some(Flip {
            at,
            interval,
            challenger: OpsRun,
            upward,
        })
    }

    fn analysis(findings: Vec<(usize, usize, Option<Flip>)>) -> Analysis {
        Analysis {
            verdicts: vec![
                verdict(Measure::Metric("cost_operating"), false),
                verdict(Measure::Metric("cost_total"), true),
                verdict(Measure::Tier(0.9995), false),
                verdict(Measure::Metric("mttr_hours"), false),
                verdict(Measure::Tier(0.999), false),
            ],
            entries: vec![
                entry("costs.standby_per_hour", 5.0, (0.0, 50.0)),
                entry("groups.ops.estate_services", 24.0, (12.0, 48.0)),
                entry("salaries", 1.0, (0.7, 1.3)),
            ],
            findings: findings
                .into_iter()
                .map(|(verdict, entry, flip)| Finding {
                    verdict,
                    entry,
                    flip,
                })
                .collect(),
            currency: "USD".into(),
            replications: 200,
            screen: 40,
            skipped: Vec::new(),
            effort: Default::default(),
        }
    }

    #[test]
    fn sentences_one_flip_several_none_beyond_the_range_and_at_its_end() {
        let a = analysis(vec![
            // One flip: the cheapest to run, by standby pay.
            (0, 0, flip(24.63, (24.1, 24.9), true)),
            (0, 1, None),
            (0, 2, None),
            // Several: total cost against ops, by pay, estate and salaries.
            (1, 0, flip(12.0, (10.5, 13.2), true)),
            (1, 1, flip(40.4, (37.0, 44.0), true)),
            (1, 2, flip(0.81, (0.78, 0.84), false)),
            // None.
            (2, 0, None),
            (2, 1, None),
            (2, 2, None),
            // Only beyond the range.
            (3, 0, None),
            (3, 1, flip(92.0, (88.0, 97.0), true)),
            (3, 2, None),
            // Only at the very end of a range: standby pay of nothing.
            (4, 0, flip(1e-9, (0.0, 3e-9), false)),
            (4, 1, None),
            (4, 2, None),
        ]);
        insta::assert_snapshot!(sentences(&a).join("\n"));
        insta::assert_snapshot!("verdicts_csv", csv(&a));
    }
}
