//! Calibration from an organisation's own incidents: `whoruns calibrate` reads an incident
//! tool's export and fits, per service, what a scenario needs — how often incidents arrive
//! (and when in the week), how long they take to acknowledge and to restore, and their
//! severity mix — and writes it as a scenario fragment.
//!
//! - [`format`] knows the layouts (generic, PagerDuty, incident.io) and detects them;
//! - [`log`] reads rows into incidents, each field checked on its own: a bad field costs
//!   the estimates that need it, not the incident;
//! - [`mechanisms`] estimates the long-run mechanisms the log shows (cascades, hand-offs,
//!   recurring incidents), each with its interval and whether the log identifies it;
//! - [`net`] nets owners' effort of the waits and hand-offs of the model that made the log;
//! - [`pagerduty`] reads PagerDuty's REST API JSON (pages of `GET /incidents`, log entries);
//! - [`fit`] fits lognormal, gamma and Weibull by maximum likelihood and picks by AIC;
//! - [`time`] parses and writes RFC 3339 timestamps;
//! - [`fragment`] writes the scenario fragment and the `fit.csv` table;
//! - [`write`] writes a simulated replication as a log (the round trip).

pub mod fit;
pub mod format;
pub mod fragment;
pub mod join;
pub mod log;
pub mod mechanisms;
pub mod net;
pub mod pagerduty;
pub mod time;
pub mod write;

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::special;
use fit::Choice;
use log::{Log, Record};
use rayon::prelude::*;

/// How to fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FitOptions {
    /// A service with fewer incidents than this in a sample takes the pooled fit.
    pub min_incidents: usize,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions { min_incidents: 20 }
    }
}

/// Where a service's fit came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Its own incidents.
    Service,
    /// Every service's incidents pooled: too few of its own.
    Pooled,
    /// Nothing to fit (no pooled data either).
    None,
}

impl Source {
    /// The key in `fit.csv`.
    pub fn key(self) -> &'static str {
        match self {
            Source::Service => "service",
            Source::Pooled => "pooled",
            Source::None => "none",
        }
    }
}

/// A fitted duration: the choice used and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    /// The fit used (the service's own, or the pooled one).
    pub choice: Option<Choice>,
    /// Where it came from.
    pub source: Source,
    /// How many of the service's own incidents had this duration.
    pub own: usize,
}

/// Which arrival profile the data supports.
#[derive(Debug, Clone, PartialEq)]
pub enum Profile {
    /// Flat: too few incidents, or no evidence of a pattern.
    Flat {
        /// Why, in words.
        why: String,
    },
    /// 24 relative weights, hour of day.
    HourOfDay {
        /// Weights, mean 1.
        weights: Vec<f64>,
        /// p-value of the chi-square test against a flat day.
        p_value: f64,
    },
    /// 168 relative weights, hour of week, Monday 00:00 first.
    HourOfWeek {
        /// Weights, mean 1.
        weights: Vec<f64>,
        /// p-value of the chi-square test against the hour-of-day profile.
        p_value: f64,
    },
}

impl Profile {
    /// The key in `fit.csv`.
    pub fn key(&self) -> &'static str {
        match self {
            Profile::Flat { .. } => "flat",
            Profile::HourOfDay { .. } => "hour-of-day",
            Profile::HourOfWeek { .. } => "hour-of-week",
        }
    }
}

/// One service's calibration.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceFit {
    /// Service name.
    pub name: String,
    /// Team, where the log gives one (the most frequent).
    pub team: Option<String>,
    /// Incidents created in the window.
    pub incidents: usize,
    /// Of which resolved at a usable time.
    pub resolved: usize,
    /// Of which still open (no resolution time); the rest have an unusable one.
    pub open: usize,
    /// Incidents per week.
    pub arrivals_per_week: f64,
    /// 95% interval of the rate (exact Poisson, Wilson–Hilferty).
    pub arrivals_per_week_low: f64,
    /// See `arrivals_per_week_low`.
    pub arrivals_per_week_high: f64,
    /// Variance-to-mean ratio of the service's weekly incident counts (1 for a Poisson
    /// process; above 1, incidents cluster), over the window's whole weeks; None with
    /// fewer than 4 weeks or no incident in them.
    pub dispersion: Option<f64>,
    /// p-value of the index-of-dispersion test of Poisson arrivals (chi-square, one-sided:
    /// small when incidents cluster more than a Poisson process would).
    pub dispersion_p_value: Option<f64>,
    /// Time to restore: resolved − created.
    pub ttr: Fitted,
    /// Hands-on time: resolved − acknowledged.
    pub effort: Fitted,
    /// Time to acknowledge: acknowledged − created.
    pub tta: Fitted,
    /// The service's restore times (hours, sorted), for charts.
    pub ttr_hours: Vec<f64>,
    /// The service's hands-on times (hours, sorted), for charts.
    pub effort_hours: Vec<f64>,
    /// Incidents of a known severity per class, in [`Calibration::severities`] order.
    pub severity_counts: Vec<usize>,
    /// Whether the severity mix is the service's own or pooled.
    pub severity_source: Source,
    /// The arrival profile.
    pub profile: Profile,
    /// Incidents with a known cause (a cause or change-link column) and of them those a
    /// change caused; None without such a column.
    pub change_caused: Option<(usize, usize)>,
}

