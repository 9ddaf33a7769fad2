//! The assumption ledger: every number the model uses, as the scenario *states* it, as a
//! *sourced* default, or as an *assumption* (a default no public figure backs), each with
//! a plausible range — the scenario's own (`[sensitivity.ranges]`), else the default for
//! its kind of number ([`crate::parameter::Kind::span`], reasons in `docs/model.md` §14) —
//! narrowed, when an end would not validate, to the nearest value that does.
//!
//! Each entry is a lever the break-even search and sensitivity can move: one value (set to
//! a number in its unit), or several moved together by one factor (every service's value
//! at a `*` path, a distribution's durations, a named lever of [`crate::parameter::LEVERS`]).

use crate::edit::{self, EditError};
use crate::parameter::{self, Kind, Span, Unit};
use crate::scenario::{Basis, DEFAULT_LEDGER, Scenario};

/// Where an entry's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The scenario states it.
    Stated,
    /// A default with a published source.
    Sourced(&'static str),
    /// A default no public figure backs, with the reason for the guess.
    Assumption(&'static str),
}

impl Origin {
    /// Its name in `assumptions.csv`: stated, sourced default, assumption.
    pub fn key(self) -> &'static str {
        match self {
            Origin::Stated => "stated",
            Origin::Sourced(_) => "sourced default",
            Origin::Assumption(_) => "assumption",
        }
    }

    /// The source or reason ("" when stated).
    pub fn note(self) -> &'static str {
        match self {
            Origin::Stated => "",
            Origin::Sourced(s) | Origin::Assumption(s) => s,
        }
    }
}

/// How an entry's position is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coord {
    /// The value itself, in its unit.
    Value,
    /// A factor on today's values (1 = as stated).
    Factor,
}

/// One parameter of the ledger.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The dotted path, or a named lever's key.
    pub key: String,
    /// In people's words.
    pub label: String,
    /// The keys it moves.
    pub paths: Vec<String>,
    /// The kind of number.
    pub kind: Kind,
    /// Its unit.
    pub unit: Unit,
    /// The unit the scenario writes it with (`"h"`, `"/month"`), or empty.
    pub suffix: String,
    /// How its position is given.
    pub coord: Coord,
    /// Today's position: the value, or 1 for a factor.
    pub value: f64,
    /// The plausible range, in the same coordinate, low < high.
    pub range: (f64, f64),
    /// Where today's value comes from.
    pub origin: Origin,
    /// Whether the range is the scenario's own.
    pub range_stated: bool,
    /// Whether it is set by [`edit::set`] (a plain number, or a default not in the text).
    set: bool,
}

impl Entry {
    /// The scenario's text with the entry at `x`.
    pub fn apply(&self, text: &str, x: f64) -> Result<String, EditError> {
        let mut out = text.to_string();
        for p in &self.paths {
            out = match (self.coord, self.set) {
                (Coord::Value, true) => edit::set(&out, p, x)?,
                (Coord::Value, false) => edit::transform(&out, p, &|_| x)?,
                (Coord::Factor, _) => edit::transform(&out, p, &|v| v * x)?,
            };
        }
        Ok(out)
    }

    /// A position for a reader: "$24.6/h", "95k EUR a year", "×1.4".
    pub fn show(&self, x: f64, currency: &str) -> String {
        match self.coord {
            Coord::Value if self.whole() => {
                parameter::show(x.round(), self.unit, currency, &self.suffix)
            }
            Coord::Value => parameter::show(x, self.unit, currency, &self.suffix),
            Coord::Factor => format!("×{}", crate::format::short((x * 100.0).round() / 100.0)),
        }
    }

    /// Whether it moves prices only ([`parameter::PRICES`]): its points can be priced on
    /// the run's own outcomes instead of simulated.
    pub fn priced_only(&self) -> bool {
        !self.paths.is_empty() && self.paths.iter().all(|p| parameter::priced(p))
    }

    /// Whether it is a whole number.
    pub fn whole(&self) -> bool {
        self.coord == Coord::Value && self.paths.iter().any(|p| edit::whole_number(p))
    }
}

/// The ledger of a scenario.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    /// Its entries: stated values in file order, named levers, then defaults.
    pub entries: Vec<Entry>,
    /// Parameters left out, with why.
    pub skipped: Vec<(String, String)>,
}

/// Leaves of a distribution table that are durations moved together.
fn distribution_part(text: &str, path: &str) -> Option<String> {
    let (table, _) = path.rsplit_once('.')?;
    edit::is_distribution(text, table).then(|| table.to_string())
}

