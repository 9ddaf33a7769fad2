//! The first stage of reading a scenario: TOML into its serde image, reporting every
//! unknown key and wrong type at once, in the scenario's own words.
//!
//! serde stops at the first problem. To report them all, each problem's entry is recorded
//! and then blanked out of a working copy of the text (replaced by spaces, so every later
//! position still points at the user's file), and the copy is read again. A key blanked
//! this way is simply absent on the next reading, so its default applies and validation
//! of everything else goes on. Syntax errors are reported as they are: they can only be
//! found on the first reading, since the parser reads the whole document before serde
//! sees any of it.

use std::ops::Range;

use super::file::ScenarioFile;

/// One problem: where, and what, in the user's words.
pub(super) type Found = (Range<usize>, String);

/// At most this many problems are collected by re-reading (a file with more is rarely
/// worth reading further, and each round is a full parse).
const MAX_ROUNDS: usize = 100;

/// Reads `text` into its serde image, collecting problems into `found`. Returns the image
/// when one could be read (with the problem entries left out), or `None`.
pub(super) fn read(text: &str, found: &mut Vec<Found>) -> Option<ScenarioFile> {
    let mut working = text.to_string();
    let mut blanked: Vec<String> = Vec::new();
    for round in 0..MAX_ROUNDS {
        let e = match toml::from_str::<ScenarioFile>(&working) {
            Ok(raw) => return Some(raw),
            Err(e) => e,
        };
        let span = e.span().unwrap_or(0..0);
        let message = e.message().trim().to_string();
        let kind = Kind::of(&message);
        if kind == Kind::Syntax {
            // A syntax error is the file's own on the first reading (report it, and stop:
            // nothing after it can be read reliably); on a later one, our blanking broke
            // the document, and what was found so far stands.
            if round == 0 {
                found.push((span, echo_long(&message)));
            }
            return None;
        }
        if let Kind::Missing(field) = &kind
            && blanked.contains(field)
        {
            // The key was there, with a problem already reported.
            return None;
        }
        found.push((span.clone(), humanise(text, &span, &message, &kind)));
        match blank_entry(&mut working, &span) {
            Some(key) => blanked.push(key),
            None => return None,
        }
    }
    None
}

/// What kind of problem a serde/TOML message describes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// `unknown field `x`, expected one of ...`
    Unknown { key: String, valid: Vec<String> },
    /// `invalid type: <found>, expected <what>`
    Type { found: String, expected: String },
    /// `invalid length ...` (an array where a table is expected, and the like).
    Length,
    /// `missing field `x``
    Missing(String),
    /// `duplicate key`
    Duplicate,
    /// A custom message from a deserializer (kept as it is).
    Other,
    /// A syntax error.
    Syntax,
}

/// The names between backticks in `s`, in order.
fn ticked(s: &str) -> Vec<String> {
    s.split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, t)| t.to_string())
        .collect()
}

impl Kind {
    fn of(message: &str) -> Kind {
        if let Some(rest) = message.strip_prefix("unknown field ") {
            let names = ticked(rest);
            let key = names.first().cloned().unwrap_or_default();
            Kind::Unknown {
                key,
                valid: names.into_iter().skip(1).collect(),
            }
        } else if let Some(rest) = message.strip_prefix("invalid type: ") {
            let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
            Kind::Type {
                found: found.to_string(),
                expected: expected.to_string(),
            }
        } else if message.starts_with("invalid length") {
            Kind::Length
        } else if let Some(rest) = message.strip_prefix("missing field ") {
            Kind::Missing(ticked(rest).into_iter().next().unwrap_or_default())
        } else if message.starts_with("duplicate key") {
            Kind::Duplicate
        } else if message.starts_with("invalid value")
            || message.starts_with("unknown variant")
            || message.starts_with("duplicate field")
        {
            Kind::Other
        } else {
            Kind::Syntax
        }
    }
}

/// Edit distance between two short strings, counting a swap of neighbours as one edit
/// (optimal string alignment), so "medain" is one slip from "median".
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

/// The valid key closest to `key`, when it is close enough to be a slip: within a third
/// of the key's length in edits, or one a prefix of the other.
pub(super) fn did_you_mean<'a>(key: &str, valid: &'a [String]) -> Option<&'a str> {
    let lower = key.to_ascii_lowercase();
    let n = key.chars().count();
    let limit = if n >= 3 { (n / 3).max(1) } else { 0 };
    valid
        .iter()
        .map(|v| (distance(&lower, v), v))
        .filter(|(d, v)| {
            *d <= limit
                || (lower.len() >= 4 && (v.starts_with(&lower) || lower.starts_with(v.as_str())))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, v)| v.as_str())
}

/// Where `span` sits: the table header above it (`[[services]]`, `[costs]`), and when it
/// is inside an inline table, the key that holds it (`effort`).
fn context(text: &str, span: &Range<usize>) -> String {
    let start = span.start.min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let header = text[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| l.split('#').next().unwrap_or(l).trim().to_string());
    let prefix = &text[line_start..start];
    let inline = prefix.contains('{');
    let outer = prefix
        .split('=')
        .next()
        .map(str::trim)
        .filter(|k| inline && !k.is_empty());
    match (header, outer) {
        (Some(h), Some(k)) => format!("`{k}` (in {h})"),
        (None, Some(k)) => format!("`{k}`"),
        (Some(h), None) => h,
        (None, None) => "the top level".into(),
    }
}