impl ServiceFit {
    /// The share of incidents a change caused, with its 95% interval (Wilson), where the
    /// log says.
    pub fn change_share(&self) -> Option<(f64, f64, f64)> {
        let (n, k) = self.change_caused?;
        if n == 0 {
            return None;
        }
        let (low, high) = wilson(k, n);
        Some((k as f64 / n as f64, low, high))
    }
}

/// The Wilson 95% interval of a binomial proportion k of n.
pub fn wilson(k: usize, n: usize) -> (f64, f64) {
    const Z: f64 = 1.959_963_984_540_054;
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let centre = (p + Z * Z / (2.0 * n)) / (1.0 + Z * Z / n);
    let half = Z * (p * (1.0 - p) / n + Z * Z / (4.0 * n * n)).sqrt() / (1.0 + Z * Z / n);
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// Which sample the fragment's `effort` is fitted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sample {
    /// Hands-on time, resolved − acknowledged.
    Effort,
    /// The whole restore time, resolved − created: the log has no usable acknowledgements.
    RestoreTime,
}

impl ServiceFit {
    /// The fit the fragment's `effort` uses, which sample it was fitted to, and that
    /// sample (hours, sorted): hands-on time where the log has acknowledgements, else the
    /// whole restore time. The one place that decides it, for the fragment and the charts.
    pub fn effort_used(&self) -> (Sample, &Fitted, &[f64]) {
        if self.effort.choice.is_some() {
            (Sample::Effort, &self.effort, &self.effort_hours)
        } else {
            (Sample::RestoreTime, &self.ttr, &self.ttr_hours)
        }
    }

    /// The severity shares used (own or pooled), in [`Calibration::severities`] order.
    pub fn severity_shares<'a>(&'a self, pooled: &'a [usize]) -> Vec<f64> {
        let counts = match self.severity_source {
            Source::Service => &self.severity_counts,
            _ => pooled,
        };
        let total: usize = counts.iter().sum();
        counts
            .iter()
            .map(|c| *c as f64 / total.max(1) as f64)
            .collect()
    }
}

/// A calibrated log.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// Weeks from the first incident created to the last.
    pub weeks: f64,
    /// Severity classes, most severe first.
    pub severities: Vec<String>,
    /// Incidents per severity over every service.
    pub pooled_severity_counts: Vec<usize>,
    /// Pooled fits over every service's incidents.
    pub pooled_ttr: Option<Choice>,
    /// See `pooled_ttr`.
    pub pooled_effort: Option<Choice>,
    /// See `pooled_ttr`.
    pub pooled_tta: Option<Choice>,
    /// Per service, by name.
    pub services: Vec<ServiceFit>,
    /// The options used.
    pub options: FitOptions,
}

/// Nothing usable to calibrate from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalibrateError {
    /// No usable rows.
    #[error("no usable incidents: {0}")]
    Empty(String),
}