/// The ledger of `base`, read from `text`.
pub fn ledger(text: &str, base: &Scenario) -> Result<Ledger, EditError> {
    let stated_paths = edit::numbers(text)?;
    let mut out = Ledger::default();
    let mut candidates: Vec<Entry> = Vec::new();
    let mut seen_tables: Vec<String> = Vec::new();
    for path in &stated_paths {
        if parameter::NOT_ASSUMPTIONS.contains(&path.as_str()) {
            continue;
        }
        let values = edit::stated(text, path)?;
        let Some(first) = values.first() else {
            continue;
        };
        if let Some(table) = distribution_part(text, path) {
            // A distribution moves as a whole: its durations by one factor.
            if seen_tables.contains(&table) {
                continue;
            }
            seen_tables.push(table.clone());
            let durations: Vec<String> = stated_paths
                .iter()
                .filter(|p| p.rsplit_once('.').is_some_and(|(t, _)| t == table))
                .filter(|p| {
                    edit::stated(text, p)
                        .is_ok_and(|v| v.first().is_some_and(|s| !s.suffix.is_empty()))
                })
                .cloned()
                .collect();
            if durations.is_empty() {
                continue;
            }
            candidates.push(factor_entry(&table, durations, Kind::Duration, base));
            continue;
        }
        let kind = parameter::kind(path, first.value, !first.suffix.is_empty());
        let stated_range = base
            .sensitivity
            .ranges
            .iter()
            .find(|(p, _, _)| p == path)
            .map(|(_, lo, hi)| (*lo, *hi));
        let all_same = values.iter().all(|v| v.value == first.value);
        if path.contains('*') && stated_range.is_none() && !all_same {
            candidates.push(factor_entry(path, vec![path.clone()], kind, base));
            continue;
        }
        let v = first.value;
        let (range, range_stated) = match stated_range {
            Some(r) => (r, true),
            None => (value_span(kind, v), false),
        };
        candidates.push(Entry {
            key: path.clone(),
            label: parameter::label(path),
            paths: vec![path.clone()],
            kind,
            unit: parameter::unit(path),
            suffix: first.suffix.clone(),
            coord: Coord::Value,
            value: v,
            range,
            origin: Origin::Stated,
            range_stated,
            set: first.suffix.is_empty(),
        });
    }
    for lever in parameter::LEVERS {
        let paths: Vec<String> = stated_paths
            .iter()
            .filter(|p| lever.patterns.iter().any(|q| parameter::matches(q, p)))
            .cloned()
            .collect();
        if paths.len() >= 2 {
            let mut e = factor_entry(lever.key, paths, lever.kind, base);
            e.label = lever.label.to_string();
            candidates.push(e);
        }
    }
    for d in DEFAULT_LEDGER {
        if stated_paths.iter().any(|p| p == d.key) {
            continue;
        }
        let kind = parameter::kind(d.key, d.value, false);
        let stated_range = base
            .sensitivity
            .ranges
            .iter()
            .find(|(p, _, _)| p == d.key)
            .map(|(_, lo, hi)| (*lo, *hi));
        candidates.push(Entry {
            key: d.key.to_string(),
            label: parameter::label(d.key),
            paths: vec![d.key.to_string()],
            kind,
            unit: parameter::unit(d.key),
            suffix: String::new(),
            coord: Coord::Value,
            value: d.value,
            range: stated_range.unwrap_or_else(|| value_span(kind, d.value)),
            origin: match d.basis {
                Basis::Source(s) => Origin::Sourced(s),
                Basis::Assumption(s) => Origin::Assumption(s),
            },
            range_stated: stated_range.is_some(),
            set: true,
        });
    }
    for mut e in candidates {
        match narrowed(text, base, &e) {
            Ok(r) => {
                e.range = r;
                out.entries.push(e);
            }
            Err(why) => out.skipped.push((e.key, why)),
        }
    }
    Ok(out)
}

/// An entry moving `paths` by one factor.
fn factor_entry(key: &str, paths: Vec<String>, kind: Kind, base: &Scenario) -> Entry {
    let stated = base
        .sensitivity
        .ranges
        .iter()
        .find(|(p, _, _)| p == key)
        .map(|(_, lo, hi)| (*lo, *hi));
    let range = stated.unwrap_or(match kind.span() {
        Span::Scale(a, b) => (a, b),
        Span::Absolute(..) | Span::Complement(..) => (0.5, 2.0),
    });
    Entry {
        key: key.to_string(),
        label: parameter::label(key),
        paths,
        kind,
        unit: Unit::Number,
        suffix: String::new(),
        coord: Coord::Factor,
        value: 1.0,
        range,
        origin: Origin::Stated,
        range_stated: stated.is_some(),
        set: false,
    }
}

