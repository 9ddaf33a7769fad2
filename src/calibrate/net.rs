//! `whoruns calibrate --model M`: owners' effort net of the waits and hand-offs model M
//! adds. A log's hands-on time (acknowledged → resolved) is the owners' effort only where
//! owners are first on call; under `ops-run` it is an operator's slower diagnosis, and for
//! escalations the wait for business hours and prioritisation plus the developers' work.
//!
//! **Method: simulated quantile matching** (indirect inference, Gouriéroux, Monfort &
//! Renault 1993). The organisation joined with the fragment is simulated under M; each
//! service's owners' effort (lognormal, by median and 90th percentile) is adjusted until the
//! simulated hands-on times — measured as the log measures them, acknowledged → restored —
//! have the log's median and 90th percentile. Each step is a secant step per quantile on the
//! log scale (the first a plain shift: a model that multiplies effort needs one step); the
//! simulations use the same seeds every time (common random numbers), so the simulated
//! quantiles move smoothly with the parameters. The engine is the model, so the result is
//! net of exactly what the simulation adds: knowledge, escalations, hand-offs, business hours,
//! prioritisation, workarounds.

use rayon::prelude::*;

use super::Calibration;
use super::fit::duration;
use crate::model::ModelKind;
use crate::rng::replication_seed;
use crate::units::format_hours;
use crate::world::World;

/// How to net effort.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NetOptions {
    /// The model the organisation ran when the log was recorded.
    pub model: ModelKind,
    /// Replications simulated per step.
    pub replications: u32,
    /// Most steps.
    pub iterations: usize,
}

impl NetOptions {
    /// The defaults for `model`: 20 replications, at most 20 steps.
    pub fn new(model: ModelKind) -> NetOptions {
        NetOptions {
            model,
            replications: 20,
            iterations: 20,
        }
    }
}

/// One service's effort, as logged and net of the model.
#[derive(Debug, Clone, PartialEq)]
pub struct NetEffort {
    /// The service.
    pub service: String,
    /// Hands-on times in the log.
    pub n: usize,
    /// The log's median hands-on time, hours.
    pub observed_median: f64,
    /// The log's 90th percentile, hours.
    pub observed_p90: f64,
    /// Owners' effort: median, hours.
    pub median: f64,
    /// Owners' effort: 90th percentile, hours.
    pub p90: f64,
    /// Simulated under the model with that effort: median hands-on time, hours.
    pub simulated_median: f64,
    /// See `simulated_median`.
    pub simulated_p90: f64,
    /// Simulated hands-on times the last step measured.
    pub simulated_n: usize,
}

impl NetEffort {
    /// The owners' effort in the scenario's words.
    pub fn to_scenario(&self) -> String {
        format!(
            "{{ dist = \"lognormal\", median = \"{}\", p90 = \"{}\" }}",
            duration(self.median),
            duration(self.p90)
        )
    }

    /// Whether the simulated quantiles reached the log's within 2%.
    pub fn converged(&self) -> bool {
        (self.simulated_median / self.observed_median).ln().abs() < 0.02
            && (self.simulated_p90 / self.observed_p90).ln().abs() < 0.02
    }
}

/// Owners' effort net of a model.
#[derive(Debug, Clone, PartialEq)]
pub struct Net {
    /// The options used.
    pub options: NetOptions,
    /// Steps taken.
    pub iterations: usize,
    /// Services netted (those with an effort fit of their own), in the calibration's order.
    pub services: Vec<NetEffort>,
}

/// Why effort could not be netted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NetError {
    /// The organisation with the fragment is not a scenario.
    #[error("the organisation joined with the fragment is not a valid scenario: {0}")]
    Scenario(String),
    /// The log has no hands-on times to net.
    #[error(
        "no service has {0} or more hands-on times (acknowledged and resolved) of its own: nothing to net of the model"
    )]
    Nothing(usize),
}

/// A step's log-scale parameters (median, p90) and the simulated values they gave.
type Step = ((f64, f64), (f64, f64));

/// The p-quantile of sorted values (linear interpolation).
fn quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = p * (sorted.len() - 1) as f64;
    let (i, f) = (h.floor() as usize, h - h.floor());
    let next = sorted[(i + 1).min(sorted.len() - 1)];
    sorted[i] + f * (next - sorted[i])
}

