//! A plausible range written beside a value: `standby_per_hour = { value = 5, range = [0,
//! 20] }` states the value (5) and the range the ledger, sensitivity and break-even move
//! it over, as `[sensitivity.ranges]` does for a path.
//!
//! Before the scenario is read, every such inline table is *lifted*: its text is replaced
//! by the value's own text, padded with spaces (line breaks kept), so the rest of the
//! reading sees a plain value and every position still points at the user's file. The
//! ranges are returned with their paths (`services.*.x` inside an array of tables) and
//! spans; a malformed one is a problem at its place.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::read::Found;

/// One range stated beside a value.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Ranged {
    /// The dotted path of the value (`*` for every element of an array of tables).
    pub path: String,
    /// Low and high, in the value's unit.
    pub range: (f64, f64),
    /// Where the inline table stands.
    pub span: Range<usize>,
}

/// The text with every ranged value lifted, the ranges, and the problems found.
#[derive(Debug, Clone, Default)]
pub(super) struct Lifted {
    /// The text, same length and line breaks, with plain values.
    pub text: String,
    /// The ranges, in file order.
    pub ranges: Vec<Ranged>,
    /// Malformed ranges.
    pub problems: Vec<Found>,
}

/// Lifts the ranged values of `text`; a text that is not TOML is returned as it is (its
/// syntax error is reported by the reading that follows).
pub(super) fn lift(text: &str) -> Lifted {
    let mut out = Lifted {
        text: text.to_string(),
        ..Lifted::default()
    };
    let Ok(doc) = DeTable::parse(text) else {
        return out;
    };
    let mut found = Vec::new();
    walk(doc.get_ref(), "", text, &mut found, &mut out.problems);
    found.sort_by_key(|f| f.table.start);
    let mut bytes = out.text.into_bytes();
    for f in &found {
        // The value's own text first, then spaces (line breaks kept).
        let raw = text.as_bytes().get(f.value.clone()).unwrap_or_default();
        for (i, b) in bytes[f.table.clone()].iter_mut().enumerate() {
            *b = match raw.get(i) {
                Some(c) => *c,
                None if *b == b'\n' || *b == b'\r' => *b,
                None => b' ',
            };
        }
    }
    // Only ASCII was written over whole UTF-8 sequences of the table's text and a value's
    // own text (itself whole characters), so the text stays UTF-8; should it not, the
    // original is read and the serde reading reports the tables.
    out.text = String::from_utf8(bytes).unwrap_or_else(|_| text.to_string());
    out.ranges = found.into_iter().filter_map(|f| f.ranged).collect();
    out
}

/// A value written as a table: where the table and its value stand, and its range when it
/// is a good one (a value with a bad range is still lifted, so that only the range is
/// reported).
struct Written {
    table: Range<usize>,
    value: Range<usize>,
    ranged: Option<Ranged>,
}

fn walk(
    table: &DeTable<'_>,
    prefix: &str,
    text: &str,
    found: &mut Vec<Written>,
    problems: &mut Vec<Found>,
) {
    for (k, v) in table {
        let path = if prefix.is_empty() {
            k.get_ref().to_string()
        } else {
            format!("{prefix}.{}", k.get_ref())
        };
        match v.get_ref() {
            DeValue::Table(t) if is_ranged(t, text, &v.span()) => {
                let top = path.split('.').next().unwrap_or_default();
                let refusal = if table.keys().any(|k| k.get_ref() == "dist") {
                    Some(format!(
                        "{path}: a range inside a distribution is not read; a distribution moves as a whole, by one factor: state it in [sensitivity.ranges], e.g. \"{prefix}\" = [0.5, 2]"
                    ))
                } else if crate::edit::NOT_PARAMETERS.contains(&top) {
                    Some(format!(
                        "{path}: a run setting, not an assumption, has no plausible range"
                    ))
                } else {
                    None
                };
                if let Some(r) = ranged(t, &path, v.span(), problems) {
                    match refusal {
                        Some(why) => {
                            problems.push((v.span(), why));
                            found.push(Written { ranged: None, ..r });
                        }
                        None => found.push(r),
                    }
                }
            }
            DeValue::Table(t) => walk(t, &path, text, found, problems),
            DeValue::Array(items) => {
                for item in items {
                    if let DeValue::Table(t) = item.get_ref() {
                        walk(t, &format!("{path}.*"), text, found, problems);
                    }
                }
            }
            _ => {}
        }
    }
}

