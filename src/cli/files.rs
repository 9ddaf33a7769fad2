//! Writing an output folder so that a failed or interrupted run never leaves half-written
//! results, and nothing of the user's is lost.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use super::interrupt::Interrupted;

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
    let names: Vec<String> = files.iter().map(|(name, _)| name.clone()).collect();
    Stage::open(dir, force)?.publish(files, &names, stop)
}

/// A staging folder beside an output folder, filled while a command works (a run streams
/// its tables into it) and swapped in by [`Stage::publish`]; dropped unpublished (an error,
/// an interrupt), it is removed and the output folder is left as it was.
pub struct Stage {
    dir: PathBuf,
    staging: PathBuf,
    published: bool,
}

impl Stage {
    /// A fresh staging folder for `dir`, after the checks of [`check_writable`].
    pub fn open(dir: &Path, force: bool) -> anyhow::Result<Stage> {
        check_writable(dir, force)?;
        let (_, staging, _) = staging_for(dir)?;
        let _ = fs::remove_dir_all(&staging);
        fs::create_dir_all(&staging)
            .with_context(|| format!("cannot create {}", staging.display()))?;
        Ok(Stage {
            dir: dir.to_path_buf(),
            staging,
            published: false,
        })
    }

    /// The staging folder (for a scratch file removed before publishing).
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// A new file `name` in the staging folder, for a table to stream into.
    pub fn sink(&self, name: &str) -> std::io::Result<whoruns::export::Sink> {
        let path = self.staging.join(name);
        if let Some(p) = path.parent() {
            fs::create_dir_all(p)?;
        }
        let file = fs::File::create(&path)?;
        Ok(whoruns::export::Sink::new(
            std::io::BufWriter::with_capacity(1 << 20, file),
        ))
    }

    /// Writes `files` beside what was streamed, the manifest naming `names` (every file
    /// of the result, in order), carries the user's files over and swaps the folder in.
    pub fn publish(
        mut self,
        files: &Files,
        names: &[String],
        stop: &dyn Fn() -> Result<(), Interrupted>,
    ) -> anyhow::Result<()> {
        let staging = self.staging.clone();
        for (file, bytes) in files {
            stop()?;
            let path = staging.join(file);
            if let Some(p) = path.parent() {
                fs::create_dir_all(p).with_context(|| format!("cannot create {}", p.display()))?;
            }
            fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
        }
        fs::write(staging.join(MANIFEST), manifest(names))
            .with_context(|| format!("cannot write {}", staging.join(MANIFEST).display()))?;
        if self.dir.exists() {
            carry_over(&self.dir, &staging, names)?;
        }
        stop()?;
        // `swap_in` removes the staging folder itself if the swap fails.
        self.published = true;
        swap_in(&staging, &self.dir)
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        if !self.published {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
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
pub fn manifest(names: &[String]) -> String {
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
    const NAMES: [&str; 20] = [
        "quarters.parquet",
        "quarters.csv",
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
