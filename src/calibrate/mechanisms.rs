//! The long-run mechanisms a log can inform (docs/model.md §13), each with its sample size,
//! a 95% interval and whether the data can identify it:
//!
//! - **cascades** along `depends_on`: how often an incident on a service is followed,
//!   within a window, by one on a service that depends on it, in excess of what the
//!   dependent's own rate gives by chance — or, where the log has a `cause` column, its
//!   `cascade` incidents counted directly. The log shows `probability × (1 − resilience)`;
//!   the probability needs the resilience, which it cannot show;
//! - **hand-offs**: the wait from an escalation or reassignment to the acknowledgement of
//!   the team it went to, fitted as a lognormal (median and p90);
//! - **recurrence** (learning): the share of incidents followed by another of the same
//!   service and title within a number of weeks, early and late in the log. A falling share
//!   is what learning does; the log cannot say how much of it follow-up work did, so
//!   `learning.step` is not identified.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::log::{Log, Record};
use super::wilson;

const Z95: f64 = 1.959_963_984_540_054;
/// The standard normal's 90th percentile.
const Z90: f64 = 1.281_551_565_544_600_5;

/// Fewest opportunities (upstream incidents over every dependency) for a cascade estimate.
pub const MIN_TRIGGERS: usize = 30;
/// Fewest hand-offs with both timestamps for a delay fit.
pub const MIN_HANDOFFS: usize = 20;
/// Fewest incidents whose recurrence window the log covers, in each half, for a trend.
pub const MIN_RECURRENCE: usize = 20;

/// A service that depends on another: incidents on `upstream` may cascade to `dependent`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Dependency {
    /// The service that depends.
    pub dependent: String,
    /// The service it depends on.
    pub upstream: String,
}

/// How to estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct MechanismOptions {
    /// An incident on a dependent created within this many hours either side of one on
    /// a service it depends on counts as following it (cascades).
    pub window_hours: f64,
    /// An incident followed by another of the same service and title within this many
    /// weeks recurred.
    pub recurrence_weeks: f64,
    /// Every service's resilience when the log was recorded (the organisation's
    /// `[cascades] resilience`, else the scenario default 0.5).
    pub resilience: f64,
}

impl Default for MechanismOptions {
    fn default() -> Self {
        MechanismOptions {
            window_hours: 0.5,
            recurrence_weeks: 4.0,
            resilience: 0.5,
        }
    }
}

/// An estimated share with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Share {
    /// The estimate.
    pub value: f64,
    /// Lower end of the 95% interval.
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

impl Share {
    fn wilson(k: usize, n: usize) -> Share {
        let (low, high) = wilson(k, n);
        Share {
            value: k as f64 / n.max(1) as f64,
            low,
            high,
        }
    }

    /// The same share mapped through an increasing function.
    fn map(self, f: impl Fn(f64) -> f64) -> Share {
        Share {
            value: f(self.value),
            low: f(self.low),
            high: f(self.high),
        }
    }
}

/// Cascades along `depends_on`.
#[derive(Debug, Clone, PartialEq)]
pub struct Cascades {
    /// Dependencies whose two services are both in the log.
    pub dependencies: usize,
    /// Opportunities: incidents on an upstream service, once per dependent.
    pub triggers: usize,
    /// Of which followed within the window by an incident on the dependent.
    pub followed: usize,
    /// The share expected to be followed by chance (the dependents' own rates), mean over
    /// the opportunities.
    pub chance: f64,
    /// From timing: the share in excess of chance, `probability × (1 − resilience)`.
    pub timing: Option<Share>,
    /// From the `cause` column: (incidents on dependents marked `cascade`, opportunities)
    /// and the share, where the log has the column.
    pub from_cause: Option<(usize, Share)>,
    /// The resilience assumed to turn the share into `[cascades] probability`.
    pub resilience: f64,
    /// Why the log cannot identify it, if it cannot.
    pub warning: Option<String>,
}

impl Cascades {
    /// The share the fragment uses: the cause column's where present, else timing's.
    pub fn effective(&self) -> Option<Share> {
        self.from_cause.map(|c| c.1).or(self.timing)
    }

    /// `[cascades] probability`: the effective share over (1 − resilience), capped at 1.
    pub fn probability(&self) -> Option<Share> {
        let keep = 1.0 - self.resilience;
        if keep <= 0.0 {
            return None;
        }
        self.effective().map(|s| s.map(|v| (v / keep).min(1.0)))
    }
}