/// An inline table of `value` and `range` and nothing else.
fn is_ranged(t: &DeTable<'_>, text: &str, span: &Range<usize>) -> bool {
    let inline = text
        .get(span.clone())
        .is_some_and(|s| s.trim_start().starts_with('{'));
    let keys: Vec<&str> = t.keys().map(|k| k.get_ref().as_ref()).collect();
    inline && keys.contains(&"value") && keys.iter().all(|k| *k == "value" || *k == "range")
}

/// A number, or the number of a value written with a unit (`"4h"`), and the unit.
fn number(v: &DeValue<'_>) -> Option<(f64, String)> {
    match v {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .ok()
            .map(|n| (n as f64, String::new())),
        DeValue::Float(x) => x.as_str().parse().ok().map(|n| (n, String::new())),
        DeValue::String(s) => crate::edit::scalable(s).map(|(n, u)| (n, u.trim().to_string())),
        _ => None,
    }
}

/// How many hours (or incidents an hour) one of `unit` is, read by `parse`.
fn size<E>(unit: &str, parse: fn(&str) -> Result<f64, E>) -> Option<f64> {
    parse(&format!("1{unit}")).ok().filter(|x| *x > 0.0)
}

/// An end of a range in the value's `unit` (empty: a plain number): a duration or rate may
/// be written in any unit of its kind (`"30m"` beside `"1h"` is 0.5).
fn in_unit(v: &DeValue<'_>, unit: &str) -> Option<f64> {
    let (n, u) = number(v)?;
    if u == unit {
        return Some(n);
    }
    if unit.is_empty() || u.is_empty() {
        return None;
    }
    let DeValue::String(text) = v else {
        return None;
    };
    let duration = crate::units::parse_duration_hours;
    let rate = crate::units::parse_rate_per_hour;
    if let (Some(one), Ok(x)) = (size(unit, duration), duration(text)) {
        return Some(x / one);
    }
    if let (Some(one), Ok(x)) = (size(unit, rate), rate(text)) {
        return Some(x / one);
    }
    None
}