/// Calibrates from a checked log.
pub fn calibrate(log: &Log, options: FitOptions) -> Result<Calibration, CalibrateError> {
    let records = &log.records;
    let created: Vec<f64> = records
        .iter()
        .filter_map(|r| r.created.map(|c| c.unix_seconds))
        .collect();
    if created.len() < 2 {
        return Err(CalibrateError::Empty(format!(
            "{} of {} rows have a usable creation time; at least 2 incidents are needed to measure a rate",
            created.len(),
            log.rows
        )));
    }
    let first = created.iter().copied().fold(f64::INFINITY, f64::min);
    let last = created.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let weeks = (last - first) / (168.0 * 3_600.0);
    if weeks <= 0.0 {
        return Err(CalibrateError::Empty(
            "every usable incident was created at the same instant: no time span to measure a rate over".into(),
        ));
    }
    let severities = rank_severities(records.iter().filter_map(|r| r.severity.as_deref()));
    let sev_index = |name: &str| severities.iter().position(|s| s == name).unwrap_or(0);

    let hours = |rs: &[&Record], f: fn(&Record) -> Option<f64>| -> Vec<f64> {
        rs.iter()
            .filter_map(|r| f(r))
            .map(|s| s / 3_600.0)
            .collect()
    };
    let ttr_of = Record::ttr_seconds;
    let effort_of = Record::effort_seconds;
    let tta_of = Record::tta_seconds;
    let all: Vec<&Record> = records.iter().collect();
    // Fits are independent and each is a pure function of its sample (the bootstrap is
    // seeded from it), so they run in parallel with the same result on any thread count.
    let (pooled_ttr, (pooled_effort, pooled_tta)) = rayon::join(
        || fit::fit(&hours(&all, ttr_of)),
        || {
            rayon::join(
                || fit::fit(&hours(&all, effort_of)),
                || fit::fit(&hours(&all, tta_of)),
            )
        },
    );
    let mut pooled_severity_counts = vec![0; severities.len()];
    for s in records.iter().filter_map(|r| r.severity.as_deref()) {
        pooled_severity_counts[sev_index(s)] += 1;
    }

    let mut by_service: BTreeMap<&str, Vec<&Record>> = BTreeMap::new();
    for r in records {
        if let Some(s) = &r.service {
            by_service.entry(s).or_default().push(r);
        }
    }
    let exposure = week_exposure(first, last, log.offset_minutes);
    let fitted = |own: &[f64], pooled: &Option<Choice>| -> Fitted {
        let n = own.len();
        if n >= options.min_incidents
            && let Some(c) = fit::fit(own)
        {
            return Fitted {
                choice: Some(c),
                source: Source::Service,
                own: n,
            };
        }
        Fitted {
            choice: pooled.clone(),
            source: if pooled.is_some() {
                Source::Pooled
            } else {
                Source::None
            },
            own: n,
        }
    };
    let by_service: Vec<(&str, Vec<&Record>)> = by_service.into_iter().collect();
    let services = by_service
        .into_par_iter()
        .map(|(name, rs)| {
            let n = rs.len();
            let mut ttr_hours = hours(&rs, ttr_of);
            ttr_hours.sort_by(f64::total_cmp);
            let mut effort_hours = hours(&rs, effort_of);
            effort_hours.sort_by(f64::total_cmp);
            let mut severity_counts = vec![0; severities.len()];
            for s in rs.iter().filter_map(|r| r.severity.as_deref()) {
                severity_counts[sev_index(s)] += 1;
            }
            let known_severity: usize = severity_counts.iter().sum();
            let (low, high) = poisson_interval(n);
            let (dispersion, dispersion_p_value) = dispersion(&rs, first, weeks);
            ServiceFit {
                name: name.to_string(),
                team: most_frequent(rs.iter().filter_map(|r| r.team.as_deref())),
                incidents: n,
                resolved: rs.iter().filter(|r| r.resolved.is_some()).count(),
                open: rs.iter().filter(|r| r.open).count(),
                arrivals_per_week: n as f64 / weeks,
                arrivals_per_week_low: low / weeks,
                arrivals_per_week_high: high / weeks,
                dispersion,
                dispersion_p_value,
                ttr: fitted(&ttr_hours, &pooled_ttr),
                effort: fitted(&effort_hours, &pooled_effort),
                tta: fitted(&hours(&rs, tta_of), &pooled_tta),
                ttr_hours,
                effort_hours,
                severity_counts,
                severity_source: if known_severity >= options.min_incidents {
                    Source::Service
                } else {
                    Source::Pooled
                },
                profile: profile(&rs, &exposure),
                change_caused: log.columns.cause.as_ref().map(|_| {
                    let known: Vec<bool> = rs.iter().filter_map(|r| r.change).collect();
                    (known.len(), known.iter().filter(|c| **c).count())
                }),
            }
        })
        .collect();
    Ok(Calibration {
        weeks,
        severities,
        pooled_severity_counts,
        pooled_ttr,
        pooled_effort,
        pooled_tta,
        services,
        options,
    })
}