/// Hand-off delay from escalation timestamps.
#[derive(Debug, Clone, PartialEq)]
pub struct Handoffs {
    /// Incidents with a hand-off time.
    pub escalated: usize,
    /// Of which with a usable acknowledgement by the team handed to (at or after it).
    pub measured: usize,
    /// Of those, acknowledged at the instant of the hand-off (no wait; left out of the
    /// lognormal).
    pub instant: usize,
    /// Lognormal median of the wait, hours, with its 95% interval.
    pub median: Option<Share>,
    /// Lognormal 90th percentile, hours, with its 95% interval.
    pub p90: Option<Share>,
    /// Why the log cannot identify it, if it cannot.
    pub warning: Option<String>,
}

/// Recurring incidents (same service and title).
#[derive(Debug, Clone, PartialEq)]
pub struct Recurrence {
    /// Incidents with a service, title and creation time.
    pub titled: usize,
    /// Of which the log covers the following `recurrence_weeks` (the rest are censored).
    pub covered: usize,
    /// Share of the covered that recurred.
    pub share: Option<Share>,
    /// The same share expected by chance from each (service, title)'s own rate over the log.
    pub chance: Option<f64>,
    /// In the first half of the log's span: (covered, share).
    pub early: Option<(usize, Share)>,
    /// In the second half.
    pub late: Option<(usize, Share)>,
    /// Late minus early with its 95% interval (Newcombe's hybrid score).
    pub change: Option<Share>,
    /// Why the log cannot say more, if it cannot.
    pub warning: Option<String>,
}

/// Every mechanism estimate the log supports.
#[derive(Debug, Clone, PartialEq)]
pub struct Mechanisms {
    /// The options used.
    pub options: MechanismOptions,
    /// Cascades; None without a `depends_on` (no organisation) and no `cause` column.
    pub cascades: Cascades,
    /// Hand-offs; None without escalation timestamps in the log.
    pub handoffs: Option<Handoffs>,
    /// Recurrence; None without a title column.
    pub recurrence: Option<Recurrence>,
}

/// Estimates every mechanism the log shows. `dependencies` are the organisation's
/// `depends_on` (empty without an organisation).
pub fn estimate(log: &Log, dependencies: &[Dependency], options: &MechanismOptions) -> Mechanisms {
    Mechanisms {
        cascades: cascades(log, dependencies, options),
        handoffs: handoffs(log),
        recurrence: recurrence(log, options),
        options: options.clone(),
    }
}

/// Creation times (seconds) by service, sorted.
fn created_by_service(records: &[Record]) -> BTreeMap<&str, Vec<f64>> {
    let mut by: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for r in records {
        if let (Some(s), Some(c)) = (&r.service, r.created) {
            by.entry(s.as_str()).or_default().push(c.unix_seconds);
        }
    }
    for v in by.values_mut() {
        v.sort_by(f64::total_cmp);
    }
    by
}

/// The log's span in seconds (first to last creation).
fn span(records: &[Record]) -> Option<(f64, f64)> {
    let mut it = records
        .iter()
        .filter_map(|r| r.created.map(|c| c.unix_seconds));
    let first = it.next()?;
    let (lo, hi) = it.fold((first, first), |(lo, hi), c| (lo.min(c), hi.max(c)));
    (hi > lo).then_some((lo, hi))
}