/// `fragment` with each named service's `effort = …` line replaced by the given text.
pub fn with_efforts(fragment: &str, efforts: &[(String, String)]) -> String {
    let mut out = String::with_capacity(fragment.len());
    let mut current: Option<String> = None;
    for line in fragment.lines() {
        if line.starts_with("[[services]]") {
            current = None;
        } else if let Some(name) = line.strip_prefix("name = ") {
            current = toml::from_str::<toml::Value>(&format!("v = {name}"))
                .ok()
                .and_then(|v| v.get("v").and_then(|s| s.as_str()).map(str::to_string));
        }
        match (&current, line.starts_with("effort = ")) {
            (Some(name), true) => match efforts.iter().find(|(n, _)| n == name) {
                Some((_, e)) => out.push_str(e),
                None => out.push_str(line),
            },
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

/// Simulated hands-on times (hours, sorted) per service of `scenario` under `model`,
/// measured as the log measures them, over `replications` replications.
fn simulated(scenario: &crate::Scenario, model: ModelKind, replications: u32) -> Vec<Vec<f64>> {
    let per: Vec<Vec<(u32, f64)>> = (0..replications)
        .into_par_iter()
        .map(|r| {
            let seed = replication_seed(scenario.seed, r);
            let world = World::generate(scenario, seed);
            crate::engine::trace(scenario, &world, model, seed)
                .into_iter()
                .filter(|t| {
                    t.detected >= scenario.warmup_hours
                        && t.detected < scenario.horizon_hours
                        && t.restored.is_finite()
                        && t.restored < scenario.horizon_hours
                        && t.acknowledged <= t.restored
                })
                .map(|t| (t.service, t.restored - t.acknowledged))
                .collect()
        })
        .collect();
    let mut out = vec![Vec::new(); scenario.services.len()];
    for (s, h) in per.into_iter().flatten() {
        out[s as usize].push(h.max(super::fit::FLOOR_HOURS));
    }
    for v in &mut out {
        v.sort_by(f64::total_cmp);
    }
    out
}

/// Owners' effort net of `options.model`, for every service of `cal` with hands-on times of
/// its own, from `organisation` joined with `fragment` (the calibration's).
pub fn net_effort(
    organisation: &str,
    fragment: &str,
    cal: &Calibration,
    options: NetOptions,
) -> Result<Net, NetError> {
    let mut organisation = organisation.to_string();
    if !organisation.ends_with('\n') {
        organisation.push('\n');
    }
    let targets: Vec<(String, usize, f64, f64)> = cal
        .services
        .iter()
        .filter(|s| s.effort.source == super::Source::Service)
        .map(|s| {
            (
                s.name.clone(),
                s.effort_hours.len(),
                quantile(&s.effort_hours, 0.5).max(super::fit::FLOOR_HOURS),
                quantile(&s.effort_hours, 0.9).max(super::fit::FLOOR_HOURS),
            )
        })
        .collect();
    if targets.is_empty() {
        return Err(NetError::Nothing(cal.options.min_incidents));
    }
    // Log-scale parameters per service: (ln median, ln p90), with the previous step's
    // parameters and simulated values for the secant.
    let mut x: Vec<(f64, f64)> = targets
        .iter()
        .map(|t| (t.2.ln(), t.3.ln().max(t.2.ln() + 0.05)))
        .collect();
    let mut previous: Vec<Option<Step>> = vec![None; targets.len()];
    let mut result = Vec::new();
    let mut steps = 0;
    for step in 0..options.iterations.max(1) {
        steps = step + 1;
        let efforts: Vec<(String, String)> = targets
            .iter()
            .zip(&x)
            .map(|(t, (m, p))| {
                (
                    t.0.clone(),
                    format!(
                        "effort = {{ dist = \"lognormal\", median = \"{}\", p90 = \"{}\" }}",
                        duration(m.exp()),
                        duration(p.exp())
                    ),
                )
            })
            .collect();
        let text = organisation.clone() + &with_efforts(fragment, &efforts);
        let mut scenario = crate::scenario::parse(&text, "scenario.toml")
            .map_err(|e| NetError::Scenario(e.to_string()))?;
        // The log's year is taken as stationary: no follow-up work or telemetry moves
        // during it (docs/model.md §13; the hand-offs it paid are netted).
        scenario.set_incentive(0.0);
        let sims = simulated(&scenario, options.model, options.replications);
        result.clear();
        let mut done = true;
        for (i, t) in targets.iter().enumerate() {
            let index = scenario.services.iter().position(|s| s.name == t.0);
            let sim = index.map(|k| sims[k].as_slice()).unwrap_or_default();
            let (sm, sp) = (
                quantile(sim, 0.5).max(super::fit::FLOOR_HOURS),
                quantile(sim, 0.9).max(super::fit::FLOOR_HOURS),
            );
            // The parameters as written (rounded to the scenario's digits).
            let (m, p) = (
                crate::units::parse_duration_hours(&duration(x[i].0.exp())).unwrap_or(x[i].0.exp()),
                crate::units::parse_duration_hours(&duration(x[i].1.exp())).unwrap_or(x[i].1.exp()),
            );
            result.push(NetEffort {
                service: t.0.clone(),
                n: t.1,
                observed_median: t.2,
                observed_p90: t.3,
                median: m,
                p90: p,
                simulated_median: sm,
                simulated_p90: sp,
                simulated_n: sim.len(),
            });
            if sim.is_empty() {
                continue;
            }
            let (gm, gp) = (t.2.ln() - sm.ln(), t.3.ln() - sp.ln());
            if gm.abs() >= 0.005 || gp.abs() >= 0.005 {
                done = false;
            }
            let slope = |dx: f64, dy: f64| {
                if dx.abs() > 1e-9 {
                    (dy / dx).clamp(0.1, 2.0)
                } else {
                    1.0
                }
            };
            let (sm_l, sp_l) = (sm.ln(), sp.ln());
            let (km, kp) = match previous[i] {
                Some(((pm, pp), (qm, qp))) => {
                    (slope(x[i].0 - pm, sm_l - qm), slope(x[i].1 - pp, sp_l - qp))
                }
                None => (1.0, 1.0),
            };
            previous[i] = Some((x[i], (sm_l, sp_l)));
            let m_new = x[i].0 + gm / km;
            let p_new = (x[i].1 + gp / kp).max(m_new + 0.05);
            x[i] = (m_new, p_new);
        }
        if done {
            break;
        }
    }
    Ok(Net {
        options,
        iterations: steps,
        services: result,
    })
}

/// The fragment with each netted service's effort replaced by the owners' effort, the
/// logged fit kept as a comment beside it, and the header saying what was done.
pub fn annotate(fragment: &str, net: &Net) -> String {
    let model = net.options.model.key();
    let efforts: Vec<(String, String)> = net
        .services
        .iter()
        .map(|e| {
            let text = format!(
                "# owners' effort net of {model}'s waits and hand-offs (simulated quantile matching, docs/calibrate.md): the log's hands-on time has median {}, p90 {} (n = {}); simulated under {model} with this effort: median {}, p90 {} (n = {}){}\neffort = {}",
                format_hours(e.observed_median),
                format_hours(e.observed_p90),
                e.n,
                format_hours(e.simulated_median),
                format_hours(e.simulated_p90),
                e.simulated_n,
                if e.converged() {
                    ""
                } else {
                    "; WARNING: the simulation could not match the log within 2% (the model's waits dominate, or the organisation differs from the one that made the log): treat this effort as a rough estimate"
                },
                e.to_scenario()
            );
            (e.service.clone(), text)
        })
        .collect();
    let mut out = format!(
        "# Effort is the owners' effort net of {model} ({} of {} steps, {} replications a step): see each service.\n",
        net.iterations, net.options.iterations, net.options.replications
    );
    // The logged fit's comments describe hands-on time under the model, not the owners'
    // effort: relabelled, and its rejection advice (an empirical alternative of logged
    // values) left out where the effort is netted.
    let netted: Vec<&str> = net.services.iter().map(|e| e.service.as_str()).collect();
    let mut current: Option<String> = None;
    for line in with_efforts(fragment, &efforts).lines() {
        if line.starts_with("[[services]]") {
            current = None;
        } else if let Some(name) = line.strip_prefix("name = ") {
            current = toml::from_str::<toml::Value>(&format!("v = {name}"))
                .ok()
                .and_then(|v| v.get("v").and_then(|s| s.as_str()).map(str::to_string));
        }
        if current.as_deref().is_some_and(|c| netted.contains(&c)) {
            if line.starts_with("# WARNING: the KS test rejects this effort fit")
                || line.starts_with("# effort = { dist = \"empirical\"")
            {
                continue;
            }
            if let Some(rest) = line.strip_prefix("# effort, resolved - acknowledged: ") {
                out.push_str(&format!(
                    "# hands-on time as logged under {model} (not the owners' effort), resolved - acknowledged: {rest}\n"
                ));
                continue;
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn efforts_are_replaced_by_service() {
        let fragment = "[[services]]\nname = \"a\"\neffort = { dist = \"lognormal\", median = \"1h\", p90 = \"2h\" }\n[[services]]\nname = \"b\"\neffort = X\n";
        let out = with_efforts(fragment, &[("b".into(), "effort = Y".into())]);
        assert!(out.contains("median = \"1h\""));
        assert!(out.ends_with("name = \"b\"\neffort = Y\n"), "{out}");
        assert_eq!(quantile(&[1.0, 2.0, 3.0], 0.5), 2.0);
        assert_eq!(quantile(&[1.0, 2.0], 0.9), 1.9);
    }
}
