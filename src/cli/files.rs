//! File I/O of the command line: loading scenarios and writing an output folder so that a
//! failed or interrupted run never leaves half-written results.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use super::interrupt::Interrupted;
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

/// Reads and validates a scenario file.
pub fn load_scenario(path: &Path) -> Result<Scenario, LoadError> {
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
    Ok(whoruns::scenario::parse(&text, &shown)?)
}

/// An I/O error in a person's words.
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied: cannot read it".into(),
        _ => format!("cannot read the scenario file: {e}"),
    }
}

/// Files to publish into an output folder, as (name, bytes).
pub use whoruns::export::Files;

/// The manifest whoruns writes into every output folder: the version and every file it
/// wrote. It marks the folder as whoruns output, and says which files `--force` may
/// replace: everything else in the folder is the user's and is kept.
pub const MANIFEST: &str = "whoruns-manifest.txt";

/// Results written by versions before the manifest are recognised by this file.
const LEGACY_MARKER: &str = "replications.csv";

/// Publishes `files` as the folder `dir`: everything is written to a staging folder beside
/// it first and swapped in by rename, so readers see the old results or the new, never a mix.
/// An existing result folder is replaced only when `force` is set, and then only the files
/// whoruns wrote: any other file in it is carried over into the new folder. `stop` is asked
/// between files; when it says stop, the staging folder is removed and nothing changes.
pub fn publish(
    dir: &Path,
    files: &Files,
    force: bool,
    stop: &dyn Fn() -> Result<(), Interrupted>,
) -> anyhow::Result<()> {
    check_writable(dir, force)?;
    staged(dir, |staging| {
        let mut names = Vec::with_capacity(files.len());
        for (file, bytes) in files {
            stop()?;
            let path = staging.join(file);
            if let Some(p) = path.parent() {
                fs::create_dir_all(p).with_context(|| format!("cannot create {}", p.display()))?;
            }
            fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
            names.push(file.clone());
        }
        fs::write(staging.join(MANIFEST), manifest(&names))
            .with_context(|| format!("cannot write {}", staging.join(MANIFEST).display()))?;
        if dir.exists() {
            carry_over(dir, staging, &names)?;
        }
        Ok(stop()?)
    })
}

/// Fills a fresh staging folder beside `dir` with `fill` and swaps it in; on any error
/// the staging folder is removed and `dir` is left as it was.
fn staged(dir: &Path, fill: impl FnOnce(&Path) -> anyhow::Result<()>) -> anyhow::Result<()> {
    let (_, staging, _) = staging_for(dir)?;
    let _ = fs::remove_dir_all(&staging);
    if let Err(e) = fill(&staging) {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    swap_in(&staging, dir)
}

/// The manifest's text for these files.
fn manifest(names: &[String]) -> String {
    format!(
        "# Written by whoruns {}. These files are whoruns output; `whoruns run --force`\n# replaces them and keeps every other file in this folder.\n{}\n",
        env!("CARGO_PKG_VERSION"),
        names.join("\n")
    )
}

/// Files whoruns wrote into `dir`, by its manifest; for a folder written before manifests
/// existed, every file with a name whoruns uses (so stale charts of an older run are not
/// carried over as if they were the user's).
fn written_by_whoruns(dir: &Path) -> Vec<String> {
    match fs::read_to_string(dir.join(MANIFEST)) {
        Ok(m) => m
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(str::to_string)
            .collect(),
        Err(_) => legacy_outputs(dir),
    }
}

/// Names whoruns has written into output folders, found in `dir`.
fn legacy_outputs(dir: &Path) -> Vec<String> {
    const NAMES: [&str; 18] = [
        "replications.csv",
        "replications.parquet",
        "services.csv",
        "services.parquet",
        "timeseries.parquet",
        "ttr_histogram.parquet",
        "summary.csv",
        "summary.txt",
        "scenario.toml",
        "comparison.md",
        "comparison.csv",
        "report.md",
        "report.html",
        "pairwise.csv",
        "sweep.csv",
        "sweep.parquet",
        "crossovers.csv",
        "sensitivity.csv",
    ];
    let mut out: Vec<String> = NAMES
        .iter()
        .filter(|n| dir.join(n).exists())
        .map(|n| n.to_string())
        .collect();
    if let Ok(entries) = fs::read_dir(dir.join("charts")) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if name.ends_with(".png") || name.ends_with(".svg") {
                out.push(format!("charts/{name}"));
            }
        }
    }
    out
}

