//! One editor of a scenario's TOML by dotted path, for sweeps (set a key to a value) and
//! sensitivity analyses (move a stated value). A path names keys as validation errors do
//! (`costs.standby_per_hour`, `groups.ops.estate_services`); `*` means every element of an
//! array of tables (`services.*.availability_target`). Whether a key must be a whole
//! number is known from the scenario file's schema ([`whole_number`]), never guessed from
//! an error message.

use toml::{Table, Value};

use crate::units::{parse_duration_hours, parse_rate_per_hour};

/// Keys whose values the scenario file's schema reads as whole numbers (the `i64` fields
/// of `scenario/file.rs`; a test checks the two agree). `*` matches any one part.
pub const WHOLE_NUMBER_KEYS: [&str; 14] = [
    "replications",
    "seed",
    "response.concurrent_oncall",
    "groups.*.concurrent_oncall",
    "groups.*.headcount",
    "groups.*.estate_services",
    "sre_run.handback_after_quarters",
    "sre_run.evidence_quarters",
    "sre_run.readmit_after_quarters",
    "costs.min_rota_size",
    "teams.*.headcount",
    "sweep.steps",
    "knowledge.sync_attendees",
    "you_run_ops_monitors.ops_seats",
];

/// Whether the key at `path` (one dotted path) must be a whole number.
pub fn whole_number(path: &str) -> bool {
    let parts: Vec<&str> = path.trim().split('.').collect();
    WHOLE_NUMBER_KEYS.iter().any(|key| {
        let pattern: Vec<&str> = key.split('.').collect();
        pattern.len() == parts.len() && pattern.iter().zip(&parts).all(|(p, q)| *p == "*" || p == q)
    })
}

/// An edit that cannot be made, and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EditError {
    /// The text is not TOML.
    #[error("the scenario is not valid TOML: {message}")]
    NotToml {
        /// The parser's message.
        message: String,
    },
    /// Setting a key that holds something other than a number.
    #[error("{path} holds {old} in the scenario, not a number; a sweep varies numeric keys")]
    NotANumber {
        /// The path.
        path: String,
        /// What it holds, as TOML.
        old: String,
    },
    /// `*` after a key that is not an array of tables.
    #[error("{path}: {key} is not an array of tables")]
    NotAnArrayOfTables {
        /// The path.
        path: String,
        /// The key before the `*`.
        key: String,
    },
    /// A path that continues past a value.
    #[error("{path}: {key} is not a table, so it has no key {rest}")]
    NotATable {
        /// The path.
        path: String,
        /// The key that holds a value.
        key: String,
        /// The rest of the path.
        rest: String,
    },
    /// A path through an empty array of tables.
    #[error("{path}: no such key to vary (the array it names is empty)")]
    Empty {
        /// The path.
        path: String,
    },
    /// Moving a value the scenario does not state (or that is not a number).
    #[error("{path}: not a numeric value stated in the scenario")]
    NotStated {
        /// The path.
        path: String,
    },
    /// The edited table could not be written back as TOML.
    #[error("{path}: {message}")]
    Write {
        /// The path.
        path: String,
        /// The writer's message.
        message: String,
    },
}

/// The scenario's text as a table, a value written with its range (`{ value = 5, range =
/// [0, 20] }`) read as the value: edits move values, and the range is the scenario's
/// (`Scenario::sensitivity`), read when it was parsed.
fn read(text: &str) -> Result<Table, EditError> {
    let mut doc: Table = toml::from_str(text).map_err(|e| EditError::NotToml {
        message: e.message().to_string(),
    })?;
    unrange(&mut doc);
    Ok(doc)
}

fn unrange(table: &mut Table) {
    for (_, v) in table.iter_mut() {
        unrange_value(v);
    }
}

fn unrange_value(v: &mut Value) {
    match v {
        Value::Table(t)
            if t.contains_key("value") && t.keys().all(|k| k == "value" || k == "range") =>
        {
            if let Some(inner) = t.remove("value") {
                *v = inner;
            }
        }
        Value::Table(t) => unrange(t),
        Value::Array(items) => items.iter_mut().for_each(unrange_value),
        _ => {}
    }
}

