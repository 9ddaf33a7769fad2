//! `whoruns report DIR`: re-draw charts, comparison table and report from saved results,
//! without simulating again.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use whoruns::ModelKind;
use whoruns::export::from_parquet;
use whoruns::report::{self, ReportData};

use super::common::{invalid, refuse};
use super::files;
use super::interrupt::{Interrupt, Interrupted};
use super::load::{self, LoadError};

/// Arguments of `whoruns report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A folder written by `whoruns run`.
    dir: PathBuf,
    /// Report only these models, in this order (keys, comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "MODEL,...")]
    models: Vec<String>,
    /// The report's title (default: "whoruns report: <scenario name>").
    #[arg(long)]
    title: Option<String>,
    /// The model paired differences are taken against (default: the scenario's reference,
    /// or the first model reported).
    #[arg(long, value_name = "MODEL")]
    reference: Option<String>,
    /// Write the report, charts and summaries into this folder instead of replacing them
    /// in DIR (which is then left as it was).
    #[arg(long, short = 'o')]
    out: Option<PathBuf>,
    /// Replace results already in the --out folder.
    #[arg(long, requires = "out")]
    force: bool,
    /// Print nothing but errors.
    #[arg(long, short = 'q')]
    quiet: bool,
}

/// Why `dir` cannot be reported on, in a user's words, when it is not a run's results:
/// no such folder, a file, or a folder without a run's tables. None when it looks right.
fn not_results(dir: &Path) -> Option<String> {
    let shown = dir.display();
    if !dir.exists() {
        return Some(format!("{shown}: no such folder"));
    }
    if !dir.is_dir() {
        return Some(format!(
            "{shown} is a file; give the folder `whoruns run` wrote (e.g. output/baseline)"
        ));
    }
    let missing: Vec<&str> = ["scenario.toml", "replications.parquet"]
        .into_iter()
        .filter(|f| !dir.join(f).exists())
        .collect();
    if missing.is_empty() {
        return None;
    }
    let sweep = dir.join("sweep.parquet").exists() || dir.join("sweep.csv").exists();
    let hint = if sweep {
        " (it holds a sweep, whose charts `whoruns sweep` draws)"
    } else {
        ""
    };
    Some(format!(
        "{shown} holds no results of `whoruns run`{hint}: {} missing; give the folder a run wrote (e.g. output/baseline)",
        missing.join(" and ")
    ))
}

/// A table of the results in `dir`; a missing or unreadable one is the user's folder's
/// problem (exit 2), said with the file.
fn read(dir: &Path, name: &str) -> Result<Vec<u8>, String> {
    let path = dir.join(name);
    std::fs::read(&path).map_err(|e| {
        format!(
            "cannot read {}: {}; is {} a folder written by `whoruns run`?",
            path.display(),
            match e.kind() {
                std::io::ErrorKind::NotFound => "no such file".to_string(),
                _ => e.to_string(),
            },
            dir.display()
        )
    })
}

/// The break-even analysis `whoruns run --breakeven` saved in `dir`, if it saved one.
fn saved_breakeven(
    dir: &Path,
    scenario: &whoruns::Scenario,
) -> Result<Option<whoruns::breakeven::Analysis>, String> {
    use whoruns::breakeven::{self, part};
    if !dir.join(part::VERDICTS).exists() || !dir.join(part::FINDINGS).exists() {
        return Ok(None);
    }
    let text = |name: &str| {
        std::fs::read_to_string(dir.join(name))
            .map_err(|e| format!("cannot read {}: {e}", dir.join(name).display()))
    };
    let scenario_text = text("scenario.toml")?;
    let shown = |e: &dyn std::fmt::Display| format!("{}: {e}", dir.display());
    let plan = breakeven::plan(&scenario_text, scenario, &breakeven::Spec::default())
        .map_err(|e| shown(&e))?;
    let verdicts = part::read_verdicts(&text(part::VERDICTS)?).map_err(|e| shown(&e))?;
    let n = plan.ledger.entries.len();
    part::read(&plan, verdicts, &text(part::FINDINGS)?, 0..n)
        .map(Some)
        .map_err(|e| shown(&e))
}