fn ranged(
    t: &DeTable<'_>,
    path: &str,
    span: Range<usize>,
    problems: &mut Vec<Found>,
) -> Option<Written> {
    let get = |key: &str| t.iter().find(|(k, _)| k.get_ref() == key).map(|(_, v)| v);
    let value = get("value")?;
    let Some((v, unit)) = number(value.get_ref()) else {
        problems.push((
            value.span(),
            format!("{path}: the value beside a range must be a number (or a duration or rate written with its unit, e.g. \"4h\")"),
        ));
        return None;
    };
    let lifted = |ranged| Written {
        table: span.clone(),
        value: value.span(),
        ranged,
    };
    let Some(range) = get("range") else {
        problems.push((
            span.clone(),
            format!("{path}: a value written as a table needs its range: {{ value = {}, range = [low, high] }}", crate::format::short(v)),
        ));
        return Some(lifted(None));
    };
    let write = if unit.is_empty() {
        "[low, high] as numbers".to_string()
    } else if size(&unit, crate::units::parse_duration_hours).is_some() {
        "[low, high] as durations, e.g. [\"30m\", \"2h\"],".to_string()
    } else {
        "[low, high] as rates, e.g. [\"1/month\", \"4/month\"],".to_string()
    };
    let ends: Option<Vec<f64>> = match range.get_ref() {
        DeValue::Array(items) if items.len() == 2 => {
            items.iter().map(|i| in_unit(i.get_ref(), &unit)).collect()
        }
        _ => None,
    };
    match ends.as_deref() {
        Some(&[lo, hi]) if lo.is_finite() && hi.is_finite() && lo < hi => {
            if !(lo..=hi).contains(&v) {
                problems.push((
                    range.span(),
                    format!(
                        "{path}: the value {} lies outside its own range [{}, {}]",
                        crate::format::short(v),
                        crate::format::short(lo),
                        crate::format::short(hi)
                    ),
                ));
                return Some(lifted(None));
            }
            Some(lifted(Some(Ranged {
                path: path.to_string(),
                range: (lo, hi),
                span: span.clone(),
            })))
        }
        _ => {
            problems.push((
                range.span(),
                format!("{path}: the range is not a range; write {write} with low < high"),
            ));
            Some(lifted(None))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "[costs]\nstandby_per_hour = { value = 5, range = [0, 20] }\nmin_rota_size = 4\n[[services]]\nname = \"a\"\neffort = { value = \"2h\", range = [\"1h\", \"6h\"] }\n";

    #[test]
    fn a_ranged_value_is_lifted_in_place() {
        let l = lift(TEXT);
        assert!(l.problems.is_empty(), "{:?}", l.problems);
        assert_eq!(l.text.len(), TEXT.len());
        assert_eq!(l.text.lines().count(), TEXT.lines().count());
        assert!(l.text.contains("standby_per_hour = 5 "), "{}", l.text);
        assert!(l.text.contains("effort = \"2h\" "), "{}", l.text);
        let paths: Vec<(&str, (f64, f64))> = l
            .ranges
            .iter()
            .map(|r| (r.path.as_str(), r.range))
            .collect();
        assert_eq!(
            paths,
            [
                ("costs.standby_per_hour", (0.0, 20.0)),
                ("services.*.effort", (1.0, 6.0))
            ]
        );
        assert_eq!(
            &TEXT[l.ranges[0].span.clone()],
            "{ value = 5, range = [0, 20] }"
        );
    }

    #[test]
    fn malformed_ranges_are_problems_where_they_stand() {
        for (bad, says) in [
            ("{ value = 5, range = [20, 0] }", "not a range"),
            ("{ value = 5, range = [0] }", "not a range"),
            ("{ value = 50, range = [0, 20] }", "outside its own range"),
            ("{ value = \"2h\", range = [1, 6] }", "as durations"),
            ("{ value = 5 }", "needs its range"),
            ("{ value = true, range = [0, 1] }", "must be a number"),
        ] {
            let text = format!("[costs]\nstandby_per_hour = {bad}\n");
            let l = lift(&text);
            assert_eq!(l.problems.len(), 1, "{bad}");
            assert!(l.problems[0].1.contains(says), "{bad}: {:?}", l.problems);
            let at = text.find('{').unwrap();
            let span = &l.problems[0].0;
            assert!(
                span.start >= at && span.end <= at + bad.len(),
                "{bad}: {span:?} points outside the table"
            );
            assert!(l.ranges.is_empty());
        }
    }

    #[test]
    fn ranges_inside_distributions_and_on_run_settings_are_refused() {
        let text = "replications = { value = 10, range = [5, 20] }\n[service_defaults]\neffort = { dist = \"lognormal\", median = { value = \"1h\", range = [\"30m\", \"2h\"] }, p90 = \"4h\" }\n";
        let l = lift(text);
        assert!(l.ranges.is_empty());
        assert_eq!(l.problems.len(), 2, "{:?}", l.problems);
        assert!(l.problems.iter().any(|p| p.1.contains("run setting")));
        assert!(
            l.problems
                .iter()
                .any(|p| p.1.contains("inside a distribution")
                    && p.1.contains("\"service_defaults.effort\" = [0.5, 2]"))
        );
        // Lifted all the same, so that only the range is reported.
        assert!(l.text.starts_with("replications = 10 "), "{}", l.text);
    }

    #[test]
    fn a_duration_or_rate_range_may_use_another_unit_of_its_kind() {
        let text = "[x]\na = { value = \"1h\", range = [\"30m\", \"2h\"] }\nb = { value = \"2/week\", range = [\"1/month\", \"3/week\"] }\n";
        let l = lift(text);
        assert!(l.problems.is_empty(), "{:?}", l.problems);
        assert_eq!(l.ranges[0].range, (0.5, 2.0));
        let (lo, hi) = l.ranges[1].range;
        assert!((lo - 12.0 / 52.0).abs() < 0.01 && hi == 3.0, "{lo} {hi}");
    }

    #[test]
    fn other_tables_and_broken_files_are_left_alone() {
        let text =
            "[costs]\nvalue = 3\nrange = [1, 2]\nx = { dist = \"exponential\", mean = \"4h\" }\n";
        assert_eq!(lift(text).text, text);
        assert!(lift(text).ranges.is_empty());
        assert_eq!(lift("not toml = = ").text, "not toml = = ");
    }
}