fn write(doc: &Table, path: &str) -> Result<String, EditError> {
    toml::to_string(doc).map_err(|e| EditError::Write {
        path: path.to_string(),
        message: e.to_string(),
    })
}

/// Sets every key of `path` (several dotted paths may be separated by commas) to `value`,
/// creating tables as needed; `*` applies to every element of an array of tables. When
/// any of the keys is a whole number ([`whole_number`]), every key gets the value rounded,
/// so that they move together and [`applied`] is the value each of them holds.
pub fn set(text: &str, path: &str, value: f64) -> Result<String, EditError> {
    let mut doc = read(text)?;
    let v = if path.split(',').any(whole_number) {
        Value::Integer(value.round() as i64)
    } else {
        Value::Float(value)
    };
    for one in path.split(',').map(str::trim) {
        let parts: Vec<&str> = one.split('.').collect();
        let mut leaf = |t: &mut Table, key: &str| -> Result<usize, EditError> {
            if let Some(old) = t.get(key)
                && !matches!(old, Value::Integer(_) | Value::Float(_))
            {
                return Err(EditError::NotANumber {
                    path: one.to_string(),
                    old: old.to_string(),
                });
            }
            t.insert(key.to_string(), v.clone());
            Ok(1)
        };
        if walk(&mut doc, &parts, one, &mut leaf, true)? == 0 {
            return Err(EditError::Empty {
                path: one.to_string(),
            });
        }
    }
    write(&doc, path)
}

/// The number the scenario states at `path` (one dotted path, `*` reading the first
/// element, an index reading that element): `None` when the key is absent or not a number.
/// Durations and rates are not numbers here.
pub fn number(doc: &Table, path: &str) -> Option<f64> {
    let parts: Vec<&str> = path.trim().split('.').collect();
    let (last, tables) = parts.split_last()?;
    number_in(doc, tables, last)
}

fn number_in(table: &Table, rest: &[&str], last: &str) -> Option<f64> {
    if let Some((first, more)) = rest.split_first() {
        let next = table.get(*first)?;
        return match next {
            Value::Table(t) => number_in(t, more, last),
            Value::Array(items) => {
                let (index, more) = more.split_first()?;
                let i = if *index == "*" {
                    0
                } else {
                    index.parse().ok()?
                };
                match items.get(i)? {
                    Value::Table(t) => number_in(t, more, last),
                    _ => None,
                }
            }
            _ => None,
        };
    }
    match table.get(last)? {
        Value::Integer(i) => Some(*i as f64),
        Value::Float(x) => Some(*x),
        _ => None,
    }
}

/// The scenario's text as a table, for [`number`].
pub fn parse_table(text: &str) -> Result<Table, EditError> {
    read(text)
}

/// Sets top-level `key` to `value` (any TOML value: the models compared, the reference
/// model), keeping every other key.
pub fn set_value(text: &str, key: &str, value: Value) -> Result<String, EditError> {
    let mut doc = read(text)?;
    doc.insert(key.to_string(), value);
    write(&doc, key)
}

/// The value the keys of `path` hold when set to `value` by [`set`]: rounded when any of
/// them is a whole number.
pub fn applied(path: &str, value: f64) -> f64 {
    if path.split(',').any(whole_number) {
        value.round()
    } else {
        value
    }
}

/// Applies `f` to the value(s) the scenario states at `path` (one dotted path): floats
/// directly, integers rounded (and kept at least 1 when they were positive), durations and
/// rates written with a unit (`"4h"`, `"2/week"`) by their number.
pub fn transform(text: &str, path: &str, f: &dyn Fn(f64) -> f64) -> Result<String, EditError> {
    let mut doc = read(text)?;
    let parts: Vec<&str> = path.split('.').collect();
    let mut leaf = |t: &mut Table, key: &str| -> Result<usize, EditError> {
        let Some(v) = t.get_mut(key) else {
            return Ok(0);
        };
        Ok(match v {
            Value::Float(x) => {
                *x = f(*x);
                1
            }
            Value::Integer(i) => {
                let was = *i;
                *i = f(was as f64).round() as i64;
                if was > 0 && *i < 1 {
                    *i = 1;
                }
                1
            }
            Value::String(s) => match scalable(s) {
                Some((n, unit)) => {
                    let scaled = format!("{}", (f(n) * 1e6).round() / 1e6);
                    *s = format!("{scaled}{unit}");
                    1
                }
                None => 0,
            },
            _ => 0,
        })
    };
    if walk(&mut doc, &parts, path, &mut leaf, false)? == 0 {
        return Err(EditError::NotStated {
            path: path.to_string(),
        });
    }
    write(&doc, path)
}

