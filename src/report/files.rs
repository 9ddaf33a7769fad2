//! Every file a command's results consist of, as bytes: a run's (tables, summary,
//! pairwise, report), a sweep's (tables, crossovers or winners, a chart per metric) and a
//! sensitivity analysis's (effects, tornado charts). The command line publishes them.

use super::charts::{BreakevenChart, GridMap, SweepChart, Tornado};
use super::{ChartError, DataError, ReportData, WeeklyRows};
use crate::export::{self, ExportError, Files, Frames, TABLES};
use crate::scenario::Scenario;
use crate::sensitivity::{Analysis, Plan};
use crate::summary;
use crate::sweep::{Sweep, metric_names};
use crate::table;

/// Why a result's files could not be made.
#[derive(Debug, thiserror::Error)]
pub enum FilesError {
    /// A table could not be serialised.
    #[error(transparent)]
    Export(#[from] ExportError),
    /// A chart could not be drawn.
    #[error(transparent)]
    Chart(#[from] ChartError),
    /// The results could not be assembled from the tables.
    #[error("cannot assemble the results: {0}")]
    Data(#[from] DataError),
}

/// Every file of a run's results (tables, summary, pairwise, report unless `no_report`)
/// and the summary's rows (for the terminal's table). Summary and pairwise are computed
/// from the tables, so a run and merged shards of it agree to the byte.
pub fn run(
    scenario: &Scenario,
    scenario_text: String,
    frames: &mut Frames,
    no_report: bool,
) -> Result<(Files, Vec<summary::SummaryRow>), FilesError> {
    run_with(scenario, scenario_text, frames, no_report, None)
}

/// [`run`] with a break-even analysis of the run: `verdicts.csv`, `assumptions.csv`, and
/// (with the report) the section "What would have to be true" and the break-even charts.
pub fn run_with(
    scenario: &Scenario,
    scenario_text: String,
    frames: &mut Frames,
    no_report: bool,
    breakeven: Option<(&crate::breakeven::Analysis, &crate::ledger::Ledger)>,
) -> Result<(Files, Vec<summary::SummaryRow>), FilesError> {
    let weekly = WeeklyRows::read(scenario, &frames.timeseries)?;
    let timeseries = export::to_parquet(&mut frames.timeseries)?;
    tables_and_rest(
        scenario,
        scenario_text,
        frames,
        (&weekly, timeseries),
        no_report,
        breakeven,
    )
}

/// [`run`] of merged parts whose `timeseries.parquet` is already made, with what the
/// report reads of it ([`super::weekly::merge_parquet`]); `frames.timeseries` is not read.
pub fn run_merged(
    scenario: &Scenario,
    scenario_text: String,
    frames: &mut Frames,
    timeseries: (&WeeklyRows, Vec<u8>),
    no_report: bool,
) -> Result<(Files, Vec<summary::SummaryRow>), FilesError> {
    tables_and_rest(scenario, scenario_text, frames, timeseries, no_report, None)
}

/// A run's files from its tables, `timeseries.*` as the report reads it and its file.
fn tables_and_rest(
    scenario: &Scenario,
    scenario_text: String,
    frames: &mut Frames,
    (weekly, timeseries): (&WeeklyRows, Vec<u8>),
    no_report: bool,
    breakeven: Option<(&crate::breakeven::Analysis, &crate::ledger::Ledger)>,
) -> Result<(Files, Vec<summary::SummaryRow>), FilesError> {
    let data = ReportData::from_tables(
        scenario.clone(),
        &frames.reps,
        &frames.services,
        weekly,
        &frames.histogram,
    )?
    .with_quarters(&frames.quarters)?;
    // A merge's parts computed the other strengths for their blocks: no need to again.
    let data = match &frames.strengths {
        Some(df) => data.with_strengths(df)?,
        None => data,
    };
    let tables: Files = vec![
        (TABLE_FILES[0].into(), export::to_parquet(&mut frames.reps)?),
        (TABLE_FILES[1].into(), export::to_csv(&mut frames.reps)?),
        (
            TABLE_FILES[2].into(),
            export::to_parquet(&mut frames.services)?,
        ),
        (TABLE_FILES[3].into(), export::to_csv(&mut frames.services)?),
        (TABLE_FILES[4].into(), timeseries),
        (
            TABLE_FILES[5].into(),
            export::to_parquet(&mut frames.histogram)?,
        ),
        (
            TABLE_FILES[6].into(),
            export::to_parquet(&mut frames.quarters)?,
        ),
        (TABLE_FILES[7].into(), export::to_csv(&mut frames.quarters)?),
    ];
    let (rest, rows) = run_rest(&data, scenario_text, no_report, breakeven)?;
    Ok((in_order(tables, rest), rows))
}

/// The table files of a run, in the order [`in_order`] lists them.
pub const TABLE_FILES: [&str; 8] = [
    TABLES[0],
    "replications.csv",
    TABLES[1],
    "services.csv",
    TABLES[2],
    TABLES[3],
    TABLES[4],
    "quarters.csv",
];

/// A run's files in the order they have always been listed (and named in the manifest):
/// the replications and services tables, `summary.csv` and `pairwise.csv`, the time
/// series, histogram and quarters tables, then the rest ([`run_rest`]'s files from
/// `summary.txt` on). `tables` is in [`TABLE_FILES`] order.
pub fn in_order<T>(tables: Vec<T>, rest: Vec<T>) -> Vec<T> {
    let mut tables = tables.into_iter();
    let mut rest = rest.into_iter();
    let mut out: Vec<T> = tables.by_ref().take(4).collect();
    out.extend(rest.by_ref().take(2));
    out.extend(tables);
    out.extend(rest);
    out
}

/// Every file of a streamed run, in order: its tables ([`TABLE_FILES`]) among `rest`, the
/// files [`run_rest`] made (and any added after them).
pub fn run_names(rest: &Files) -> Vec<String> {
    in_order(
        TABLE_FILES.iter().map(|n| n.to_string()).collect(),
        rest.iter().map(|(n, _)| n.clone()).collect(),
    )
}

/// Every file of a run but its tables, in order — summary, pairwise, `summary.txt`,
/// `scenario.toml`, the break-even's files, the report unless `no_report` — and the
/// summary's rows, from the report's data (gathered while streaming, or read from the
/// tables).
pub fn run_rest(
    data: &ReportData,
    scenario_text: String,
    no_report: bool,
    breakeven: Option<(&crate::breakeven::Analysis, &crate::ledger::Ledger)>,
) -> Result<(Files, Vec<summary::SummaryRow>), FilesError> {
    let scenario = &data.scenario;
    let (files, rows) = summaries(data)?;
    let mut files = files;
    files.push(("scenario.toml".into(), scenario_text.into_bytes()));
    if let Some((a, l)) = breakeven {
        files.push(("verdicts.csv".into(), super::whatif::csv(a).into_bytes()));
        files.push((
            "assumptions.csv".into(),
            assumptions_csv(l, &scenario.costs.currency).into_bytes(),
        ));
        // The analysis as `whoruns report DIR` reads it back to re-draw the section.
        for (name, text) in crate::breakeven::part::write(a, &(0..a.entries.len())) {
            files.push((name.into(), text.into_bytes()));
        }
    }
    if !no_report {
        files.extend(super::render_with(data, breakeven.map(|b| b.0))?);
        // The runs at the other strengths the report drew, for `whoruns report` to read.
        if let Some(Ok(values)) = data.strengths.get() {
            files.push((
                export::STRENGTHS.into(),
                export::to_parquet(&mut export::strengths_frame(values, 0)?)?,
            ));
        }
    }
    Ok((files, rows))
}

/// The summary files of the models `data` compares (`summary.csv`, `pairwise.csv`,
/// `summary.txt`, in that order) and the summary's rows: what a run writes, and what
/// `whoruns report --models` rewrites so that every summary names the models shown.
pub fn summaries(data: &ReportData) -> Result<(Files, Vec<summary::SummaryRow>), FilesError> {
    let scenario = &data.scenario;
    let values = |m: crate::ModelKind, name: &str| -> Vec<f64> {
        data.model(m)
            .map_or(Vec::new(), |d| d.values(name).to_vec())
    };
    let rows = summary::summarise_with(&scenario.models, scenario.reference, &values);
    let mut pairs = export::pairwise_frame(&summary::pairwise_with(&scenario.models, &values))?;
    let mut summary_df = export::summary_frame(&rows)?;
    let text = table::summary_table(scenario, &rows);
    let files: Files = vec![
        ("summary.csv".into(), export::to_csv(&mut summary_df)?),
        ("pairwise.csv".into(), export::to_csv(&mut pairs)?),
        ("summary.txt".into(), text.into_bytes()),
    ];
    Ok((files, rows))
}

/// Every file of a sweep: `sweep.parquet`/`.csv`, `scenario.toml`, `crossovers.csv` (one
/// parameter) or `winners.csv` (a grid), and a chart per metric. `None` when `stop` said
/// stop between charts.
pub fn sweep(s: &Sweep, stop: &dyn Fn() -> bool) -> Result<Option<Files>, FilesError> {
    let Some(axis) = s.axes.first() else {
        return Ok(Some(Files::new()));
    };
    let second = s.axes.get(1);
    let mut frame = export::sweep_frame(&axis.path, second.map(|a| a.path.as_str()), &s.cells)?;
    let mut files: Files = vec![
        ("sweep.parquet".into(), export::to_parquet(&mut frame)?),
        ("sweep.csv".into(), export::to_csv(&mut frame)?),
        ("scenario.toml".into(), s.text.clone().into_bytes()),
    ];
    if let Some(second) = second {
        let mut winners = export::winners_frame(&axis.path, &second.path, &s.cells)?;
        files.push(("winners.csv".into(), export::to_csv(&mut winners)?));
    } else {
        let mut cross = export::crossovers_frame(&axis.path, &s.crossovers)?;
        files.push(("crossovers.csv".into(), export::to_csv(&mut cross)?));
    }
    for metric in metric_names() {
        if stop() {
            return Ok(None);
        }
        let (stem, png, svg) = match second {
            None => {
                let chart = SweepChart {
                    metric,
                    axis,
                    cells: &s.cells,
                    crossovers: &s.crossovers,
                    scenario: &s.scenario,
                };
                (format!("sweep_{metric}"), chart.png()?, chart.svg()?)
            }
            Some(second) => {
                let chart = GridMap {
                    metric,
                    first: axis,
                    second,
                    cells: &s.cells,
                    scenario: &s.scenario,
                };
                (format!("map_{metric}"), chart.png()?, chart.svg()?)
            }
        };
        files.push((format!("charts/{stem}.png"), png));
        files.push((format!("charts/{stem}.svg"), svg.into_bytes()));
    }
    Ok(Some(files))
}

/// Every file of a sensitivity analysis: `sensitivity.csv`/`.parquet`, `scenario.toml`,
/// `stated_ranges.csv`, `moved_as_shares.csv` and `skipped.csv` when there are any, and a
/// tornado chart per output.
pub fn sensitivity(plan: &Plan, analysis: &Analysis) -> Result<Files, FilesError> {
    let all: Vec<crate::sensitivity::Effect> = analysis.effects.iter().flatten().cloned().collect();
    let mut frame = export::sensitivity_frame(&all, plan.range)?;
    let mut files: Files = vec![
        ("sensitivity.csv".into(), export::to_csv(&mut frame)?),
        (
            "sensitivity.parquet".into(),
            export::to_parquet(&mut frame)?,
        ),
        ("scenario.toml".into(), plan.text.clone().into_bytes()),
    ];
    if plan.any_stated() {
        let mut t = String::from("parameter,low,high\n");
        for (p, lo, hi) in &plan.base.sensitivity.ranges {
            t.push_str(&format!("\"{p}\",{lo},{hi}\n"));
        }
        files.push(("stated_ranges.csv".into(), t.into_bytes()));
    }
    let shares = plan.moved_as_shares();
    if !shares.is_empty() {
        files.push((
            "moved_as_shares.csv".into(),
            format!("parameter\n{}\n", shares.join("\n")).into_bytes(),
        ));
    }
    if !plan.skipped.is_empty() {
        let mut s = String::from("parameter,reason\n");
        for (p, why) in &plan.skipped {
            s.push_str(&format!("{p},\"{}\"\n", why.to_string().replace('"', "'")));
        }
        files.push(("skipped.csv".into(), s.into_bytes()));
    }
    for (k, o) in plan.outputs().iter().enumerate() {
        let (Some(effects), Some(baseline)) = (analysis.effects.get(k), analysis.baselines.get(k))
        else {
            continue;
        };
        let chart = Tornado {
            output: o,
            effects,
            baseline: *baseline,
            range: if plan.plausible { 0.0 } else { plan.range },
            scenario: &plan.base,
        };
        let stem = if k == 0 {
            "tornado".to_string()
        } else {
            format!("tornado_{}", o.metric)
        };
        files.push((format!("charts/{stem}.png"), chart.png()?));
        files.push((format!("charts/{stem}.svg"), chart.svg()?.into_bytes()));
    }
    Ok(files)
}

/// The break-even charts of an analysis: `charts/breakeven_<verdict>.png` and `.svg`.
pub fn breakeven_charts(
    a: &crate::breakeven::Analysis,
    scenario: &Scenario,
) -> Result<Files, ChartError> {
    let mut files = Files::new();
    let footnote = format!(
        "Scenario \"{}\" · {} replications per point, the run's own seeds · seed {} · whoruns {}",
        scenario.name,
        a.replications,
        scenario.seed,
        env!("CARGO_PKG_VERSION")
    );
    for (i, v) in a.verdicts.iter().enumerate() {
        let chart = BreakevenChart {
            analysis: a,
            verdict: i,
            footnote: footnote.clone(),
        };
        files.push((format!("charts/breakeven_{}.png", v.key), chart.png()?));
        files.push((
            format!("charts/breakeven_{}.svg", v.key),
            chart.svg()?.into_bytes(),
        ));
    }
    Ok(files)
}

/// Every file of `whoruns breakeven`: `verdicts.csv`, `assumptions.csv`, `whatif.md` (the
/// report's section), `scenario.toml` and the charts.
pub fn breakeven(
    a: &crate::breakeven::Analysis,
    ledger: &crate::ledger::Ledger,
    scenario: &Scenario,
    scenario_text: &str,
) -> Result<Files, FilesError> {
    let mut files: Files = vec![
        ("verdicts.csv".into(), super::whatif::csv(a).into_bytes()),
        (
            "assumptions.csv".into(),
            assumptions_csv(ledger, &scenario.costs.currency).into_bytes(),
        ),
        (
            "whatif.md".into(),
            format!("# {}\n\n{}", scenario.name, super::whatif::markdown(a)).into_bytes(),
        ),
        ("scenario.toml".into(), scenario_text.as_bytes().to_vec()),
    ];
    files.extend(breakeven_charts(a, scenario)?);
    Ok(files)
}

/// `assumptions.csv`: the ledger, one row per parameter.
pub fn assumptions_csv(l: &crate::ledger::Ledger, currency: &str) -> String {
    let field = |s: &str| {
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut out = String::from(
        "parameter,label,origin,kind,coordinate,value,range_low,range_high,range_from,shown,source\n",
    );
    for e in &l.entries {
        let coord = match e.coord {
            crate::ledger::Coord::Value => "value",
            crate::ledger::Coord::Factor => "factor",
        };
        let shown = format!(
            "{} ({} to {})",
            e.show(e.value, currency),
            e.show(e.range.0, currency),
            e.show(e.range.1, currency)
        );
        out.push_str(&format!(
            "{},{},{},{},{coord},{},{},{},{},{},{}\n",
            field(&e.key),
            field(&e.label),
            e.origin.key(),
            e.kind.key(),
            e.value,
            e.range.0,
            e.range.1,
            if e.range_stated {
                "scenario"
            } else {
                "default for its kind"
            },
            field(&shown),
            field(e.origin.note()),
        ));
    }
    out
}

/// What a calibration's files are made from.
pub struct CalibrationFiles<'a> {
    /// The fits.
    pub calibration: &'a crate::calibrate::Calibration,
    /// The rows read, used and skipped.
    pub log: &'a crate::calibrate::log::Log,
    /// The scenario fragment's text.
    pub fragment: &'a str,
    /// The fragment joined to an organisation, when that is a valid scenario.
    pub joined: Option<&'a str>,
    /// The log's file name, for the charts' footnotes; no charts when `None`.
    pub charts_source: Option<&'a str>,
}

/// Every file of a calibration: `fit.csv`, `scenario-fragment.toml`, `skipped.csv`,
/// `scenario.toml` (when joined) and the fit charts. `None` when `stop` said stop between
/// charts.
pub fn calibration(
    c: &CalibrationFiles<'_>,
    stop: &dyn Fn() -> bool,
) -> Result<Option<Files>, FilesError> {
    use crate::calibrate::fragment::{fit_frame, skipped_frame};
    let polars = |table: &'static str| move |source| ExportError::Polars { table, source };
    let mut files: Files = vec![
        (
            "fit.csv".into(),
            export::to_csv(&mut fit_frame(c.calibration).map_err(polars("fit"))?)?,
        ),
        (
            "scenario-fragment.toml".into(),
            c.fragment.as_bytes().to_vec(),
        ),
        (
            "skipped.csv".into(),
            export::to_csv(&mut skipped_frame(c.log).map_err(polars("skipped"))?)?,
        ),
    ];
    if let Some(text) = c.joined {
        files.push(("scenario.toml".into(), text.as_bytes().to_vec()));
    }
    if let Some(source) = c.charts_source {
        // The fit the fragment uses (effort_fit), and restore times beside it; where the
        // fragment uses restore times (no acknowledgements), the one chart says so.
        let effort_is_restore = c
            .calibration
            .services
            .iter()
            .all(|s| s.effort_used().0 == crate::calibrate::Sample::RestoreTime);
        let kinds: &[(&str, bool)] = if effort_is_restore {
            &[("ttr_fit", true)]
        } else {
            &[("effort_fit", true), ("ttr_fit", false)]
        };
        for (stem, used) in kinds {
            for page in 0..super::charts::fit_chart_pages(c.calibration) {
                if stop() {
                    return Ok(None);
                }
                let chart = super::charts::FitChart {
                    cal: c.calibration,
                    page,
                    source,
                    used: *used,
                };
                let stem = format!("charts/{stem}_{}", page + 1);
                files.push((format!("{stem}.svg"), chart.svg()?.into_bytes()));
                files.push((format!("{stem}.png"), chart.png()?));
            }
        }
    }
    Ok(Some(files))
}
