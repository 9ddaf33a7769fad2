//! What `whoruns calibrate` writes: the scenario fragment (`[[services]]` tables that paste
//! into a scenario once its organisation — groups, teams, costs — is there), the `fit.csv`
//! table and the `skipped.csv` table.

use std::fmt::Write as _;

use polars::prelude::*;

use super::fit::{Choice, Family};
use super::log::{Fate, Log, Reason, offset};
use super::{Calibration, Fitted, Profile, Sample, ServiceFit, Source};
use crate::units::format_hours;

/// Impact weights by severity rank (most severe first): an assumption the fragment says is
/// one, following the baseline scenario's SEV1/SEV2/SEV3 weights.
const IMPACT_BY_RANK: [f64; 5] = [1.0, 0.3, 0.05, 0.02, 0.01];

/// The team a service is given when the log has none.
pub const NO_TEAM: &str = "unassigned";

fn quality(c: &Choice) -> String {
    let others: Vec<String> = Family::ALL
        .iter()
        .filter(|f| **f != c.best.family)
        .filter_map(|f| c.delta_aic(*f).map(|d| format!("{} +{d:.1}", f.name())))
        .collect();
    let verdict = if c.ks_p_value < 0.05 {
        "; the KS test rejects this shape at 5%: treat the fit with care"
    } else {
        ""
    };
    format!(
        "n = {}, {} by AIC (ΔAIC {}), KS D = {:.3}, p = {:.2}{verdict}",
        c.n,
        c.best.family.name(),
        if others.is_empty() {
            "-".into()
        } else {
            others.join(", ")
        },
        c.ks_statistic,
        c.ks_p_value
    )
}

fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A number with up to `d` decimals, trailing zeros dropped.
fn num(x: f64, d: usize) -> String {
    let s = format!("{x:.d$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Shares rounded to 4 decimals that add up to exactly 1 (the remainder on the largest).
fn rounded_shares(shares: &[f64]) -> Vec<f64> {
    let mut r: Vec<f64> = shares
        .iter()
        .map(|s| (s * 10_000.0).round() / 10_000.0)
        .collect();
    let total: f64 = r.iter().sum();
    if let Some(i) = (0..r.len()).max_by(|a, b| r[*a].total_cmp(&r[*b])) {
        r[i] = ((r[i] + 1.0 - total) * 10_000.0).round() / 10_000.0;
    }
    r
}

/// The scenario fragment. `source` names the log for the header comment.
pub fn fragment(cal: &Calibration, log: &Log, source: &str) -> String {
    let mut o = String::new();
    let days = cal.weeks * 7.0;
    let _ = writeln!(
        o,
        "# Calibrated by whoruns {} from {source} ({} layout): {} incidents of {} rows ({} kept in part:\n# a bad field costs only the estimates that need it; see skipped.csv), created over {:.1} weeks\n# ({:.0} days), times on the log's clock (UTC{}).",
        env!("CARGO_PKG_VERSION"),
        log.columns.format,
        log.records.len(),
        log.rows,
        log.fates().1,
        cal.weeks,
        days,
        if log.offset_minutes == 0 {
            String::new()
        } else {
            offset(log.offset_minutes)
        }
    );
    o.push_str(
        "#
# Paste these [[services]] tables into a scenario that defines the organisation (groups,
# teams, costs, models) and check it with `whoruns validate`. What they assume:
# - background_incidents is every incident in the log: the log does not say which ones a
#   deployment caused, so change_failure_rate is 0 and no incident is counted twice. If
#   you know the share a deployment caused, move it: change_failure_rate = share x rate /
#   deploys_per_week, and lower background_incidents by the same amount.
# - effort is the hands-on time from acknowledgement to resolution under the model the
#   organisation runs today; with owners on call that is the owners' effort. Under another
#   model it includes that model's hand-offs and waits.
# - detection happened before the tool opened the incident: keep your own estimate.
# - severity impacts (1.0 = full outage) are not in the log: they are assumptions by rank.
# - a service with fewer than ",
    );
    let _ = writeln!(
        o,
        "{} incidents in a sample takes the pooled fit of all services.",
        cal.options.min_incidents
    );
    o.push_str("# Fit quality: n (sample size), the family chosen by AIC with the others' ΔAIC, and the\n# Kolmogorov-Smirnov statistic D with its p-value by parametric bootstrap (199 samples).\n");
    match &cal.pooled_tta {
        Some(c) => {
            let _ = writeln!(
                o,
                "#\n# Time to acknowledge, all services pooled ({}):\n#   {}\n# It belongs in the organisation's [response] table; to use it, set there:\n#   acknowledge = {}",
                quality(c),
                c.best.describe(),
                c.best.to_scenario()
            );
        }
        None => o.push_str("#\n# Time to acknowledge: the log has no acknowledgement times; keep [response].acknowledge.\n"),
    }
    for s in &cal.services {
        o.push('\n');
        service(&mut o, cal, log, s);
    }
    o
}

fn describe_source(f: &Fitted, what: &str, min_incidents: usize) -> String {
    match (f.source, &f.choice) {
        (Source::Service, Some(c)) => format!("# {what}: {}", quality(c)),
        (Source::Pooled, Some(c)) => {
            let why = if f.own < min_incidents {
                format!("only {} of its own (fewer than {min_incidents})", f.own)
            } else {
                format!("its {} values cannot be fitted (all equal)", f.own)
            };
            format!(
                "# {what}: {why}: the pooled fit of all services, {}",
                quality(c)
            )
        }
        _ => format!("# {what}: nothing to fit"),
    }
}

/// Fewest incidents with a known cause before the change-caused share is offered as
/// identified.
const MIN_CAUSES: usize = 20;

/// The share of incidents a change caused, where the log has a cause column: the share
/// with its interval and sample size, and how to move it to deployments.
fn change_share(o: &mut String, s: &ServiceFit) {
    let Some((n, k)) = s.change_caused else {
        return;
    };
    let Some((share, low, high)) = s.change_share() else {
        let _ = writeln!(
            o,
            "# change-caused share: the log has a cause column, but no value in it for this service"
        );
        return;
    };
    let advice = if n < MIN_CAUSES {
        format!(
            "; WARNING: fewer than {MIN_CAUSES} incidents with a known cause cannot identify it: keep the assumption above"
        )
    } else if k == 0 {
        ": change_failure_rate = 0 is what the log shows".to_string()
    } else {
        format!(
            "; to move it to deployments: change_failure_rate = {} / deploys_per_week and background_incidents = \"{}/week\"",
            sig_rate(share * s.arrivals_per_week),
            sig_rate((1.0 - share) * s.arrivals_per_week)
        )
    };
    let _ = writeln!(
        o,
        "# change-caused share (cause column): {k} of {n} incidents with a known cause were caused by a change, {:.1}% (95% CI {:.1}% to {:.1}%){advice}",
        share * 100.0,
        low * 100.0,
        high * 100.0,
    );
}

/// Values written in an empirical alternative, at most.
const EMPIRICAL_VALUES: usize = 200;

/// Where the fit the fragment uses is rejected: a warning with what to do, and the
/// empirical distribution of the service's own values as a commented alternative.
fn rejected_advice(o: &mut String, c: &Choice, source: Source, values: &[f64]) {
    let _ = writeln!(
        o,
        "# WARNING: the KS test rejects this effort fit at 5% (p = {:.3}, n = {}): the scenario's effort will not have the data's shape. What to do: more data (a longer log) if n is small; the empirical distribution of the values{}; or a mixture, which a scenario cannot state as one distribution: split the log (by severity, say) and calibrate each part as its own service.",
        c.ks_p_value,
        c.n,
        if source == Source::Service {
            " (below, commented out: uncomment it in place of the fit)"
        } else {
            " (this service uses the pooled fit: calibrate it with more of its own incidents)"
        }
    );
    if source != Source::Service || values.is_empty() {
        return;
    }
    // All values, or evenly spaced quantiles of them: each is sampled with equal chance.
    let m = values.len().min(EMPIRICAL_VALUES);
    let picked: Vec<String> = (0..m)
        .map(|i| {
            let q = (i as f64 + 0.5) / m as f64;
            let k = ((q * values.len() as f64) as usize).min(values.len() - 1);
            format!(
                "\"{}\"",
                super::fit::duration(values[k].max(super::fit::FLOOR_HOURS))
            )
        })
        .collect();
    let _ = writeln!(
        o,
        "# effort = {{ dist = \"empirical\", values = [{}] }}",
        picked.join(", ")
    );
}

/// Incidents of `service` whose acknowledgement came after their resolution.
fn acknowledged_after_resolution(log: &Log, service: &str) -> usize {
    let lines: std::collections::HashSet<usize> = log
        .skipped
        .iter()
        .filter(|k| k.reason == Reason::AcknowledgedAfterResolved)
        .map(|k| k.line)
        .collect();
    log.records
        .iter()
        .filter(|r| lines.contains(&r.line) && r.service.as_deref() == Some(service))
        .count()
}

fn service(o: &mut String, cal: &Calibration, log: &Log, s: &ServiceFit) {
    let _ = writeln!(o, "[[services]]");
    let _ = writeln!(o, "name = {}", toml_string(&s.name));
    match &s.team {
        Some(t) => {
            let _ = writeln!(o, "team = {}", toml_string(t));
        }
        None => {
            let _ = writeln!(
                o,
                "team = \"{NO_TEAM}\"   # the log names no team: set the owning team (or pass --team)"
            );
        }
    }
    let _ = writeln!(
        o,
        "# {} incidents over {:.1} weeks: {} a week (95% CI {} to {}); {} resolved, {} still open{}",
        s.incidents,
        cal.weeks,
        num(s.arrivals_per_week, 3),
        num(s.arrivals_per_week_low, 3),
        num(s.arrivals_per_week_high, 3),
        s.resolved,
        s.open,
        match s.incidents - s.resolved - s.open {
            0 => String::new(),
            k => format!(", {k} with an unusable resolution time"),
        }
    );
    if let (Some(d), Some(p)) = (s.dispersion, s.dispersion_p_value)
        && p < 0.05
    {
        let _ = writeln!(
            o,
            "# incidents cluster: weekly counts vary {d:.1}x as much as Poisson arrivals would (index-of-dispersion p {}); the scenario's Poisson arrivals will understate bad weeks",
            p_text(p)
        );
    }
    let _ = writeln!(
        o,
        "background_incidents = \"{}/week\"",
        sig_rate(s.arrivals_per_week)
    );
    let _ = writeln!(
        o,
        "change_failure_rate = 0.0   # every incident is in background_incidents"
    );
    change_share(o, s);
    // Hands-on time; without acknowledgements, the whole restore time.
    let (sample, work, values) = s.effort_used();
    let what = match sample {
        Sample::Effort => "effort, resolved - acknowledged",
        Sample::RestoreTime => {
            "effort, resolved - created (no acknowledgement times: includes the wait to acknowledge)"
        }
    };
    let _ = writeln!(
        o,
        "{}",
        describe_source(work, what, cal.options.min_incidents)
    );
    if let Some(c) = &work.choice {
        let _ = writeln!(o, "effort = {}", c.best.to_scenario());
        if c.ks_p_value < 0.05 {
            rejected_advice(o, c, work.source, values);
        }
    }
    let late = acknowledged_after_resolution(log, &s.name);
    if late > 0 {
        let _ = writeln!(
            o,
            "# {late} incidents were acknowledged after they were resolved (auto-resolved?): they count in the rate and restore time, not in effort, whose fit describes incidents someone worked"
        );
    }
    if let (Some(c), Sample::Effort) = (&s.ttr.choice, sample) {
        let _ = writeln!(
            o,
            "# time to restore, resolved - created (for comparison; the fragment does not use it): {}; {}",
            c.best.describe(),
            describe_source(&s.ttr, "fit", cal.options.min_incidents).trim_start_matches("# ")
        );
    }
    let shares = rounded_shares(&s.severity_shares(&cal.pooled_severity_counts));
    let counts = match s.severity_source {
        Source::Service => s.severity_counts.iter().sum::<usize>(),
        _ => cal.pooled_severity_counts.iter().sum(),
    };
    let _ = writeln!(
        o,
        "# severity mix: {} ({} incidents); impacts are assumptions by rank",
        if s.severity_source == Source::Service {
            "its own"
        } else {
            "pooled over all services (too few of its own)"
        },
        counts
    );
    o.push_str("severities = [\n");
    for (i, (name, share)) in cal.severities.iter().zip(&shares).enumerate() {
        let impact = IMPACT_BY_RANK.get(i).copied().unwrap_or(0.01);
        let _ = writeln!(
            o,
            "  {{ name = {}, share = {}, impact = {} }},",
            toml_string(name),
            num(*share, 4),
            num(impact, 2)
        );
    }
    o.push_str("]\n");
    match &s.profile {
        Profile::Flat { why } => {
            let _ = writeln!(o, "# arrival profile: flat ({why})");
        }
        Profile::HourOfDay { weights, p_value } => {
            let _ = writeln!(
                o,
                "# arrival profile by hour of day (00:00 first), relative to the mean; differs from flat, chi-square p {}",
                p_text(*p_value)
            );
            let _ = writeln!(o, "arrival_profile = [{}]", list(weights));
        }
        Profile::HourOfWeek { weights, p_value } => {
            let _ = writeln!(
                o,
                "# arrival profile by hour of week (Monday 00:00 first), relative to the mean; differs from the daily pattern, chi-square p {}",
                p_text(*p_value)
            );
            o.push_str("arrival_profile = [\n");
            for day in weights.chunks(24) {
                let _ = writeln!(o, "  {},", list(day));
            }
            o.push_str("]\n");
        }
    }
}

fn p_text(p: f64) -> String {
    if p < 0.0001 {
        "< 0.0001".into()
    } else {
        format!("= {p:.4}")
    }
}

fn list(ws: &[f64]) -> String {
    ws.iter().map(|w| num(*w, 2)).collect::<Vec<_>>().join(", ")
}

/// A rate with four significant figures.
fn sig_rate(x: f64) -> String {
    if x <= 0.0 {
        return "0".into();
    }
    let digits = (3 - x.log10().floor() as i32).max(0) as usize;
    num(x, digits)
}

fn fit_columns(prefix: &str, f: &Fitted) -> Vec<Column> {
    let c = f.choice.as_ref();
    let name = |s: &str| format!("{prefix}_{s}");
    vec![
        Column::new(name("source").into(), [f.source.key()]),
        Column::new(name("n").into(), [f.own as u64]),
        Column::new(
            name("distribution").into(),
            [c.map_or("", |c| c.best.family.name())],
        ),
        Column::new(
            name("median_hours").into(),
            [c.map(|c| c.best.quantile(0.5))],
        ),
        Column::new(name("p90_hours").into(), [c.map(|c| c.best.quantile(0.9))]),
        Column::new(name("mean_hours").into(), [c.map(|c| c.best.mean())]),
        Column::new(
            name("observed_median_hours").into(),
            [c.map(|c| c.observed_median)],
        ),
        Column::new(
            name("observed_p90_hours").into(),
            [c.map(|c| c.observed_p90)],
        ),
        Column::new(name("ks_statistic").into(), [c.map(|c| c.ks_statistic)]),
        Column::new(name("ks_p_value").into(), [c.map(|c| c.ks_p_value)]),
        Column::new(
            name("ks_p_value_asymptotic").into(),
            [c.map(|c| c.ks_p_value_asymptotic)],
        ),
        Column::new(
            name("aic_lognormal").into(),
            [c.and_then(|c| aic(c, Family::LogNormal))],
        ),
        Column::new(
            name("aic_gamma").into(),
            [c.and_then(|c| aic(c, Family::Gamma))],
        ),
        Column::new(
            name("aic_weibull").into(),
            [c.and_then(|c| aic(c, Family::Weibull))],
        ),
    ]
}

fn aic(c: &Choice, f: Family) -> Option<f64> {
    c.all.iter().find(|x| x.family == f).map(|x| x.aic())
}

/// `fit.csv`: one row per service. `ttr_*` columns without a prefix of their own in the
/// issue's contract (`ks_statistic`) name the restore-time fit.
pub fn fit_frame(cal: &Calibration) -> PolarsResult<DataFrame> {
    let mut frames = Vec::with_capacity(cal.services.len());
    for s in &cal.services {
        let ttr = s.ttr.choice.as_ref();
        let shares = s.severity_shares(&cal.pooled_severity_counts);
        let mix: Vec<String> = cal
            .severities
            .iter()
            .zip(&shares)
            .map(|(n, sh)| format!("{n} {:.1}%", sh * 100.0))
            .collect();
        let (profile_p, weights) = match &s.profile {
            Profile::Flat { .. } => (None, String::new()),
            Profile::HourOfDay { weights, p_value } | Profile::HourOfWeek { weights, p_value } => {
                (Some(*p_value), list(weights))
            }
        };
        let mut columns = vec![
            Column::new("service".into(), [s.name.as_str()]),
            Column::new("team".into(), [s.team.as_deref()]),
            Column::new("incidents".into(), [s.incidents as u64]),
            Column::new("resolved".into(), [s.resolved as u64]),
            Column::new("weeks".into(), [cal.weeks]),
            Column::new("arrivals_per_week".into(), [s.arrivals_per_week]),
            Column::new("arrivals_per_week_low".into(), [s.arrivals_per_week_low]),
            Column::new("arrivals_per_week_high".into(), [s.arrivals_per_week_high]),
            Column::new("arrivals_dispersion".into(), [s.dispersion]),
            Column::new("arrivals_dispersion_p_value".into(), [s.dispersion_p_value]),
            Column::new(
                "ttr_distribution".into(),
                [ttr.map_or("", |c| c.best.family.name())],
            ),
            Column::new(
                "ttr_median_hours".into(),
                [ttr.map(|c| c.best.quantile(0.5))],
            ),
            Column::new("ttr_p90_hours".into(), [ttr.map(|c| c.best.quantile(0.9))]),
            Column::new("ks_statistic".into(), [ttr.map(|c| c.ks_statistic)]),
            Column::new("ks_p_value".into(), [ttr.map(|c| c.ks_p_value)]),
        ];
        columns.extend(fit_columns("ttr", &s.ttr).into_iter().filter(|c| {
            !matches!(
                c.name().as_str(),
                "ttr_distribution" | "ttr_median_hours" | "ttr_p90_hours"
            )
        }));
        columns.extend(fit_columns("effort", &s.effort));
        columns.extend(fit_columns("tta", &s.tta));
        columns.push(Column::new(
            "severity_source".into(),
            [s.severity_source.key()],
        ));
        columns.push(Column::new("severity_mix".into(), [mix.join("; ")]));
        let share = s.change_share();
        columns.push(Column::new(
            "change_share_n".into(),
            [s.change_caused.map(|c| c.0 as u64)],
        ));
        columns.push(Column::new("change_share".into(), [share.map(|c| c.0)]));
        columns.push(Column::new("change_share_low".into(), [share.map(|c| c.1)]));
        columns.push(Column::new(
            "change_share_high".into(),
            [share.map(|c| c.2)],
        ));
        columns.push(Column::new("profile".into(), [s.profile.key()]));
        columns.push(Column::new("profile_p_value".into(), [profile_p]));
        columns.push(Column::new("profile_weights".into(), [weights]));
        frames.push(DataFrame::new_infer_height(columns)?);
    }
    let mut iter = frames.into_iter();
    let mut df = iter
        .next()
        .ok_or_else(|| polars_err!(NoData: "no services"))?;
    for f in iter {
        df.vstack_mut(&f)?;
    }
    Ok(df)
}

/// `skipped.csv`: the per-field account, one row per problem with a field: the row's line
/// and id, the column, the reason, what the row still counted for and whether it was kept
/// whole, in part or dropped.
pub fn skipped_frame(log: &Log) -> PolarsResult<DataFrame> {
    let s = &log.skipped;
    let counted_for = |k: &super::log::Skip| -> String {
        let keys: Vec<&str> = k.counted_for.iter().map(|u| u.key()).collect();
        let pooled = !keys.is_empty() && k.fate != Fate::Dropped && no_service(log, k.line);
        match (keys.is_empty(), pooled) {
            (true, _) => String::new(),
            (false, true) => format!("pooled: {}", keys.join(";")),
            (false, false) => keys.join(";"),
        }
    };
    DataFrame::new_infer_height(vec![
        Column::new(
            "line".into(),
            s.iter().map(|k| k.line as u64).collect::<Vec<_>>(),
        ),
        Column::new(
            "id".into(),
            s.iter().map(|k| k.id.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "field".into(),
            s.iter().map(|k| k.column.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "reason".into(),
            s.iter().map(|k| k.reason.key()).collect::<Vec<_>>(),
        ),
        Column::new(
            "detail".into(),
            s.iter().map(|k| k.detail.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "kept".into(),
            s.iter().map(|k| k.fate.key()).collect::<Vec<_>>(),
        ),
        Column::new(
            "counted_for".into(),
            s.iter().map(counted_for).collect::<Vec<_>>(),
        ),
    ])
}

/// Whether the record on `line` has no service (counts in pooled estimates only).
fn no_service(log: &Log, line: usize) -> bool {
    log.records
        .binary_search_by_key(&line, |r| r.line)
        .is_ok_and(|i| log.records[i].service.is_none())
}

/// The summary for stderr: rows read; kept whole, kept in part and dropped; and per reason
/// what it cost, with the first example.
pub fn summary(log: &Log) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let (whole, in_part, dropped) = log.fates();
    let mut o = format!(
        "{} read ({} layout): {} kept whole, {in_part} kept in part, {dropped} dropped",
        plural(log.rows, "row", "rows"),
        log.columns.format,
        plural(whole, "incident", "incidents"),
    );
    let by = log.skipped_by_reason();
    if by.is_empty() {
        o.push('\n');
        return o;
    }
    o.push_str(" (rows per problem; a row may have several):\n");
    for (fate, reason, column, n, first) in by {
        let cost: Vec<&str> = super::log::lost(reason, first.field)
            .iter()
            .map(|u| u.words())
            .collect();
        let effect = match fate {
            Fate::Dropped if reason == Reason::DuplicateId => "dropped".to_string(),
            Fate::Dropped => "dropped: nothing else usable".to_string(),
            _ if cost.is_empty() && reason == Reason::MissingId => {
                "kept; cannot be checked for duplicates".to_string()
            }
            _ if reason == Reason::MissingService => "counted in pooled estimates only".to_string(),
            _ => format!("not in {}", or_list(&cost)),
        };
        let what = if reason == Reason::UnparseableTimestamp || reason == Reason::MissingTimestamp {
            format!("{} ({column})", reason.words())
        } else {
            reason.words().to_string()
        };
        let example = format!(
            " (first: line {}{})",
            first.line,
            if first.detail.is_empty() {
                String::new()
            } else {
                format!(", {}", first.detail)
            }
        );
        let _ = writeln!(o, "  {n:>7}  {what}: {effect}{example}");
    }
    o
}

/// "a, b or c".
fn or_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// The fit table for the terminal: one line per service, the effort fit the fragment uses
/// first, the restore-time fit beside it for comparison.
pub fn table(cal: &Calibration) -> String {
    let mut rows = vec![vec![
        "service".to_string(),
        "incidents".into(),
        "per week".into(),
        "effort fit (used)".into(),
        "median".into(),
        "p90".into(),
        "KS p".into(),
        "source".into(),
        "restore median".into(),
        "restore KS p".into(),
    ]];
    let ks = |c: &Choice| {
        format!(
            "{:.3}{}",
            c.ks_p_value,
            if c.ks_p_value < 0.05 { " rejected" } else { "" }
        )
    };
    for s in &cal.services {
        let (sample, used, _) = s.effort_used();
        let e = used.choice.as_ref();
        let t = s.ttr.choice.as_ref();
        let family = e.map_or("-".into(), |c| {
            format!(
                "{}{}",
                c.best.family.name(),
                if sample == Sample::RestoreTime {
                    " (restore)"
                } else {
                    ""
                }
            )
        });
        rows.push(vec![
            s.name.clone(),
            s.incidents.to_string(),
            num(s.arrivals_per_week, 2),
            family,
            e.map_or("-".into(), |c| format_hours(c.best.quantile(0.5))),
            e.map_or("-".into(), |c| format_hours(c.best.quantile(0.9))),
            e.map_or("-".into(), ks),
            used.source.key().to_string(),
            t.map_or("-".into(), |c| format_hours(c.best.quantile(0.5))),
            t.map_or("-".into(), ks),
        ]);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut o = String::new();
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i == 0 {
                    format!("{c:<w$}", w = widths[i])
                } else {
                    format!("{c:>w$}", w = widths[i])
                }
            })
            .collect();
        let _ = writeln!(o, "{}", cells.join("  ").trim_end());
    }
    o
}
