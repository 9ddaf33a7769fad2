//! File I/O of the command line: loading scenarios and writing an output folder so that a
//! failed or interrupted run never leaves half-written results.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use whoruns::Scenario;

/// Why loading a scenario failed.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("{path}: cannot read the scenario file")]
    Read {
        /// The path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The scenario is invalid.
    #[error("{0}")]
    Invalid(#[from] whoruns::scenario::ScenarioError),
}

/// Reads and validates a scenario file.
pub fn load_scenario(path: &Path) -> Result<Scenario, LoadError> {
    let text = fs::read_to_string(path).map_err(|source| LoadError::Read {
        path: path.display().to_string(),
        source,
    })?;
    Ok(whoruns::scenario::parse(
        &text,
        &path.display().to_string(),
    )?)
}

/// Files to publish into an output folder, as (name, bytes).
pub type Files = Vec<(String, Vec<u8>)>;

/// Marker file that identifies a folder as whoruns output.
const MARKER: &str = "replications.csv";

/// Publishes `files` as the folder `dir`: everything is written to a staging folder beside
/// it first and swapped in by rename, so readers see the old results or the new, never a mix.
/// An existing result folder is replaced only when `force` is set.
pub fn publish(dir: &Path, files: &Files, force: bool) -> anyhow::Result<()> {
    check_writable(dir, force)?;
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "output".into());
    let pid = std::process::id();
    let staging = parent.join(format!(".{name}.partial-{pid}"));
    let _ = fs::remove_dir_all(&staging);
    let result = (|| -> anyhow::Result<()> {
        for (file, bytes) in files {
            let path = staging.join(file);
            if let Some(p) = path.parent() {
                fs::create_dir_all(p).with_context(|| format!("cannot create {}", p.display()))?;
            }
            fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
        }
        Ok(())
    })();
    if let Err(e) = result {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    if dir.exists() {
        let old = parent.join(format!(".{name}.old-{pid}"));
        fs::rename(dir, &old)
            .with_context(|| format!("cannot move the old {} aside", dir.display()))?;
        if let Err(e) = fs::rename(&staging, dir) {
            let _ = fs::rename(&old, dir);
            return Err(e).with_context(|| format!("cannot move results into {}", dir.display()));
        }
        let _ = fs::remove_dir_all(&old);
    } else {
        fs::rename(&staging, dir)
            .with_context(|| format!("cannot move results into {}", dir.display()))?;
    }
    Ok(())
}

/// Refuses, before any work is done, to write where results would be lost: over a file,
/// into a folder that holds something else, or over results without `force`.
pub fn check_writable(dir: &Path, force: bool) -> anyhow::Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    if !dir.is_dir() {
        bail!("{} exists and is not a folder", dir.display());
    }
    let has_results = dir.join(MARKER).exists();
    if has_results && !force {
        bail!(
            "{} already holds results; pass --force to replace them, or --out to write elsewhere",
            dir.display()
        );
    }
    let empty = fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .next()
        .is_none();
    if !has_results && !empty {
        bail!(
            "{} is not empty and does not look like a whoruns output folder; choose another --out",
            dir.display()
        );
    }
    Ok(())
}

/// The scenario as run: the original text with `name`, `replications` and `seed` set to
/// the values used, so that the saved copy reproduces the results and `whoruns report`
/// finds the same scenario. Comments and layout are kept.
pub fn scenario_record(path: &Path, scenario: &Scenario) -> anyhow::Result<String> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot re-read {}", path.display()))?;
    let set = [
        ("name", format!("{:?}", scenario.name)),
        ("replications", scenario.replications.to_string()),
        ("seed", scenario.seed.to_string()),
    ];
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let header = lines
        .iter()
        .position(|l| l.trim_start().starts_with('['))
        .unwrap_or(lines.len());
    let mut missing = Vec::new();
    for (key, value) in &set {
        let found = lines[..header].iter().position(|l| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        });
        match found {
            Some(i) => lines[i] = format!("{key} = {value}"),
            None => missing.push(format!("{key} = {value}")),
        }
    }
    let first_code = lines[..header]
        .iter()
        .position(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .unwrap_or(header);
    for (offset, line) in missing.into_iter().enumerate() {
        lines.insert(first_code + offset, line);
    }
    let record = lines.join("\n") + "\n";
    // Keep the edit only if it parses to the same scenario settings.
    match whoruns::scenario::parse(&record, "scenario.toml") {
        Ok(s)
            if s.name == scenario.name
                && s.replications == scenario.replications
                && s.seed == scenario.seed =>
        {
            Ok(record)
        }
        _ => bail!(
            "cannot record the scenario as run (edit of {} failed)",
            path.display()
        ),
    }
}

/// Replaces `files` inside the existing folder `dir`, each written to a temporary file and
/// renamed into place, so none is ever half-written.
pub fn replace_files(dir: &Path, files: &Files) -> anyhow::Result<()> {
    let pid = std::process::id();
    for (name, bytes) in files {
        let path = dir.join(name);
        if let Some(p) = path.parent() {
            fs::create_dir_all(p).with_context(|| format!("cannot create {}", p.display()))?;
        }
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let tmp = path.with_file_name(format!(".{file_name}.tmp-{pid}"));
        fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
        if let Err(e) = fs::rename(&tmp, &path) {
            let _ = fs::remove_file(&tmp);
            return Err(e).with_context(|| format!("cannot move {} into place", path.display()));
        }
    }
    Ok(())
}