fn cascades(log: &Log, dependencies: &[Dependency], options: &MechanismOptions) -> Cascades {
    let by = created_by_service(&log.records);
    let w = options.window_hours * 3_600.0;
    let length = span(&log.records).map_or(0.0, |(lo, hi)| hi - lo);
    let (mut triggers, mut followed, mut chance_sum, mut edges) = (0usize, 0usize, 0.0, 0usize);
    for d in dependencies {
        let (Some(up), Some(down)) = (by.get(d.upstream.as_str()), by.get(d.dependent.as_str()))
        else {
            continue;
        };
        edges += 1;
        // The dependent's own rate, cascades excluded where the log marks them.
        let own = log
            .records
            .iter()
            .filter(|r| r.service.as_deref() == Some(d.dependent.as_str()))
            .filter(|r| r.created.is_some() && r.cascade != Some(true))
            .count();
        let rate = if length > 0.0 {
            own as f64 / length
        } else {
            0.0
        };
        let chance = 1.0 - (-rate * 2.0 * w).exp();
        for &t in up {
            triggers += 1;
            chance_sum += chance;
            let from = down.partition_point(|&c| c < t - w);
            if down.get(from).is_some_and(|&c| c <= t + w) {
                followed += 1;
            }
        }
    }
    let chance = if triggers > 0 {
        chance_sum / triggers as f64
    } else {
        0.0
    };
    let timing = (triggers > 0 && chance < 1.0).then(|| {
        Share::wilson(followed, triggers).map(|f| ((f - chance) / (1.0 - chance)).max(0.0))
    });
    let from_cause = (log.records.iter().any(|r| r.cascade.is_some()) && triggers > 0).then(|| {
        let dependents: std::collections::BTreeSet<&str> = dependencies
            .iter()
            .filter(|d| by.contains_key(d.upstream.as_str()))
            .map(|d| d.dependent.as_str())
            .collect();
        let k = log
            .records
            .iter()
            .filter(|r| r.cascade == Some(true))
            .filter(|r| r.service.as_deref().is_some_and(|s| dependents.contains(s)))
            .count();
        (k, Share::wilson(k, triggers))
    });
    let warning = if dependencies.is_empty() {
        Some("no depends_on to look along: pass --dependencies FILE (a scenario whose services state depends_on) or an organisation (--organisation) that states them".to_string())
    } else if edges == 0 {
        Some("no dependency has incidents on both of its services in the log".to_string())
    } else if triggers < MIN_TRIGGERS {
        Some(format!(
            "{triggers} incidents on services others depend on, fewer than {MIN_TRIGGERS}: too few to tell cascades from chance"
        ))
    } else if from_cause.is_none() && timing.is_some_and(|s| s.low <= 0.0) {
        Some("the incidents on dependents that follow their dependencies' are not more than chance gives: the log cannot tell this probability from 0 (the upper end of the interval bounds it)".to_string())
    } else if options.resilience >= 1.0 {
        Some("resilience 1 absorbs every cascade: no probability can be inferred".to_string())
    } else {
        None
    };
    Cascades {
        dependencies: edges,
        triggers,
        followed,
        chance,
        timing,
        from_cause,
        resilience: options.resilience,
        warning,
    }
}

fn handoffs(log: &Log) -> Option<Handoffs> {
    let escalated: Vec<&Record> = log
        .records
        .iter()
        .filter(|r| r.escalated.is_some())
        .collect();
    if escalated.is_empty() {
        return None;
    }
    let waits: Vec<f64> = escalated
        .iter()
        .filter_map(|r| Some((r.owners_acknowledged? - r.escalated?) / 3_600.0))
        .filter(|w| *w >= 0.0)
        .collect();
    let positive: Vec<f64> = waits.iter().copied().filter(|w| *w > 0.0).collect();
    let n = positive.len();
    let (median, p90) = if n >= 2 {
        let logs: Vec<f64> = positive.iter().map(|w| w.ln()).collect();
        let mu = logs.iter().sum::<f64>() / n as f64;
        let var = logs.iter().map(|l| (l - mu).powi(2)).sum::<f64>() / (n - 1) as f64;
        let sigma = var.sqrt();
        let nf = n as f64;
        let se_mu = sigma / nf.sqrt();
        // Var(mu + z sigma) ≈ sigma²/n + z² sigma² / (2(n − 1)).
        let se_q = (var / nf + Z90 * Z90 * var / (2.0 * (nf - 1.0))).sqrt();
        let q = mu + Z90 * sigma;
        (
            Some(Share {
                value: mu.exp(),
                low: (mu - Z95 * se_mu).exp(),
                high: (mu + Z95 * se_mu).exp(),
            }),
            Some(Share {
                value: q.exp(),
                low: (q - Z95 * se_q).exp(),
                high: (q + Z95 * se_q).exp(),
            }),
        )
    } else {
        (None, None)
    };
    let warning = if waits.is_empty() {
        Some("the log has hand-off times but no acknowledgement by the team handed to: the wait cannot be measured".to_string())
    } else if n < MIN_HANDOFFS {
        Some(format!(
            "{n} hand-offs with a wait, fewer than {MIN_HANDOFFS}: too few to fit the delay"
        ))
    } else {
        None
    };
    Some(Handoffs {
        escalated: escalated.len(),
        measured: waits.len(),
        instant: waits.len() - n,
        median,
        p90,
        warning,
    })
}