/// The index of dispersion of weekly counts over the window's whole weeks, and the p-value
/// of Poisson arrivals against clustering: Σ(cᵢ − c̄)²/c̄ is chi-square with W − 1 degrees
/// of freedom for a Poisson process (Cox & Lewis 1966).
fn dispersion(rs: &[&Record], first: f64, weeks: f64) -> (Option<f64>, Option<f64>) {
    let created: Vec<f64> = rs
        .iter()
        .filter_map(|r| r.created.map(|c| c.unix_seconds))
        .collect();
    let whole = weeks.floor();
    if whole < 4.0 {
        return (None, None);
    }
    let w = whole as usize;
    let mut counts = vec![0.0f64; w];
    for c in created {
        let i = ((c - first) / (168.0 * 3_600.0)).floor();
        if i >= 0.0 && (i as usize) < w {
            counts[i as usize] += 1.0;
        }
    }
    let mean = counts.iter().sum::<f64>() / whole;
    if mean <= 0.0 {
        return (None, None);
    }
    let index: f64 = counts.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / mean;
    // Σ(cᵢ − c̄)²/c̄ over W − 1 is the sample variance over the mean.
    (
        Some(index / (whole - 1.0)),
        Some(special::chi_square_sf(index, whole - 1.0)),
    )
}

fn most_frequent<'a>(names: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for n in names {
        *counts.entry(n).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
        .map(|(n, _)| n.to_string())
}

/// 95% interval of a Poisson count (Wilson–Hilferty approximation to the exact,
/// chi-square interval; within 1% of it from n = 1).
pub fn poisson_interval(n: usize) -> (f64, f64) {
    const Z: f64 = 1.959_963_984_540_054;
    let n = n as f64;
    let low = if n == 0.0 {
        0.0
    } else {
        n * (1.0 - 1.0 / (9.0 * n) - Z / (3.0 * n.sqrt())).powi(3)
    };
    let m = n + 1.0;
    let high = m * (1.0 - 1.0 / (9.0 * m) + Z / (3.0 * m.sqrt())).powi(3);
    (low.max(0.0), high)
}

/// Hours of each hour-of-week (on the log's clock) between `from` and `to`.
fn week_exposure(from: f64, to: f64, offset_minutes: i32) -> [f64; 168] {
    // Whole weeks cover every hour alike; only the remainder (under a week) is walked.
    let week = 168.0 * 3_600.0;
    let whole = ((to - from) / week).floor().max(0.0);
    let mut exposure = [whole; 168];
    let mut t = from + whole * week;
    while t < to {
        let next = ((t / 3_600.0).floor() + 1.0) * 3_600.0;
        let end = next.min(to);
        let how = time::Stamp {
            unix_seconds: t,
            offset_minutes,
        }
        .hour_of_week();
        exposure[how] += (end - t) / 3_600.0;
        t = end;
    }
    exposure
}

/// Fewest incidents per weight, on average, before a profile is estimated: 5 per cell, the
/// usual floor for a chi-square test.
pub const PER_WEIGHT: usize = 5;