/// Runs `whoruns report`.
pub fn run(args: ReportArgs) -> anyhow::Result<ExitCode> {
    let dir = &args.dir;
    if let Some(problem) = not_results(dir) {
        return refuse(problem);
    }
    if let Some(out) = &args.out
        && let Err(e) = files::check_writable(out, args.force)
    {
        return refuse(format!("{e:#}"));
    }
    let scenario = match load::load_scenario(&dir.join("scenario.toml")) {
        Ok(s) => s,
        Err(e @ LoadError::Invalid(_)) => return invalid(e),
        Err(e) => {
            return refuse(format!(
                "{e}: {} does not look like a folder written by `whoruns run`",
                dir.display()
            ));
        }
    };
    let table = |file: &str, name: &'static str| -> Result<_, String> {
        let bytes = read(dir, file)?;
        from_parquet(bytes, name).map_err(|e| format!("{}: {e}", dir.join(file).display()))
    };
    let tables = (|| {
        Ok::<_, String>((
            table("replications.parquet", "replications")?,
            table("services.parquet", "services")?,
            read(dir, "timeseries.parquet")?,
            table("ttr_histogram.parquet", "ttr_histogram")?,
        ))
    })();
    let (reps, services, timeseries, histogram) = match tables {
        Ok(t) => t,
        Err(e) => return refuse(e),
    };
    let parse = |key: &str| key.trim().parse::<ModelKind>();
    let mut models = Vec::new();
    for key in &args.models {
        match parse(key) {
            Ok(m) => models.push(m),
            Err(e) => return refuse(format!("--models: {e}")),
        }
    }
    let reference = match args.reference.as_deref().map(parse) {
        None => None,
        Some(Ok(m)) => Some(m),
        Some(Err(e)) => return refuse(format!("--reference: {e}")),
    };
    // Of the wide time series (two columns a service), only the columns the report uses,
    // a row group at a time.
    let path = dir.join("timeseries.parquet").display().to_string();
    let weekly = match report::WeeklyRows::from_parquet(&scenario, &path, &timeseries) {
        Ok(w) => w,
        Err(e @ report::DataError::Read { .. }) => return refuse(e.to_string()),
        Err(e) => return Err(anyhow::Error::new(e).context("cannot assemble the report data")),
    };
    drop(timeseries);
    let mut data = ReportData::from_tables(scenario, &reps, &services, &weekly, &histogram)
        .context("cannot assemble the report data")?;
    // Results written before quarters were measured have no `quarters.parquet`.
    if dir.join("quarters.parquet").exists() {
        let quarters = match table("quarters.parquet", "quarters") {
            Ok(q) => q,
            Err(e) => return refuse(e),
        };
        data = data
            .with_quarters(&quarters)
            .context("cannot assemble the report data")?;
    }
    // Results written before the strengths were saved have no `strengths.parquet`: the
    // report then runs the scenario at them again.
    if dir.join("strengths.parquet").exists() {
        let strengths = match table("strengths.parquet", "strengths") {
            Ok(t) => t,
            Err(e) => return refuse(e),
        };
        data = data
            .with_strengths(&strengths)
            .context("cannot assemble the report data")?;
    }
    let run_reference = data.scenario.reference;
    if let Err(e) = data.select(&models, reference) {
        return refuse(e);
    }
    if let Some(title) = &args.title {
        data.title.clone_from(title);
    }
    // The section "What would have to be true" of `run --breakeven`, re-drawn from its
    // saved analysis when the report shows the run's own comparison.
    let own_reference = reference.is_none_or(|r| r == run_reference);
    let saved = if args.models.is_empty() && own_reference {
        match saved_breakeven(dir, &data.scenario) {
            Ok(a) => a,
            Err(e) => return refuse(e),
        }
    } else {
        None
    };
    if saved.is_some() && !args.quiet {
        eprintln!(
            "note: the section \"What would have to be true\" is re-drawn from the saved break-even analysis"
        );
    }
    let interrupt = Interrupt::install();
    let (mut rendered, _) = whoruns::report::files::summaries(&data)?;
    rendered.extend(report::render_with(&data, saved.as_ref())?);
    if let Some(out) = &args.out {
        let mut files = rendered;
        files.push((
            "scenario.toml".into(),
            std::fs::read(dir.join("scenario.toml"))
                .with_context(|| format!("cannot read {}", dir.join("scenario.toml").display()))?,
        ));
        if let Some(status) = super::common::publish(out, &files, args.force, interrupt, None)? {
            return Ok(status);
        }
        if !args.quiet {
            println!("report: {}", out.join("report.html").display());
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Err(e) = files::replace_files(dir, &rendered, &|| interrupt.check()) {
        return match e.downcast_ref::<Interrupted>() {
            Some(i) => {
                eprintln!("interrupted: the report in {} is as it was", dir.display());
                Ok(ExitCode::from(i.0))
            }
            None => Err(e),
        };
    }
    if !args.quiet {
        println!("report: {}", dir.join("report.html").display());
    }
    Ok(ExitCode::SUCCESS)
}