/// Newcombe's hybrid score interval of a difference of two proportions (late − early).
fn difference(k1: usize, n1: usize, k2: usize, n2: usize) -> Share {
    let p1 = k1 as f64 / n1 as f64;
    let p2 = k2 as f64 / n2 as f64;
    let (l1, u1) = wilson(k1, n1);
    let (l2, u2) = wilson(k2, n2);
    let d = p2 - p1;
    Share {
        value: d,
        low: d - ((p2 - l2).powi(2) + (u1 - p1).powi(2)).sqrt(),
        high: d + ((u2 - p2).powi(2) + (p1 - l1).powi(2)).sqrt(),
    }
}

fn recurrence(log: &Log, options: &MechanismOptions) -> Option<Recurrence> {
    if !log.records.iter().any(|r| r.title.is_some()) {
        return None;
    }
    let (first, last) = span(&log.records)?;
    let window = options.recurrence_weeks * 168.0 * 3_600.0;
    let mut groups: BTreeMap<(&str, String), Vec<f64>> = BTreeMap::new();
    for r in &log.records {
        if let (Some(s), Some(t), Some(c)) = (&r.service, &r.title, r.created) {
            groups
                .entry((s.as_str(), t.trim().to_lowercase()))
                .or_default()
                .push(c.unix_seconds);
        }
    }
    let titled: usize = groups.values().map(Vec::len).sum();
    let middle = first + (last - first) / 2.0;
    let (mut covered, mut recurred, mut chance_sum) = (0usize, 0usize, 0.0);
    let mut halves = [(0usize, 0usize); 2];
    for times in groups.values_mut() {
        times.sort_by(f64::total_cmp);
        let rate = times.len() as f64 / (last - first);
        let chance = 1.0 - (-rate * window).exp();
        for (i, &t) in times.iter().enumerate() {
            if t + window > last {
                continue;
            }
            covered += 1;
            chance_sum += chance;
            let again = times.get(i + 1).is_some_and(|&n| n <= t + window);
            let half = &mut halves[usize::from(t >= middle)];
            half.0 += 1;
            if again {
                recurred += 1;
                half.1 += 1;
            }
        }
    }
    let share = (covered > 0).then(|| Share::wilson(recurred, covered));
    let half = |h: (usize, usize)| (h.0 > 0).then(|| (h.0, Share::wilson(h.1, h.0)));
    let (early, late) = (half(halves[0]), half(halves[1]));
    let change = (halves[0].0 > 0 && halves[1].0 > 0)
        .then(|| difference(halves[0].1, halves[0].0, halves[1].1, halves[1].0));
    let warning = if covered == 0 {
        Some(format!(
            "the log is shorter than {} weeks after every titled incident: no recurrence can be seen",
            options.recurrence_weeks
        ))
    } else if halves[0].0 < MIN_RECURRENCE || halves[1].0 < MIN_RECURRENCE {
        Some(format!(
            "fewer than {MIN_RECURRENCE} incidents in a half of the log whose next {} weeks it covers: too few to see a trend",
            options.recurrence_weeks
        ))
    } else {
        None
    };
    Some(Recurrence {
        titled,
        covered,
        share,
        chance: (covered > 0).then(|| chance_sum / covered as f64),
        early,
        late,
        change,
        warning,
    })
}

fn pct(s: Share) -> String {
    format!(
        "{:.1}% (95% CI {:.1}% to {:.1}%)",
        100.0 * s.value,
        100.0 * s.low,
        100.0 * s.high
    )
}

fn hours(h: f64) -> String {
    crate::units::format_hours(h)
}

/// The mechanisms as scenario text: `[cascades]` and `[handoff]` tables where the log
/// identifies them and the organisation does not set them already (`set` says which tables
/// it sets), else comments; learning always as comments. Every value with its interval and
/// sample size.
pub fn fragment(m: &Mechanisms, set: &dyn Fn(&str) -> bool) -> String {
    let mut o = String::from(
        "\n# ---- The long-run mechanisms the log shows (docs/calibrate.md, \"The long-run mechanisms a log shows\") ----\n",
    );
    cascades_text(&mut o, &m.cascades, &m.options, set("cascades"));
    handoff_text(&mut o, m.handoffs.as_ref(), set("handoff"));
    learning_text(&mut o, m.recurrence.as_ref(), &m.options);
    o
}

