//! Reading scenario files, with the reasons a file cannot be read in the user's words.

use std::fs;
use std::path::Path;

use whoruns::Scenario;

/// Why loading a scenario failed. Every case is the user's input, so the commands exit
/// with status 2 for all of them.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read; the message says why in the user's words.
    #[error("{path}: {reason}")]
    Read {
        /// The path.
        path: String,
        /// Why, e.g. "no such file".
        reason: String,
    },
    /// The scenario is invalid.
    #[error("{0}")]
    Invalid(#[from] whoruns::scenario::ScenarioError),
}

/// The largest scenario file read: far beyond any organisation (20,000 services take a
/// few megabytes), small enough that a wrong file is refused before it is parsed.
const MAX_SCENARIO_BYTES: u64 = 64 << 20;

/// Reads and validates a scenario file, printing its warnings on stderr.
pub fn load_scenario(path: &Path) -> Result<Scenario, LoadError> {
    load_with_text(path).map(|(s, _)| s)
}

/// Reads and validates a scenario file, keeping its text (to record the scenario as run
/// from what was read, not from the file as it may be after a long run), and printing its
/// warnings on stderr.
pub fn load_with_text(path: &Path) -> Result<(Scenario, String), LoadError> {
    let (scenario, text, warnings) = load_silently(path)?;
    for w in &warnings {
        anstream::eprintln!("{}", styled_warning(w));
    }
    Ok((scenario, text))
}

/// A warning line with its `warning:` in the warning style.
pub fn styled_warning(w: &str) -> String {
    match w.split_once("warning:") {
        Some((before, after)) => format!(
            "{before}{}{after}",
            super::term::paint(super::term::WARNING, "warning:")
        ),
        None => w.to_string(),
    }
}

/// Reads and validates a scenario file: the scenario, its text and its warnings (valid
/// but questionable settings, one line each), printing nothing.
pub fn load_silently(path: &Path) -> Result<(Scenario, String, Vec<String>), LoadError> {
    let shown = path.display().to_string();
    let fail = |reason: String| LoadError::Read {
        path: shown.clone(),
        reason,
    };
    let meta = fs::metadata(path).map_err(|e| fail(io_reason(&e)))?;
    if meta.is_dir() {
        return Err(fail(
            "is a folder, not a scenario file (give the path of a .toml file)".into(),
        ));
    }
    if meta.len() > MAX_SCENARIO_BYTES {
        return Err(fail(format!(
            "is {}, too large to be a scenario file (the limit is {})",
            whoruns::guard::bytes(meta.len() as f64),
            whoruns::guard::bytes(MAX_SCENARIO_BYTES as f64)
        )));
    }
    let bytes = fs::read(path).map_err(|e| fail(io_reason(&e)))?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let bytes = e.as_bytes();
            let at = e.utf8_error().valid_up_to();
            let before = &bytes[..at];
            let line = before.iter().filter(|b| **b == b'\n').count() + 1;
            let line_start = before
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&before[line_start..])
                .chars()
                .count()
                + 1;
            return Err(LoadError::Read {
                path: format!("{shown}:{line}:{column}"),
                reason: format!(
                    "the file is not UTF-8 text (byte 0x{:02X}); save it as UTF-8",
                    bytes.get(at).copied().unwrap_or(0)
                ),
            });
        }
    };
    let scenario = whoruns::scenario::parse(&text, &shown)?;
    // Valid but questionable: said, never refused.
    let mut warnings: Vec<String> = scenario.warnings.iter().map(|w| w.to_string()).collect();
    let policies = whoruns::models::policies(&scenario);
    for o in whoruns::models::settling::overloaded(&scenario, &policies) {
        warnings.push(format!("{shown}: warning: {o}."));
    }
    let unsettled = whoruns::models::settling::unsettled(&scenario, &policies);
    if let Some(slowest) = unsettled.first() {
        warnings.push(format!(
            "{shown}: warning: the warm-up ({:.0} days) is too short for a steady start; set `warmup` to at least {}:",
            scenario.warmup_hours / 24.0,
            whoruns::models::settling::days(slowest.needs_hours)
        ));
        for u in &unsettled {
            warnings.push(format!("{shown}: warning:   {}.", u.what));
        }
    }
    Ok((scenario, text, warnings))
}

/// An I/O error in a person's words.
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied: cannot read it".into(),
        _ => format!("cannot read the scenario file: {e}"),
    }
}
