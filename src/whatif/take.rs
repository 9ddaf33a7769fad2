//! What the reader takes away: the edited scenario as a file (the original text with each
//! changed value replaced in place and commented with what it was, validated), and a run's
//! result folder as one tar archive.

use std::collections::HashMap;

use toml::Value;

use super::session::{Applied, Change, MODELS};
use crate::edit;
use crate::scenario::{self, ChangeError, Scenario};

/// Why the edited scenario could not be written.
#[derive(Debug, thiserror::Error)]
pub enum TakeError {
    /// The written text did not read back as the scenario run (a defect, never the user's).
    #[error("the edited scenario does not read back: {0}")]
    ReadBack(String),
    /// The run settings could not be recorded.
    #[error(transparent)]
    Record(#[from] ChangeError),
}

/// The edited scenario as a file, with `scenario`'s replications and seed recorded (so
/// that `whoruns run` on it gives the page's numbers): `base` with each changed value
/// replaced where it is stated (comments kept) or added to its table, and a comment saying
/// what it was; when a value has no place in `base`'s layout, `applied.text` with the
/// comments instead. Validated by the scenario's parser.
pub fn scenario_file(
    base: &str,
    file: &str,
    applied: &Applied,
    scenario: &Scenario,
) -> Result<String, TakeError> {
    let header = header(file, &applied.changes, applied.models.is_some());
    let text = in_place(base, applied)
        .filter(|t| reads_as(t, file, applied))
        .or_else(|| Some(commented(&applied.text, applied)).filter(|t| reads_as(t, file, applied)))
        .ok_or_else(|| TakeError::ReadBack("no layout of the edit validates".into()))?;
    let text = if applied.changes.is_empty() && applied.models.is_none() {
        text
    } else {
        format!("{header}{text}")
    };
    let recorded = scenario.record(&text)?;
    scenario::parse(&recorded, file).map_err(|e| TakeError::ReadBack(e.messages()))?;
    Ok(recorded)
}

fn header(file: &str, changes: &[Change], models: bool) -> String {
    let n = changes.len() + usize::from(models);
    format!(
        "# Edited in `whoruns serve` from {file}: {n} {} changed, each commented with what it was.\n",
        if n == 1 { "value" } else { "values" }
    )
}

/// Whether `text` is a valid scenario stating every changed value.
fn reads_as(text: &str, file: &str, applied: &Applied) -> bool {
    let Ok(doc) = edit::parse_table(text) else {
        return false;
    };
    scenario::parse(text, file).is_ok()
        && applied.changes.iter().all(|c| {
            c.was
                .iter()
                .all(|(p, _)| edit::number(&doc, p) == Some(c.now))
        })
}

/// A line's dotted path and where its value is, for `key = value` lines.
struct KeyLine {
    path: String,
    value: std::ops::Range<usize>,
}

/// Each line's key path (when it is a `key = value` line) and each table's header line,
/// by the table's path (`services.3` for the fourth `[[services]]`, `` for the top).
fn layout(text: &str) -> (Vec<Option<KeyLine>>, HashMap<String, usize>) {
    let mut lines = Vec::new();
    let mut headers = HashMap::new();
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut prefix = String::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if let Some(name) = t.strip_prefix("[[").and_then(|r| r.split("]]").next()) {
            let name = name.trim().to_string();
            let k = counts.entry(name.clone()).or_insert(0);
            prefix = format!("{name}.{k}");
            *k += 1;
            headers.insert(prefix.clone(), i);
            lines.push(None);
            continue;
        }
        if let Some(name) = t.strip_prefix('[').and_then(|r| r.split(']').next()) {
            let name = name.trim();
            // A sub-table of the last element of an array of tables.
            prefix = counts
                .iter()
                .find_map(|(array, k)| {
                    name.strip_prefix(array.as_str())
                        .and_then(|rest| rest.strip_prefix('.'))
                        .map(|rest| format!("{array}.{}.{rest}", k - 1))
                })
                .unwrap_or_else(|| name.to_string());
            headers.insert(prefix.clone(), i);
            lines.push(None);
            continue;
        }
        lines.push(key_line(line, &prefix));
    }
    let first_table = headers.values().min().copied().unwrap_or(lines.len());
    headers.insert(String::new(), first_table);
    (lines, headers)
}

fn key_line(line: &str, prefix: &str) -> Option<KeyLine> {
    let eq = line.find('=')?;
    let key = line[..eq].trim();
    if key.is_empty()
        || !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return None;
    }
    let after = &line[eq + 1..];
    let end = after.find('#').unwrap_or(after.len());
    let raw = after[..end].trim();
    raw.replace('_', "").parse::<f64>().ok()?;
    let start = eq + 1 + after.find(raw)?;
    Some(KeyLine {
        path: if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        },
        value: start..start + raw.len(),
    })
}

fn written(now: f64, whole: bool) -> String {
    if whole {
        Value::Integer(now.round() as i64).to_string()
    } else {
        Value::Float(now).to_string()
    }
}

fn was(w: Option<f64>) -> String {
    w.map_or("not stated (the default)".into(), crate::format::short)
}

