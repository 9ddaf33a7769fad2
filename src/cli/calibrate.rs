//! `whoruns calibrate`: an incident-tool export in, per-service fits, a scenario fragment,
//! `fit.csv`, `skipped.csv` and charts out.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use whoruns::calibrate::format::Format;
use whoruns::calibrate::log::{self, ReadOptions};
use whoruns::calibrate::pagerduty;
use whoruns::calibrate::{self as cal, FitOptions, fragment, join, mechanisms, net};
use whoruns::report::files::CalibrationFiles;

use super::common::{self, invalid, refuse};
use super::files;
use super::interrupt::Interrupt;

/// Arguments of `whoruns calibrate`.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Incident log: CSV (whoruns' generic layout, or a PagerDuty or incident.io export), or
    /// PagerDuty REST API JSON (pages of GET /incidents, as curl saves them).
    incidents: PathBuf,
    /// The log's layout: generic, pagerduty, incident-io or pagerduty-api (default: JSON is
    /// read as pagerduty-api, CSV's layout is detected from the header).
    #[arg(long, value_parser = parse_format)]
    format: Option<Format>,
    /// Output folder (default: output/calibrate-<file stem>/).
    #[arg(long, short = 'o')]
    out: Option<PathBuf>,
    /// Replace results already in the output folder.
    #[arg(long)]
    force: bool,
    /// A service with fewer incidents than this in a sample takes the pooled fit of all
    /// services (and says so).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(2..))]
    min_incidents: u64,
    /// Accept only these severities (comma-separated, any case); others count as unknown:
    /// the incident is left out of the severity mix only. Default: any but empty and
    /// placeholders (unknown, n/a, none, -).
    #[arg(long, value_delimiter = ',')]
    severities: Option<Vec<String>>,
    /// Read severities from this column instead of the layout's (e.g. priority_name for
    /// PagerDuty, whose default is urgency).
    #[arg(long)]
    severity_column: Option<String>,
    /// Keep rows whose time-zone offset differs from the rest of the log (an export in
    /// local time across daylight saving changes): each is placed in the week by its own
    /// clock. By default they are skipped.
    #[arg(long)]
    keep_mixed_offsets: bool,
    /// Owning team for services the log gives no team.
    #[arg(long)]
    team: Option<String>,
    /// An organisation (a scenario without the calibrated services: groups, teams, costs,
    /// models): the fragment is joined to it, validated, and written as scenario.toml.
    #[arg(long, value_name = "FILE")]
    organisation: Option<PathBuf>,
    /// The model the organisation ran when the log was recorded (you-run, ops-run, …):
    /// owners' effort is recovered net of the waits and hand-offs it adds, by simulating the
    /// organisation (needs --organisation).
    #[arg(long, requires = "organisation", value_parser = parse_model)]
    model: Option<whoruns::ModelKind>,
    /// A scenario (or any TOML with [[services]] tables stating depends_on) whose
    /// depends_on the cascade estimate looks along (default: the organisation's services'
    /// depends_on, where it states any).
    #[arg(long, value_name = "FILE")]
    dependencies: Option<PathBuf>,
    /// An incident on a dependent created within this many minutes either side of one on a
    /// service it depends on counts as following it (cascades).
    #[arg(long, default_value_t = 30.0, value_parser = positive)]
    cascade_window: f64,
    /// An incident followed by another of the same service and title within this many weeks
    /// recurred (learning; needs a title column).
    #[arg(long, default_value_t = 4.0, value_parser = positive)]
    recurrence_weeks: f64,
    /// Skip the charts.
    #[arg(long)]
    no_charts: bool,
    /// Print nothing but errors and the skipped-rows summary.
    #[arg(long, short = 'q')]
    quiet: bool,
}

/// Why the incident log cannot be read, if it cannot.
fn readable(path: &Path) -> Result<(), String> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err("no such file".into()),
        Err(e) => return Err(format!("cannot read it: {e}")),
        Ok(m) if m.is_dir() => return Err("is a folder, not an incident log (CSV)".into()),
        Ok(_) => {}
    }
    std::fs::File::open(path)
        .map(|_| ())
        .map_err(|e| format!("cannot read it: {e}"))
}