/// The key whose value `span` covers, read from the text: the nearest `key =` before it
/// on its line.
fn key_before(text: &str, span: &Range<usize>) -> String {
    let start = span.start.min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..start];
    let Some(eq) = prefix.rfind('=') else {
        return String::new();
    };
    let before = &prefix[..eq];
    let key_start = before.rfind(['{', ',']).map_or(0, |i| i + 1);
    before[key_start..].trim().trim_matches('"').to_string()
}

/// What a text key takes, for keys whose text is not a duration: its valid words or the
/// shape of its value.
fn text_example(key: &str) -> Option<&'static str> {
    Some(match key {
        "queue" => "\"severity\" or \"fifo\"",
        "held_changes" => "\"deferred\" or \"dropped\"",
        "start" => "\"initial\" or \"steady\"",
        "on_conflict" => "\"retire\" or \"keep\"",
        "support" => "\"24/7\", \"extended\" or \"business-hours\"",
        "rota" => "\"team\" or \"domain\"",
        "extended_hours" => "e.g. \"07:00-22:00\"",
        "extended_days" => "e.g. \"mon-sun\"",
        "charging" => "\"pro-rata\" or \"full\"",
        "operational_load_basis" => "\"working-time\" or \"seat-time\"",
        "models" | "reference" => "a model's key, e.g. \"you-run\"",
        "background_incidents" => "a rate, e.g. \"2/month\"",
        "name" | "team" | "domain" | "description" | "currency" => "e.g. \"checkout\"",
        _ => return None,
    })
}

/// The share a quoted percentage such as `"99.95%"` stands for (0.9995), if it is one.
fn percentage(value: &str) -> Option<f64> {
    let v = value.trim().trim_matches('"').trim();
    let number = v.strip_suffix('%')?.trim();
    number
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite() && *x > 0.0 && *x <= 100.0)
        .map(|x| x / 100.0)
}

/// What a serde type name means to someone writing a scenario.
fn in_words(expected: &str) -> &'static str {
    let e = expected.trim();
    if (e.starts_with('i') || e.starts_with('u')) && e.len() <= 5 {
        "a whole number, without quotes (e.g. 4)"
    } else if e.starts_with('f') {
        "a number, without quotes (e.g. 0.25)"
    } else if e == "a boolean" {
        "true or false, without quotes"
    } else if e == "a string" {
        "text in quotes (e.g. \"4h\")"
    } else if e == "a sequence" {
        "a list in square brackets (e.g. [\"a\", \"b\"])"
    } else if e == "a distribution" {
        "a distribution, e.g. { dist = \"lognormal\", median = \"2h\", p90 = \"8h\" }, or a duration such as \"10m\""
    } else {
        "a table of keys, e.g. { name = \"major\", share = 0.5, impact = 1.0 }"
    }
}

/// The longest value echoed back in a message.
const ECHO: usize = 60;

/// `s`, cut to [`ECHO`] characters with a note of its length when longer.
pub(super) fn echo(s: &str) -> String {
    let n = s.chars().count();
    if n <= ECHO {
        s.to_string()
    } else {
        let head: String = s.chars().take(ECHO - 20).collect();
        format!("{head}… ({n} characters)")
    }
}

fn humanise(text: &str, span: &Range<usize>, message: &str, kind: &Kind) -> String {
    match kind {
        Kind::Unknown { key, valid } => {
            let place = context(text, span);
            match did_you_mean(key, valid) {
                Some(m) => format!(
                    "unknown key `{}` in {place}; did you mean `{m}`?",
                    echo(key)
                ),
                None if valid.is_empty() => format!("unknown key `{}` in {place}", echo(key)),
                None => format!(
                    "unknown key `{}` in {place}; valid keys: {}",
                    echo(key),
                    valid.join(", ")
                ),
            }
        }
        Kind::Type { found, expected } => {
            let key = key_before(text, span);
            let value = text.get(span.clone()).unwrap_or(found);
            let found_words = match found.split_whitespace().next().unwrap_or("") {
                "floating" => "a decimal number",
                "integer" => "a whole number",
                "string" => "text",
                "sequence" => "a list",
                "map" => "a table",
                "boolean" => "true or false",
                other => other,
            };
            let should = match text_example(&key) {
                Some(example) if expected.trim() == "a string" => {
                    format!("text in quotes ({example})")
                }
                _ if key.ends_with("availability_target") => {
                    "a number, without quotes (e.g. 0.999 for 99.9%)".to_string()
                }
                _ => in_words(expected).to_string(),
            };
            let meant = percentage(value)
                .filter(|_| key.ends_with("availability_target"))
                .map_or(String::new(), |share| {
                    format!("; did you mean {}?", crate::format::short(share))
                });
            format!(
                "{} = {} should be {should} (found {found_words}){meant}",
                if key.is_empty() { "this value" } else { &key },
                echo(value.trim()),
            )
        }
        Kind::Length => {
            let key = key_before(text, span);
            format!(
                "{} should be {}",
                if key.is_empty() { "this value" } else { &key },
                in_words(
                    if message.contains("DistFile") || message.contains("DistTable") {
                        "a distribution"
                    } else {
                        "a table"
                    }
                )
            )
        }
        Kind::Missing(field) => format!(
            "missing key `{field}` in {}",
            context(text, &(span.end..span.end))
        ),
        Kind::Duplicate if line_of(text, span).trim_start().starts_with('[') => format!(
            "table {} is defined twice; merge the two into one",
            line_of(text, span).trim()
        ),
        Kind::Duplicate => {
            let key = text
                .get(span.clone())
                .map(|k| k.trim().trim_matches('"').to_string())
                .filter(|k| !k.is_empty() && !k.contains('\n'));
            match key {
                Some(k) => format!(
                    "key `{}` is given twice in {}; keep one",
                    echo(&k),
                    context(text, span)
                ),
                None => format!("{message}; keep one of the two"),
            }
        }
        Kind::Other | Kind::Syntax => echo_long(message),
    }
}