/// The arrival profile the service's creation times support: hour of week when there are
/// ≥ 5 incidents per hour of week and it departs from the hour-of-day profile (chi-square,
/// 5%); else hour of day when there are ≥ 5 per hour and it departs from flat; else flat.
fn profile(rs: &[&Record], exposure: &[f64; 168]) -> Profile {
    let placed: Vec<time::Stamp> = rs
        .iter()
        .filter(|r| r.in_profile)
        .filter_map(|r| r.created)
        .collect();
    let n = placed.len();
    let mut week = [0.0f64; 168];
    for c in &placed {
        week[c.hour_of_week()] += 1.0;
    }
    let total_exposure: f64 = exposure.iter().sum();
    if n < 24 * PER_WEIGHT {
        return Profile::Flat {
            why: format!(
                "{n} incidents, fewer than {} for an hour-of-day profile",
                24 * PER_WEIGHT
            ),
        };
    }
    let mut day = [0.0f64; 24];
    let mut day_exposure = [0.0f64; 24];
    for h in 0..168 {
        day[h % 24] += week[h];
        day_exposure[h % 24] += exposure[h];
    }
    let nf = n as f64;
    let chi = |observed: &[f64], expected: &[f64]| -> f64 {
        observed
            .iter()
            .zip(expected)
            .filter(|(_, e)| **e > 0.0)
            .map(|(o, e)| (o - e).powi(2) / e)
            .sum()
    };
    let day_expected: Vec<f64> = day_exposure
        .iter()
        .map(|e| nf * e / total_exposure)
        .collect();
    let day_p = special::chi_square_sf(chi(&day, &day_expected), 23.0);
    // Rate per hour of day, per hour of exposure: the hour-of-day model of each week hour.
    let day_rate: Vec<f64> = (0..24)
        .map(|h| {
            if day_exposure[h] > 0.0 {
                day[h] / day_exposure[h]
            } else {
                0.0
            }
        })
        .collect();
    let weights = |counts: &[f64], exposures: &[f64]| -> Vec<f64> {
        let rates: Vec<f64> = counts
            .iter()
            .zip(exposures)
            .map(|(c, e)| if *e > 0.0 { c / e } else { 0.0 })
            .collect();
        let mean = rates.iter().sum::<f64>() / rates.len() as f64;
        rates
            .iter()
            .map(|r| (r / mean * 100.0).round() / 100.0)
            .collect()
    };
    if n >= 168 * PER_WEIGHT {
        let week_expected: Vec<f64> = (0..168).map(|h| day_rate[h % 24] * exposure[h]).collect();
        let week_p = special::chi_square_sf(chi(&week, &week_expected), 144.0);
        if week_p < 0.05 {
            return Profile::HourOfWeek {
                weights: weights(&week, exposure),
                p_value: week_p,
            };
        }
    }
    if day_p < 0.05 {
        Profile::HourOfDay {
            weights: weights(&day, &day_exposure),
            p_value: day_p,
        }
    } else {
        Profile::Flat {
            why: format!("no evidence of a daily pattern (chi-square p = {day_p:.2})"),
        }
    }
}

/// Where a severity name ranks among common words (most severe first).
fn word_rank(name: &str) -> Option<u8> {
    Some(match name.to_lowercase().as_str() {
        "critical" | "emergency" | "fatal" => 0,
        "major" | "high" | "severe" => 1,
        "medium" | "moderate" => 2,
        "minor" | "low" => 3,
        "info" | "informational" | "trivial" => 4,
        _ => return None,
    })
}

/// Orders severities most severe first: common words (critical, major, high, medium,
/// minor, low) by meaning, other names naturally (SEV1 before SEV2 before SEV10, P1 before P2).
pub fn rank_severities<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut set: Vec<String> = names
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(str::to_string)
        .collect();
    set.sort_by(|a, b| match (word_rank(a), word_rank(b)) {
        (Some(x), Some(y)) => x.cmp(&y).then_with(|| a.cmp(b)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => natural(a, b),
    });
    set
}

/// Compares with runs of digits as numbers.
fn natural(a: &str, b: &str) -> Ordering {
    let key = |s: &str| -> Vec<(String, u64)> {
        let mut out = Vec::new();
        let mut text = String::new();
        let mut digits = String::new();
        for c in s.chars() {
            if c.is_ascii_digit() {
                digits.push(c);
            } else {
                if !digits.is_empty() {
                    out.push((
                        std::mem::take(&mut text),
                        digits.parse().unwrap_or(u64::MAX),
                    ));
                    digits.clear();
                }
                text.push(c.to_ascii_lowercase());
            }
        }
        out.push((text, digits.parse().unwrap_or(0)));
        out
    };
    key(a).cmp(&key(b)).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_rank_by_meaning_then_naturally() {
        let r = rank_severities(["SEV10", "SEV2", "SEV1"].into_iter());
        assert_eq!(r, ["SEV1", "SEV2", "SEV10"]);
        let r = rank_severities(["low", "high"].into_iter());
        assert_eq!(r, ["high", "low"]);
        let r = rank_severities(["Minor", "Critical", "Major"].into_iter());
        assert_eq!(r, ["Critical", "Major", "Minor"]);
    }

    #[test]
    fn poisson_interval_matches_exact_values() {
        // Exact 95% limits (Garwood): n = 10 → 4.795–18.39; n = 100 → 81.36–121.63.
        let (l, h) = poisson_interval(10);
        assert!(
            (l - 4.795).abs() < 0.05 && (h - 18.39).abs() < 0.05,
            "{l} {h}"
        );
        let (l, h) = poisson_interval(100);
        assert!(
            (l - 81.36).abs() < 0.1 && (h - 121.63).abs() < 0.1,
            "{l} {h}"
        );
    }
}