fn cascades_text(o: &mut String, c: &Cascades, options: &MechanismOptions, set: bool) {
    if c.triggers == 0 {
        let _ = writeln!(
            o,
            "#\n# Cascades along depends_on: WARNING: not identifiable: {}; [cascades] stays as assumed.",
            c.warning
                .as_deref()
                .unwrap_or("no incident on a service others depend on")
        );
        return;
    }
    let _ = writeln!(
        o,
        "#\n# Cascades along depends_on: {} dependencies with incidents on both services, {} incidents on a service others depend on; {} followed within {} either side by one on the dependent, {:.1}% expected by chance.",
        c.dependencies,
        c.triggers,
        c.followed,
        hours(options.window_hours),
        100.0 * c.chance
    );
    if let Some(t) = c.timing {
        let _ = writeln!(o, "#   excess over chance (timing): {}", pct(t));
    }
    if let Some((k, s)) = c.from_cause {
        let _ = writeln!(
            o,
            "#   from the cause column: {k} incidents marked cascade, {} (used)",
            pct(s)
        );
    }
    let _ = writeln!(
        o,
        "#   The log shows probability x (1 - resilience); with resilience {} (the organisation's or the dependencies', else the default) that gives the probability below. A different resilience gives probability = share / (1 - resilience).",
        c.resilience
    );
    let probability = c.probability();
    match (&c.warning, probability) {
        (None, Some(p)) => {
            let _ = writeln!(o, "#   probability 95% CI {:.3} to {:.3}", p.low, p.high);
            if set {
                let _ = writeln!(
                    o,
                    "# The organisation sets [cascades]; to use this, set there:\n#   probability = {:.4}",
                    p.value
                );
            } else {
                let _ = writeln!(
                    o,
                    "# The services above state the depends_on it was measured along."
                );
                let _ = writeln!(o, "[cascades]\nprobability = {:.4}", p.value);
                let _ = writeln!(o, "resilience = {}", c.resilience);
            }
        }
        (Some(w), p) => {
            let _ = writeln!(o, "#   WARNING: not identifiable: {w}");
            if let Some(p) = p {
                let _ = writeln!(
                    o,
                    "#   probability = {:.4}   # 95% CI {:.3} to {:.3}; not used",
                    p.value, p.low, p.high
                );
            }
        }
        (None, None) => {}
    }
}

fn handoff_text(o: &mut String, h: Option<&Handoffs>, set: bool) {
    let Some(h) = h else {
        let _ = writeln!(
            o,
            "#\n# Hand-offs: the log has no escalation or reassignment times (escalated_at and escalation_acknowledged_at in the generic layout): [handoff] stays as assumed."
        );
        return;
    };
    let _ = writeln!(
        o,
        "#\n# Hand-offs: {} incidents handed to another team, {} with the wait to that team's acknowledgement ({} at once).",
        h.escalated, h.measured, h.instant
    );
    let _ = writeln!(
        o,
        "#   The wait includes that team's time to answer; in whoruns it is the hand-off delay plus the owners' response, so read it as an upper bound on [handoff] delay."
    );
    let _ = writeln!(
        o,
        "#   effort_factor is not identifiable from timestamps: it needs the owners' hands-on time with and without a hand-off. Keep the assumption."
    );
    match (&h.warning, h.median, h.p90) {
        (None, Some(m), Some(p)) => {
            let _ = writeln!(
                o,
                "#   lognormal median {} (95% CI {} to {}), p90 {} (95% CI {} to {})",
                hours(m.value),
                hours(m.low),
                hours(m.high),
                hours(p.value),
                hours(p.low),
                hours(p.high)
            );
            let line = format!(
                "delay = {{ dist = \"lognormal\", median = \"{:.3}h\", p90 = \"{:.3}h\" }}",
                m.value, p.value
            );
            if set {
                let _ = writeln!(
                    o,
                    "# The organisation sets [handoff]; to use this, set there:\n#   {line}"
                );
            } else {
                let _ = writeln!(o, "[handoff]\n{line}");
            }
        }
        (w, m, p) => {
            let _ = writeln!(
                o,
                "#   WARNING: not identifiable: {}",
                w.as_deref().unwrap_or("no wait to fit")
            );
            if let (Some(m), Some(p)) = (m, p) {
                let _ = writeln!(
                    o,
                    "#   median {} (95% CI {} to {}), p90 {}; not used",
                    hours(m.value),
                    hours(m.low),
                    hours(m.high),
                    hours(p.value)
                );
            }
        }
    }
}