/// The whole line holding `span`.
fn line_of<'a>(text: &'a str, span: &Range<usize>) -> &'a str {
    let start = span.start.min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    &text[line_start..line_end]
}

/// A message with any long quoted value cut short.
pub(super) fn echo_long(message: &str) -> String {
    if message.chars().count() <= 300 {
        return message.to_string();
    }
    let parts: Vec<&str> = message.split('"').collect();
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| if i % 2 == 1 { echo(p) } else { p.to_string() })
        .collect::<Vec<_>>()
        .join("\"")
}

/// Blanks the entry (key and value, to the end of the value even across lines) holding
/// `span` in `working`; returns the entry's key, or `None` when there is no entry to blank
/// (a table header, or nothing on the line).
fn blank_entry(working: &mut String, span: &Range<usize>) -> Option<String> {
    let start = span.start.min(working.len());
    let line_start = working[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = working[line_start..]
        .find('\n')
        .map_or(working.len(), |i| line_start + i);
    let line = &working[line_start..line_end];
    if line.trim_start().starts_with('[') || !line.contains('=') {
        return None;
    }
    let key = line
        .split('=')
        .next()
        .map(|k| k.trim().trim_matches('"').to_string())?;
    // The value ends where its brackets close: scan on from the line's start.
    let mut depth = 0i32;
    let mut in_string = false;
    let mut end = working.len();
    let bytes = working.as_bytes();
    let mut i = line_start;
    let mut seen_eq = false;
    while i < bytes.len() {
        let c = bytes[i];
        if in_string {
            if c == b'\\' {
                i += 1;
            } else if c == b'"' {
                in_string = false;
            }
        } else {
            match c {
                b'"' => in_string = true,
                b'=' => seen_eq = true,
                b'[' | b'{' if seen_eq => depth += 1,
                b']' | b'}' if seen_eq => depth -= 1,
                b'#' if depth <= 0 => {
                    // A comment: skip to the end of the line.
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                b'\n' if depth <= 0 => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        i += 1;
    }
    if end <= line_start {
        return None;
    }
    // Spaces for every byte but newlines, so positions and line numbers stay put.
    let blank: String = working[line_start..end]
        .chars()
        .map(|c| {
            if c == '\n' {
                "\n".to_string()
            } else {
                " ".repeat(c.len_utf8())
            }
        })
        .collect();
    working.replace_range(line_start..end, &blank);
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slips_are_matched_and_strangers_are_not() {
        let valid: Vec<String> = ["change_failure_rate", "deploys_per_week", "team", "name"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            did_you_mean("change_failure", &valid),
            Some("change_failure_rate")
        );
        assert_eq!(
            did_you_mean("deploys_per_wek", &valid),
            Some("deploys_per_week")
        );
        assert_eq!(did_you_mean("Team", &valid), Some("team"));
        let dist: Vec<String> = ["mean", "median", "p90"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(did_you_mean("medain", &dist), Some("median"));
        assert_eq!(did_you_mean("colour", &valid), None);
    }

    #[test]
    fn blanking_keeps_positions_and_spans_lines() {
        let mut t = "a = 1\nb = [\n  1,\n  2,\n] # c\nc = 3\n".to_string();
        let before = t.len();
        let at = t.find("b =").unwrap_or(0);
        assert_eq!(blank_entry(&mut t, &(at..at + 1)), Some("b".into()));
        assert_eq!(t.len(), before);
        assert_eq!(t.lines().count(), 6);
        assert!(
            t.contains("a = 1") && t.contains("c = 3") && !t.contains('2'),
            "{t}"
        );
        let mut h = "[costs]\n".to_string();
        assert_eq!(blank_entry(&mut h, &(0..1)), None);
    }

    #[test]
    fn long_values_are_cut() {
        let long = "x".repeat(5000);
        let e = echo(&long);
        assert!(
            e.chars().count() < 70 && e.ends_with("(5000 characters)"),
            "{e}"
        );
    }
}