/// `base` with the changes made where they are stated or in their table; `None` when one
/// has no place (its table is not in the file, or the models line is not a single line).
fn in_place(base: &str, applied: &Applied) -> Option<String> {
    let (keys, headers) = layout(base);
    let mut lines: Vec<String> = base.lines().map(str::to_string).collect();
    let mut inserts: Vec<(usize, String)> = Vec::new();
    for c in &applied.changes {
        let whole = c.was.iter().any(|(p, _)| edit::whole_number(p));
        for (path, old) in &c.was {
            let note = format!("# was {} (whoruns serve: {})", was(*old), c.label);
            let new = written(c.now, whole);
            match keys
                .iter()
                .position(|k| k.as_ref().is_some_and(|k| &k.path == path))
            {
                Some(i) => {
                    let k = keys[i].as_ref()?;
                    let line = &lines[i];
                    let rest = &line[k.value.end..];
                    let comment = rest
                        .find('#')
                        .map(|j| format!("; {}", rest[j + 1..].trim()))
                        .unwrap_or_default();
                    lines[i] = format!("{}{new}  {note}{comment}", &line[..k.value.start]);
                }
                None => {
                    let (table, key) = path.rsplit_once('.').unwrap_or(("", path));
                    let at = *headers.get(table)?;
                    let line = format!("{key} = {new}  {note}");
                    // After a header; before the first header for top-level keys.
                    inserts.push((if table.is_empty() { at } else { at + 1 }, line));
                }
            }
        }
    }
    if let Some((models, reference)) = &applied.models {
        let list = Value::Array(models.iter().map(|m| Value::from(m.key())).collect());
        set_top(
            &mut lines,
            &mut inserts,
            &headers,
            MODELS,
            &list.to_string(),
        )?;
        set_top(
            &mut lines,
            &mut inserts,
            &headers,
            "reference_model",
            &Value::from(reference.key()).to_string(),
        )?;
    }
    inserts.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    for (at, line) in inserts {
        lines.insert(at.min(lines.len()), line);
    }
    let mut out = lines.join("\n");
    out.push('\n');
    Some(out)
}

/// Sets a top-level key written on one line (before the first table), or adds it.
fn set_top(
    lines: &mut [String],
    inserts: &mut Vec<(usize, String)>,
    headers: &HashMap<String, usize>,
    key: &str,
    value: &str,
) -> Option<()> {
    let first_table = lines
        .iter()
        .position(|l| l.trim_start().starts_with('['))
        .unwrap_or(lines.len());
    let found = lines[..first_table].iter().position(|l| {
        l.trim_start()
            .strip_prefix(key)
            .is_some_and(|r| r.trim_start().starts_with('='))
    });
    match found {
        Some(i) => {
            let old = lines[i].split_once('=')?.1.trim().to_string();
            let old = old.split(" #").next().unwrap_or(&old).trim().to_string();
            let word = old.starts_with('"');
            let list = old.starts_with('[') && old.ends_with(']');
            if !(word || list) {
                return None;
            }
            lines[i] = format!("{key} = {value}  # was {old} (whoruns serve)");
        }
        None => {
            let at = headers
                .get("")
                .copied()
                .unwrap_or(first_table)
                .min(first_table);
            inserts.push((
                at,
                format!("{key} = {value}  # was not stated (whoruns serve)"),
            ));
        }
    }
    Some(())
}

/// `text` (as `edit::set` writes it) with each changed line commented.
fn commented(text: &str, applied: &Applied) -> String {
    let (keys, _) = layout(text);
    let mut out = String::new();
    for (line, key) in text.lines().zip(&keys) {
        out.push_str(line);
        if let Some(k) = key
            && let Some((c, old)) = applied.changes.iter().find_map(|c| {
                c.was
                    .iter()
                    .find(|(p, _)| *p == k.path)
                    .map(|(_, o)| (c, o))
            })
        {
            out.push_str(&format!(
                "  # was {} (whoruns serve: {})",
                was(*old),
                c.label
            ));
        }
        if applied.models.is_some()
            && (line.starts_with("models =") || line.starts_with("reference_model ="))
        {
            out.push_str("  # changed in whoruns serve");
        }
        out.push('\n');
    }
    out
}

/// A result folder as an uncompressed POSIX tar (ustar) archive, every file under
/// `folder/`: what `whoruns run` writes, in one download.
pub fn tar(folder: &str, files: &crate::export::Files) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, bytes) in files {
        let path = format!("{folder}/{name}");
        let mut h = [0u8; 512];
        let (prefix, name) = split_path(&path);
        put(&mut h[0..100], name.as_bytes());
        put(&mut h[100..108], b"0000644\0");
        put(&mut h[108..116], b"0000000\0");
        put(&mut h[116..124], b"0000000\0");
        put(
            &mut h[124..136],
            format!("{:011o}\0", bytes.len()).as_bytes(),
        );
        put(&mut h[136..148], b"00000000000\0");
        h[148..156].fill(b' ');
        h[156] = b'0';
        put(&mut h[257..265], b"ustar\x0000");
        put(&mut h[345..500], prefix.as_bytes());
        let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
        put(&mut h[148..156], format!("{sum:06o}\0 ").as_bytes());
        out.extend_from_slice(&h);
        out.extend_from_slice(bytes);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.resize(out.len() + 1024, 0);
    out
}

/// A ustar path: up to 155 bytes of prefix and 100 of name, split at a `/`.
fn split_path(path: &str) -> (&str, &str) {
    if path.len() <= 100 {
        return ("", path);
    }
    match path[..path.len().min(156)].rfind('/') {
        Some(i) if path.len() - i - 1 <= 100 => (&path[..i], &path[i + 1..]),
        _ => ("", &path[path.len() - 100..]),
    }
}

fn put(field: &mut [u8], bytes: &[u8]) {
    let n = bytes.len().min(field.len());
    field[..n].copy_from_slice(&bytes[..n]);
}