/// The default range of one value `v` of `kind`, low < high (possibly equal at zero).
fn value_span(kind: Kind, v: f64) -> (f64, f64) {
    let (a, b) = match kind.span() {
        Span::Absolute(lo, hi) => (lo, hi),
        Span::Scale(lo, hi) => (v * lo, v * hi),
        Span::Complement(near, far) => (1.0 - (1.0 - v) * far, 1.0 - (1.0 - v) * near),
    };
    (a.min(b).min(v), a.max(b).max(v))
}

/// Whether the scenario with `e` at `x` validates.
fn valid(text: &str, e: &Entry, x: f64) -> bool {
    e.apply(text, x)
        .ok()
        .is_some_and(|t| crate::scenario::parse(&t, "ledger point").is_ok())
}

/// `e`'s range narrowed, at either end that does not validate, toward today's value until
/// it does (halving the distance, at most 12 times); an error when nothing is left.
fn narrowed(text: &str, _base: &Scenario, e: &Entry) -> Result<(f64, f64), String> {
    let round = |x: f64| if e.whole() { x.round() } else { x };
    let end = |far: f64| -> f64 {
        let mut x = round(far);
        for _ in 0..12 {
            if valid(text, e, x) {
                return x;
            }
            x = round(e.value + (x - e.value) / 2.0);
        }
        e.value
    };
    let (lo, hi) = (end(e.range.0), end(e.range.1));
    if hi - lo <= 1e-12 * e.value.abs().max(1.0) {
        return Err("no plausible value other than today's validates".into());
    }
    Ok((lo, hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "name = \"t\"\nreplications = 3\nmodels = [\"you-run\", \"ops-run\"]\n[costs]\nstandby_per_hour = 5.0\n[groups.dev]\nsalary = 100000.0\n[groups.ops]\nsalary = 90000.0\n[service_defaults]\neffort = { dist = \"lognormal\", median = \"1h\", p90 = \"4h\" }\n[[teams]]\nname = \"a\"\n[[services]]\nname = \"s\"\nteam = \"a\"\ndeploys_per_week = 2.0\n[[services]]\nname = \"u\"\nteam = \"a\"\ndeploys_per_week = 4.0\n";

    fn of(text: &str) -> Ledger {
        let base = crate::scenario::parse(text, "t.toml").unwrap();
        ledger(text, &base).unwrap()
    }

    fn entry<'a>(l: &'a Ledger, key: &str) -> &'a Entry {
        l.entries.iter().find(|e| e.key == key).unwrap()
    }

    #[test]
    fn stated_values_defaults_and_levers() {
        let l = of(TEXT);
        let standby = entry(&l, "costs.standby_per_hour");
        assert_eq!(
            (standby.origin, standby.coord),
            (Origin::Stated, Coord::Value)
        );
        assert_eq!(standby.range, (0.0, 50.0));
        let salary = entry(&l, "groups.ops.salary");
        assert!(
            (salary.range.0 - 63_000.0).abs() < 1e-6 && (salary.range.1 - 117_000.0).abs() < 1e-6
        );
        let all = entry(&l, "salaries");
        assert_eq!((all.coord, all.range), (Coord::Factor, (0.7, 1.3)));
        assert_eq!(all.paths.len(), 2);
        let effort = entry(&l, "service_defaults.effort");
        assert_eq!(effort.paths.len(), 2);
        let deploys = entry(&l, "services.*.deploys_per_week");
        assert_eq!(deploys.coord, Coord::Factor);
        let callout = entry(&l, "costs.callout_per_page");
        assert!(matches!(callout.origin, Origin::Assumption(_)));
        let t = all.apply(TEXT, 1.5).unwrap();
        assert!(
            t.contains("salary = 150000.0") && t.contains("salary = 135000.0"),
            "{t}"
        );
        let t = effort.apply(TEXT, 2.0).unwrap();
        assert!(
            t.contains("median = \"2h\"") && t.contains("p90 = \"8h\""),
            "{t}"
        );
    }

    #[test]
    fn a_stated_range_wins_and_refused_ends_are_narrowed() {
        let text = format!("{TEXT}[sensitivity.ranges]\n\"costs.standby_per_hour\" = [1.0, 9.0]\n");
        let l = of(&text);
        let standby = entry(&l, "costs.standby_per_hour");
        assert_eq!(standby.range, (1.0, 9.0));
        assert!(standby.range_stated);
        // A probability's range is 0 to 1, narrowed where validation refuses an end.
        let p = entry(&l, "response.max_escalation_probability");
        assert!(
            p.range.0 >= 0.0 && p.range.1 <= 1.0 && p.range.1 > 0.8,
            "{:?}",
            p.range
        );
    }
}