/// Top-level keys that are run settings, not assumptions about the organisation.
pub const NOT_PARAMETERS: [&str; 9] = [
    "sensitivity",
    "seed",
    "replications",
    "horizon",
    "warmup",
    "sweep",
    "name",
    "description",
    "models",
];

/// Every numeric value's dotted path in the scenario's TOML (numbers, and durations and
/// rates written with a unit), in file order of tables, `*` standing for every element of
/// an array of tables; run settings ([`NOT_PARAMETERS`]) left out.
pub fn numbers(text: &str) -> Result<Vec<String>, EditError> {
    let doc = read(text)?;
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    numbers_in(&doc, "", &mut out, &mut seen, true);
    Ok(out)
}

fn numbers_in(
    table: &Table,
    prefix: &str,
    out: &mut Vec<String>,
    seen: &mut std::collections::BTreeSet<String>,
    top: bool,
) {
    for (k, v) in table {
        if top && NOT_PARAMETERS.contains(&k.as_str()) {
            continue;
        }
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        let mut push = |p: String| {
            if seen.insert(p.clone()) {
                out.push(p);
            }
        };
        match v {
            Value::Integer(_) | Value::Float(_) => push(path),
            Value::String(s) if scalable(s).is_some() => push(path),
            Value::Table(t) => numbers_in(t, &path, out, seen, false),
            Value::Array(items) if items.iter().all(Value::is_table) => {
                for item in items {
                    if let Value::Table(t) = item {
                        numbers_in(t, &format!("{path}.*"), out, seen, false);
                    }
                }
            }
            _ => {}
        }
    }
}

/// One value the scenario states at a path: its number and the unit it is written with
/// (`"h"` for `"4h"`, empty for a plain number).
#[derive(Debug, Clone, PartialEq)]
pub struct Stated {
    /// The number.
    pub value: f64,
    /// The unit written after it, if any.
    pub suffix: String,
}

/// Every value the scenario states at `path` (one dotted path, `*` over arrays of
/// tables), in file order; empty when it states none.
pub fn stated(text: &str, path: &str) -> Result<Vec<Stated>, EditError> {
    let mut doc = read(text)?;
    let parts: Vec<&str> = path.split('.').collect();
    let mut found = Vec::new();
    let mut leaf = |t: &mut Table, key: &str| -> Result<usize, EditError> {
        match t.get(key) {
            Some(Value::Float(x)) => found.push(Stated {
                value: *x,
                suffix: String::new(),
            }),
            Some(Value::Integer(i)) => found.push(Stated {
                value: *i as f64,
                suffix: String::new(),
            }),
            Some(Value::String(s)) => {
                if let Some((n, unit)) = scalable(s) {
                    found.push(Stated {
                        value: n,
                        suffix: unit.to_string(),
                    });
                }
            }
            _ => {}
        }
        Ok(0)
    };
    walk(&mut doc, &parts, path, &mut leaf, false)?;
    Ok(found)
}

/// Whether the table at `path` (one dotted path, the first element of an array for `*`)
/// is a distribution, written with a `dist` key.
pub fn is_distribution(text: &str, path: &str) -> bool {
    let Ok(doc) = read(text) else {
        return false;
    };
    let mut here = Some(&Value::Table(doc));
    for part in path.split('.') {
        here = match (here, part) {
            (Some(Value::Array(items)), "*") => items.first(),
            (Some(Value::Table(t)), key) => t.get(key),
            _ => None,
        };
    }
    matches!(here, Some(Value::Table(t)) if t.contains_key("dist"))
}