/// Links (or copies) into `staging` every file of the old `dir` that whoruns did not write
/// and the new results do not replace: the user's notes, slides, anything.
fn carry_over(dir: &Path, staging: &Path, new: &[String]) -> anyhow::Result<()> {
    let ours = written_by_whoruns(dir);
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let here = dir.join(&rel);
        for entry in
            fs::read_dir(&here).with_context(|| format!("cannot read {}", here.display()))?
        {
            let entry = entry.with_context(|| format!("cannot read {}", here.display()))?;
            let rel_path = rel.join(entry.file_name());
            let kind = entry
                .file_type()
                .with_context(|| format!("cannot read {}", entry.path().display()))?;
            if kind.is_dir() {
                stack.push(rel_path);
                continue;
            }
            let name = rel_path.to_string_lossy().replace('\\', "/");
            if name == MANIFEST || new.contains(&name) || ours.contains(&name) {
                continue;
            }
            let dst = staging.join(&rel_path);
            if let Some(p) = dst.parent() {
                fs::create_dir_all(p).with_context(|| format!("cannot create {}", p.display()))?;
            }
            if fs::hard_link(entry.path(), &dst).is_err() {
                fs::copy(entry.path(), &dst).with_context(|| {
                    format!("cannot keep {} in the new results", entry.path().display())
                })?;
            }
        }
    }
    Ok(())
}

/// The staging folder for `dir`: hidden, beside it (so the final rename stays on one file
/// system), named after it and this process.
fn staging_for(dir: &Path) -> anyhow::Result<(PathBuf, PathBuf, String)> {
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "output".into());
    let staging = parent.join(format!(".{name}.partial-{}", std::process::id()));
    Ok((parent, staging, name))
}

/// Moves the complete `staging` folder to `dir`, replacing what is there: the old folder
/// is moved aside first and put back if the swap fails.
fn swap_in(staging: &Path, dir: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        let old = dir.with_file_name(format!(
            ".{}.old-{}",
            dir.file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default(),
            std::process::id()
        ));
        fs::rename(dir, &old)
            .with_context(|| format!("cannot move the old {} aside", dir.display()))?;
        if let Err(e) = fs::rename(staging, dir) {
            let _ = fs::rename(&old, dir);
            let _ = fs::remove_dir_all(staging);
            return Err(e).with_context(|| format!("cannot move results into {}", dir.display()));
        }
        let _ = fs::remove_dir_all(&old);
    } else if let Err(e) = fs::rename(staging, dir) {
        let _ = fs::remove_dir_all(staging);
        return Err(e).with_context(|| format!("cannot move results into {}", dir.display()));
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
    let has_results = dir.join(MANIFEST).exists() || dir.join(LEGACY_MARKER).exists();
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

/// Replaces `files` inside the existing folder `dir` all at once: the folder is staged
/// beside itself (every file it holds hard-linked, or copied where links are not possible,
/// so nothing of the user's is lost), the new files are written into the stage, and the
/// stage is swapped in by rename. Readers see the old report or the new, never a mix.
pub fn replace_files(
    dir: &Path,
    files: &Files,
    stop: &dyn Fn() -> Result<(), Interrupted>,
) -> anyhow::Result<()> {
    staged(dir, |staging| {
        mirror(dir, staging)?;
        // The manifest gains the report's files, so that `--force` knows them as ours.
        let mut ours = written_by_whoruns(dir);
        for (name, _) in files {
            if !ours.contains(name) {
                ours.push(name.clone());
            }
        }
        let manifest_path = staging.join(MANIFEST);
        if manifest_path.exists() {
            fs::remove_file(&manifest_path)
                .with_context(|| format!("cannot replace {}", manifest_path.display()))?;
        }
        fs::write(&manifest_path, manifest(&ours))
            .with_context(|| format!("cannot write {}", manifest_path.display()))?;
        for (name, bytes) in files {
            stop()?;
            let path = staging.join(name);
            if let Some(p) = path.parent() {
                fs::create_dir_all(p).with_context(|| format!("cannot create {}", p.display()))?;
            }
            // Unlink first: writing through a hard link would change the original.
            if path.exists() {
                fs::remove_file(&path)
                    .with_context(|| format!("cannot replace {}", path.display()))?;
            }
            fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
        }
        Ok(stop()?)
    })
}

/// Recreates the tree `from` at `to`, hard-linking files (copying where linking fails).
fn mirror(from: &Path, to: &Path) -> anyhow::Result<()> {
    fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    for entry in fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))? {
        let entry = entry.with_context(|| format!("cannot read {}", from.display()))?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        let kind = entry
            .file_type()
            .with_context(|| format!("cannot read {}", src.display()))?;
        if kind.is_dir() {
            mirror(&src, &dst)?;
        } else if fs::hard_link(&src, &dst).is_err() {
            fs::copy(&src, &dst)
                .with_context(|| format!("cannot copy {} to the staging folder", src.display()))?;
        }
    }
    Ok(())
}