fn learning_text(o: &mut String, r: Option<&Recurrence>, options: &MechanismOptions) {
    let Some(r) = r else {
        let _ = writeln!(
            o,
            "#\n# Learning: the log has no title column, so recurring incidents cannot be seen; [learning] stays as assumed."
        );
        return;
    };
    let weeks = options.recurrence_weeks;
    let _ = writeln!(
        o,
        "#\n# Learning: {} incidents with a title; the log covers the {weeks} weeks after {} of them.",
        r.titled, r.covered
    );
    if let (Some(s), Some(c)) = (r.share, r.chance) {
        let _ = writeln!(
            o,
            "#   recurred (same service and title) within {weeks} weeks: {}; {:.1}% by chance at each title's rate",
            pct(s),
            100.0 * c
        );
    }
    if let (Some((n1, e)), Some((n2, l)), Some(d)) = (r.early, r.late, r.change) {
        let _ = writeln!(
            o,
            "#   first half of the log: {} of {n1}; second half: {} of {n2}; change {:+.1} points (95% CI {:+.1} to {:+.1})",
            pct(e),
            pct(l),
            100.0 * d.value,
            100.0 * d.low,
            100.0 * d.high
        );
    }
    if let Some(w) = &r.warning {
        let _ = writeln!(o, "#   WARNING: {w}");
    }
    let _ = writeln!(
        o,
        "#   WARNING: learning.step (and incentive, floor, drift) is not identifiable from a log: a falling recurrence is what done follow-ups do, but so do other changes, and the log does not say which follow-ups were done. Keep the assumptions; read the figures above as a check on their direction."
    );
}

/// The organisation's `depends_on` and `[cascades] resilience`, read from its text
/// (services it states with `depends_on`); and which top-level tables it sets.
pub fn from_organisation(text: &str) -> (Vec<Dependency>, Option<f64>, Vec<String>) {
    // Read as edits read it: a value written with its range is the value.
    let Ok(value) = crate::edit::parse_table(text) else {
        return (Vec::new(), None, Vec::new());
    };
    let mut deps = Vec::new();
    if let Some(services) = value.get("services").and_then(|s| s.as_array()) {
        for s in services {
            let Some(name) = s.get("name").and_then(|n| n.as_str()) else {
                continue;
            };
            for up in s
                .get("depends_on")
                .and_then(|d| d.as_array())
                .into_iter()
                .flatten()
                .filter_map(|u| u.as_str())
            {
                deps.push(Dependency {
                    dependent: name.to_string(),
                    upstream: up.to_string(),
                });
            }
        }
    }
    let resilience = value
        .get("cascades")
        .and_then(|c| c.get("resilience"))
        .and_then(|r| r.as_float());
    (deps, resilience, value.keys().cloned().collect())
}

/// The fragment with each calibrated service's `depends_on` (the dependencies whose two
/// services are both calibrated), so that the joined scenario cascades along them.
pub fn with_depends_on(fragment: &str, dependencies: &[Dependency]) -> String {
    let names: std::collections::BTreeSet<String> = fragment
        .lines()
        .filter_map(|l| l.strip_prefix("name = "))
        .filter_map(|n| n.parse::<toml::Value>().ok())
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    let mut out = String::with_capacity(fragment.len());
    let mut in_service = false;
    for line in fragment.split_inclusive('\n') {
        out.push_str(line);
        let bare = line.trim_end();
        if bare.starts_with('[') {
            in_service = bare == "[[services]]";
        }
        let Some(name) = bare
            .strip_prefix("name = ")
            .filter(|_| in_service)
            .and_then(|n| n.parse::<toml::Value>().ok())
            .and_then(|v| v.as_str().map(str::to_string))
        else {
            continue;
        };
        let ups: Vec<String> = dependencies
            .iter()
            .filter(|d| d.dependent == name && names.contains(&d.upstream))
            .map(|d| toml::Value::String(d.upstream.clone()).to_string())
            .collect();
        if !ups.is_empty() {
            out.push_str(&format!("depends_on = [{}]\n", ups.join(", ")));
        }
    }
    out
}