/// A string whose single leading number can be scaled: `"4h"`, `"2/week"`, `"0.5/h"`.
pub fn scalable(s: &str) -> Option<(f64, &str)> {
    let t = s.trim();
    let end = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, rest) = t.split_at(end);
    let n: f64 = num.parse().ok()?;
    let rest_ok = !rest.trim().is_empty()
        && !rest.contains(|c: char| c.is_ascii_digit() || c == ':')
        && (parse_duration_hours(t).is_ok() || parse_rate_per_hour(t).is_ok());
    rest_ok.then_some((n, rest))
}

type Leaf<'a> = dyn FnMut(&mut Table, &str) -> Result<usize, EditError> + 'a;

/// Walks `parts` down from `table` and calls `leaf` with the table holding the last key;
/// returns how many keys `leaf` changed. With `create`, missing tables are made and a path
/// through a value is an error; without, such paths change nothing.
fn walk(
    table: &mut Table,
    parts: &[&str],
    path: &str,
    leaf: &mut Leaf<'_>,
    create: bool,
) -> Result<usize, EditError> {
    let Some((first, rest)) = parts.split_first() else {
        return Ok(0);
    };
    if rest.is_empty() {
        return leaf(table, first);
    }
    let entry = if create {
        Some(
            table
                .entry((*first).to_string())
                .or_insert_with(|| Value::Table(Table::new())),
        )
    } else {
        table.get_mut(*first)
    };
    let Some(entry) = entry else {
        return Ok(0);
    };
    match (entry, rest.first()) {
        (Value::Array(items), Some(&"*")) => {
            let mut n = 0;
            for item in items.iter_mut() {
                match item {
                    Value::Table(t) => n += walk(t, &rest[1..], path, leaf, create)?,
                    _ if create => {
                        return Err(EditError::NotAnArrayOfTables {
                            path: path.to_string(),
                            key: (*first).to_string(),
                        });
                    }
                    _ => {}
                }
            }
            Ok(n)
        }
        (Value::Array(items), Some(index)) if index.parse::<usize>().is_ok() => {
            // One element of an array of tables, by its position (`services.3.deploys_per_week`).
            let i = index.parse::<usize>().unwrap_or(usize::MAX);
            match items.get_mut(i) {
                Some(Value::Table(t)) => walk(t, &rest[1..], path, leaf, create),
                _ if create => Err(EditError::NotAnArrayOfTables {
                    path: path.to_string(),
                    key: format!("{first}.{index}"),
                }),
                _ => Ok(0),
            }
        }
        (Value::Table(t), _) => walk(t, rest, path, leaf, create),
        _ if create => Err(EditError::NotATable {
            path: path.to_string(),
            key: (*first).to_string(),
            rest: rest.join("."),
        }),
        _ => Ok(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "[costs]\nstandby_per_hour = 3.0\nmin_rota_size = 6\n[[services]]\nname = \"a\"\neffort = \"2h\"\n[[services]]\nname = \"b\"\navailability_target = 0.99\n";

    #[test]
    fn a_value_written_with_its_range_is_edited_as_the_value() {
        let text = "[costs]\nstandby_per_hour = { value = 5, range = [0, 20] }\n";
        assert_eq!(numbers(text).unwrap(), ["costs.standby_per_hour"]);
        assert_eq!(
            stated(text, "costs.standby_per_hour").unwrap()[0].value,
            5.0
        );
        let t = set(text, "costs.standby_per_hour", 9.0).unwrap();
        assert!(t.contains("standby_per_hour = 9.0"), "{t}");
        let t = transform(text, "costs.standby_per_hour", &|v| v * 2.0).unwrap();
        assert!(t.contains("standby_per_hour = 10"), "{t}");
    }

    #[test]
    fn set_reaches_nested_tables_and_every_array_element() {
        let t = set(TEXT, "services.*.availability_target", 0.999).unwrap();
        assert_eq!(t.matches("availability_target = 0.999").count(), 2, "{t}");
        let t = set(
            TEXT,
            "groups.ops.estate_services, groups.sre.estate_services",
            120.4,
        )
        .unwrap();
        assert_eq!(t.matches("estate_services = 120").count(), 2, "{t}");
        assert!(matches!(
            set("name = \"x\"\n", "name", 1.0),
            Err(EditError::NotANumber { .. })
        ));
        assert!(matches!(
            set(TEXT, "costs.standby_per_hour.x", 1.0),
            Err(EditError::NotATable { .. })
        ));
        assert!(matches!(
            set("teams = []\n", "teams.*.headcount", 1.0),
            Err(EditError::Empty { .. })
        ));
        assert!(matches!(
            set("x = [1, 2]\n", "x.*.y", 1.0),
            Err(EditError::NotAnArrayOfTables { .. })
        ));
        assert!(matches!(
            set("x = [", "x", 1.0),
            Err(EditError::NotToml { .. })
        ));
    }

    #[test]
    fn an_index_names_one_element_and_number_reads_what_is_stated() {
        let t = set(TEXT, "services.1.availability_target", 0.9).unwrap();
        let doc = parse_table(&t).unwrap();
        assert_eq!(number(&doc, "services.1.availability_target"), Some(0.9));
        assert_eq!(number(&doc, "services.0.availability_target"), None);
        assert_eq!(number(&doc, "costs.min_rota_size"), Some(6.0));
        assert_eq!(number(&doc, "services.0.effort"), None, "a duration");
        assert_eq!(number(&doc, "services.7.availability_target"), None);
        assert!(matches!(
            set(TEXT, "services.7.availability_target", 0.9),
            Err(EditError::NotAnArrayOfTables { .. })
        ));
        let t = set_value(TEXT, "models", Value::Array(vec!["you-run".into()])).unwrap();
        assert!(t.contains("models = [\"you-run\"]"), "{t}");
    }

    #[test]
    fn whole_number_keys_come_from_the_schema() {
        assert!(whole_number("groups.ops.estate_services"));
        assert!(whole_number("teams.*.headcount"));
        assert!(!whole_number("groups.ops.salary"));
        assert!(!whole_number("costs.standby_per_hour"));
        assert_eq!(applied("costs.min_rota_size", 5.6), 6.0);
        assert_eq!(applied("costs.standby_per_hour", 5.6), 5.6);
        let t = set(TEXT, "costs.min_rota_size", 4.4).unwrap();
        assert!(t.contains("min_rota_size = 4\n"), "{t}");
    }

    #[test]
    fn the_whole_number_keys_are_the_schemas_integer_fields() {
        let schema = include_str!("scenario/file.rs");
        let integer_fields: Vec<&str> = schema
            .lines()
            .filter(|l| l.contains("S<i64>"))
            .filter_map(|l| l.trim().strip_prefix("pub ")?.split(':').next())
            .collect();
        assert!(integer_fields.len() >= 10, "{integer_fields:?}");
        for f in &integer_fields {
            assert!(
                WHOLE_NUMBER_KEYS
                    .iter()
                    .any(|k| k.rsplit('.').next() == Some(*f)),
                "scenario/file.rs reads {f} as a whole number; add it to WHOLE_NUMBER_KEYS"
            );
        }
        for k in WHOLE_NUMBER_KEYS {
            let leaf = k.rsplit('.').next().unwrap_or(k);
            assert!(
                integer_fields.contains(&leaf),
                "{k} is not an integer field"
            );
        }
    }

    #[test]
    fn transform_moves_stated_values_only() {
        let t = transform(TEXT, "services.*.effort", &|x| x * 1.5).unwrap();
        assert!(t.contains("effort = \"3h\""), "{t}");
        let t = transform(TEXT, "costs.min_rota_size", &|x| x * 0.01).unwrap();
        assert!(t.contains("min_rota_size = 1\n"), "kept at least 1: {t}");
        assert!(matches!(
            transform(TEXT, "costs.missing", &|x| x),
            Err(EditError::NotStated { .. })
        ));
    }
}