/// Reads the log: PagerDuty API JSON when asked for or when the file starts like JSON,
/// else CSV.
fn read_log(path: &Path, options: &ReadOptions) -> Result<log::Log, String> {
    let json = match options.format {
        Some(Format::PagerDutyApi) => true,
        Some(_) => false,
        None => {
            let mut head = [0u8; 64];
            let n = std::fs::File::open(path)
                .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
                .map_err(|e| format!("cannot read it: {e}"))?;
            pagerduty::looks_like_json(&head[..n])
        }
    };
    if json {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read it: {e}"))?;
        return pagerduty::read(&bytes, options).map_err(|e| e.to_string());
    }
    let frame = log::scan_csv(path).map_err(|e| format!("cannot read it as CSV: {e}"))?;
    log::read(frame, options).map_err(|e| e.to_string())
}

fn positive(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!("{s:?} is not a positive number")),
    }
}

fn parse_model(s: &str) -> Result<whoruns::ModelKind, String> {
    s.parse::<whoruns::ModelKind>().map_err(|_| {
        format!(
            "unknown model {s:?}; use one of {}",
            whoruns::ModelKind::valid_keys()
        )
    })
}

fn parse_format(s: &str) -> Result<Format, String> {
    Format::from_name(s).ok_or_else(|| {
        format!(
            "unknown format {s:?}; use one of {}",
            Format::ALL
                .into_iter()
                .chain([Format::PagerDutyApi])
                .map(|f| f.name())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

/// Runs `whoruns calibrate`.
pub fn run(args: CalibrateArgs) -> anyhow::Result<ExitCode> {
    let shown = args.incidents.display().to_string();
    let fail = |message: String| invalid(format!("{shown}: {message}"));
    if let Err(why) = readable(&args.incidents) {
        return fail(why);
    }
    let out = args.out.clone().unwrap_or_else(|| {
        let stem = args
            .incidents
            .file_stem()
            .map_or("incidents".into(), |s| s.to_string_lossy().to_string());
        Path::new("output").join(format!("calibrate-{stem}"))
    });
    if let Err(e) = files::check_writable(&out, args.force) {
        return refuse(format!("{e:#}"));
    }
    let organisation = match &args.organisation {
        None => None,
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => Some((path.display().to_string(), text)),
            Err(e) => {
                return invalid(format!(
                    "{}: cannot read the organisation: {e}",
                    path.display()
                ));
            }
        },
    };
    let options = ReadOptions {
        format: args.format,
        severities: args.severities.clone(),
        severity_column: args.severity_column.clone(),
        keep_mixed_offsets: args.keep_mixed_offsets,
    };
    let log = match read_log(&args.incidents, &options) {
        Ok(l) => l,
        Err(e) => return fail(e),
    };
    let summary = fragment::summary(&log);
    if !args.quiet || !log.skipped.is_empty() {
        eprint!("{shown}: {summary}");
    }
    let fit_options = FitOptions {
        min_incidents: usize::try_from(args.min_incidents).unwrap_or(usize::MAX),
    };
    let mut calibration = match cal::calibrate(&log, fit_options) {
        Ok(c) => c,
        Err(e) => return fail(format!("{e}; nothing written")),
    };
    if let Some(team) = &args.team {
        for s in calibration.services.iter_mut().filter(|s| s.team.is_none()) {
            s.team = Some(team.clone());
        }
    }
    let name = args
        .incidents
        .file_name()
        .map_or(shown.clone(), |n| n.to_string_lossy().to_string());
    let mut fragment_text = fragment::fragment(&calibration, &log, &name);
    // Effort net of the model that made the log: simulated with the organisation.
    let mut netted = None;
    if let (Some(model), Some((org_path, org_text))) = (args.model, &organisation) {
        let options = net::NetOptions::new(model);
        match net::net_effort(org_text, &fragment_text, &calibration, options) {
            Ok(n) => {
                fragment_text = net::annotate(&fragment_text, &n);
                netted = Some(n);
            }
            Err(e) => return invalid(format!("{org_path}: --model {}: {e}", model.key())),
        }
    }
    // The long-run mechanisms the log shows, along the organisation's depends_on.
    let org_text = organisation.as_ref().map(|(_, text)| text.as_str());
    fragment_text = match with_mechanisms(&args, org_text, &log, fragment_text) {
        Ok(text) => text,
        Err(e) => return invalid(e),
    };
    // Joined with the organisation: validated like any scenario; problems are reported at
    // their place in the organisation or in the fragment.
    let (joined, joined_problems) = match &organisation {
        None => (None, None),
        Some((org_path, org_text)) => match join::join(org_text, &fragment_text) {
            Ok(text) => (Some(text), None),
            Err(problems) => {
                let fragment_path = out.join("scenario-fragment.toml").display().to_string();
                let lines: Vec<String> = problems
                    .iter()
                    .map(|p| {
                        let file = match p.place {
                            join::Place::Organisation => org_path.as_str(),
                            join::Place::Fragment => fragment_path.as_str(),
                        };
                        format!("{file}:{}:{}: {}", p.line, p.column, p.message)
                    })
                    .collect();
                (None, Some(lines.join("\n")))
            }
        },
    };
    let interrupt = Interrupt::install();
    let made = whoruns::report::files::calibration(
        &CalibrationFiles {
            calibration: &calibration,
            log: &log,
            fragment: &fragment_text,
            joined: joined.as_deref(),
            charts_source: (!args.no_charts).then_some(name.as_str()),
        },
        &|| interrupt.raised(),
    )?;
    let Some(out_files) = made else {
        return Ok(common::stopped(interrupt, None));
    };
    if let Some(status) = common::publish(&out, &out_files, args.force, interrupt, None)? {
        return Ok(status);
    }
    if let Some(problems) = joined_problems {
        eprintln!("{problems}");
        eprintln!(
            "the calibration is written to {}, but joined with the organisation it is not a valid scenario (above); no scenario.toml was written",
            out.display()
        );
        return Ok(ExitCode::from(super::EXIT_INVALID));
    }
    if !args.quiet {
        summarise(&calibration, &out, joined.is_some());
        if let Some(n) = &netted {
            print!("{}", net_table(n));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The fragment with the long-run mechanisms the log shows appended, along the depends_on
/// of `--dependencies` (else the organisation's), and those services' depends_on written.
fn with_mechanisms(
    args: &CalibrateArgs,
    organisation: Option<&str>,
    log: &log::Log,
    mut fragment_text: String,
) -> Result<String, String> {
    let dependencies_text = match &args.dependencies {
        None => None,
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|e| format!("{}: cannot read the dependencies: {e}", path.display()))?,
        ),
    };
    let (org_deps, org_resilience, org_tables) = organisation
        .map(mechanisms::from_organisation)
        .unwrap_or_default();
    let (deps, deps_resilience) = match &dependencies_text {
        Some(text) => {
            let (d, r, _) = mechanisms::from_organisation(text);
            (d, r)
        }
        None => (org_deps, None),
    };
    let mech_options = mechanisms::MechanismOptions {
        window_hours: args.cascade_window / 60.0,
        recurrence_weeks: args.recurrence_weeks,
        resilience: org_resilience
            .or(deps_resilience)
            .unwrap_or(mechanisms::MechanismOptions::default().resilience),
    };
    let found = mechanisms::estimate(log, &deps, &mech_options);
    fragment_text = mechanisms::with_depends_on(&fragment_text, &deps);
    fragment_text.push_str(&mechanisms::fragment(&found, &|table| {
        org_tables.iter().any(|t| t == table)
    }));
    Ok(fragment_text)
}

/// Owners' effort net of the model, on the terminal.
fn net_table(n: &net::Net) -> String {
    use whoruns::units::format_hours;
    let model = n.options.model.key();
    let mut o = format!(
        "\nowners' effort net of {model} ({} steps, {} replications a step):\n",
        n.iterations, n.options.replications
    );
    for e in &n.services {
        o.push_str(&format!(
            "  {:<20} logged median {:>6} p90 {:>6}  ->  owners' median {:>6} p90 {:>6}{}\n",
            e.service,
            format_hours(e.observed_median),
            format_hours(e.observed_p90),
            format_hours(e.median),
            format_hours(e.p90),
            if e.converged() {
                ""
            } else {
                "  (not matched within 2%)"
            }
        ));
    }
    o
}

/// The fits and where they are, on the terminal.
fn summarise(calibration: &cal::Calibration, out: &Path, joined: bool) {
    print!("{}", fragment::table(calibration));
    println!(
        "\n{} {} over {:.1} weeks; fits in {}, scenario fragment in {}",
        calibration.services.len(),
        if calibration.services.len() == 1 {
            "service"
        } else {
            "services"
        },
        calibration.weeks,
        out.join("fit.csv").display(),
        out.join("scenario-fragment.toml").display()
    );
    if joined {
        println!(
            "scenario (organisation + fragment, validated): {}",
            out.join("scenario.toml").display()
        );
    }
}
