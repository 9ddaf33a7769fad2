//! Maximum-likelihood fits of durations to lognormal, gamma and Weibull distributions,
//! the choice among them by AIC, and the Kolmogorov–Smirnov statistic of the choice.
//!
//! Lognormal has closed-form estimates; gamma's shape solves ln k − ψ(k) = ln x̄ − mean(ln x)
//! by Newton's method (Choi & Wette 1969, starting from Minka's approximation); Weibull's
//! shape solves Σ xᵏ ln x / Σ xᵏ − 1/k = mean(ln x), monotone in k, by bisection on ln k.
//! The KS p-value is a parametric bootstrap (Stute et al. 1993), because with parameters
//! estimated from the same data Kolmogorov's distribution gives p-values far too high
//! (Lilliefors 1967); that asymptotic value (Stephens' 1970 form) is kept for comparison.

use crate::special::{digamma, gamma_p, kolmogorov_q, ln_gamma, normal_cdf, trigamma};
use crate::units::format_hours;

/// z-score of the 90th percentile of the standard normal distribution.
const Z90: f64 = 1.281_551_565_544_600_5;

/// A distribution family the fits try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// ln X is normal.
    LogNormal,
    /// Gamma with shape and scale.
    Gamma,
    /// Weibull with shape and scale.
    Weibull,
}

impl Family {
    /// Every family, in the order reports list them.
    pub const ALL: [Family; 3] = [Family::LogNormal, Family::Gamma, Family::Weibull];

    /// The name a scenario's `dist` key uses.
    pub fn name(self) -> &'static str {
        match self {
            Family::LogNormal => "lognormal",
            Family::Gamma => "gamma",
            Family::Weibull => "weibull",
        }
    }
}

/// One family fitted by maximum likelihood (durations in hours).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    /// The family.
    pub family: Family,
    /// Lognormal: μ of ln X. Gamma and Weibull: the shape k.
    pub a: f64,
    /// Lognormal: σ of ln X. Gamma and Weibull: the scale (hours).
    pub b: f64,
    /// Log-likelihood at the estimates.
    pub log_likelihood: f64,
}

impl Fit {
    /// Akaike's information criterion: 2 parameters − 2 ln L.
    pub fn aic(&self) -> f64 {
        4.0 - 2.0 * self.log_likelihood
    }

    /// P(X ≤ x).
    pub fn cdf(&self, x: f64) -> f64 {
        if x <= 0.0 {
            return 0.0;
        }
        match self.family {
            Family::LogNormal => normal_cdf((x.ln() - self.a) / self.b),
            Family::Gamma => gamma_p(self.a, x / self.b),
            Family::Weibull => 1.0 - (-(x / self.b).powf(self.a)).exp(),
        }
    }

    /// The p-quantile, 0 < p < 1.
    pub fn quantile(&self, p: f64) -> f64 {
        match self.family {
            Family::LogNormal => (self.a + self.b * normal_quantile(p)).exp(),
            Family::Weibull => self.b * (-(1.0 - p).ln()).powf(1.0 / self.a),
            Family::Gamma => {
                // Bisection on the CDF, in log space, between generous bounds.
                let mean = self.a * self.b;
                let (mut lo, mut hi) = ((mean * 1e-12).ln(), (mean * 1e6).ln());
                for _ in 0..200 {
                    let mid = 0.5 * (lo + hi);
                    if self.cdf(mid.exp()) < p {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                (0.5 * (lo + hi)).exp()
            }
        }
    }

    /// The mean, hours.
    pub fn mean(&self) -> f64 {
        match self.family {
            Family::LogNormal => (self.a + self.b * self.b / 2.0).exp(),
            Family::Gamma => self.a * self.b,
            Family::Weibull => self.b * ln_gamma(1.0 + 1.0 / self.a).exp(),
        }
    }

    /// The fit as a scenario distribution, in the scenario's own words.
    pub fn to_scenario(&self) -> String {
        match self.family {
            Family::LogNormal => format!(
                "{{ dist = \"lognormal\", median = \"{}\", p90 = \"{}\" }}",
                duration(self.quantile(0.5)),
                duration(self.quantile(0.9))
            ),
            Family::Gamma => format!(
                "{{ dist = \"gamma\", shape = {}, scale = \"{}\" }}",
                sig(self.a),
                duration(self.b)
            ),
            Family::Weibull => format!(
                "{{ dist = \"weibull\", shape = {}, scale = \"{}\" }}",
                sig(self.a),
                duration(self.b)
            ),
        }
    }

    /// Parameters in words, for comments and chart labels.
    pub fn describe(&self) -> String {
        match self.family {
            Family::LogNormal => format!(
                "lognormal, median {}, p90 {}",
                format_hours(self.quantile(0.5)),
                format_hours(self.quantile(0.9))
            ),
            Family::Gamma | Family::Weibull => format!(
                "{}, shape {}, scale {}",
                self.family.name(),
                sig(self.a),
                format_hours(self.b)
            ),
        }
    }
}

/// Four significant figures, without trailing zeros.
fn sig(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let digits = (3 - x.abs().log10().floor() as i32).max(0) as usize;
    let s = format!("{x:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A duration as a scenario writes it: minutes below 2 hours, else hours; seconds when tiny.
pub fn duration(hours: f64) -> String {
    if hours < 1.0 / 30.0 {
        format!("{}s", sig(hours * 3_600.0))
    } else if hours < 2.0 {
        format!("{}m", sig(hours * 60.0))
    } else {
        format!("{}h", sig(hours))
    }
}

/// Φ⁻¹(p) (Acklam's rational approximation refined by one Halley step).
pub fn normal_quantile(p: f64) -> f64 {
    if p == 0.5 {
        return 0.0;
    }
    if (p - 0.9).abs() < 1e-15 {
        return Z90;
    }
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    let x = if p < 0.024_25 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.024_25 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    };
    // One Halley step against the CDF.
    let e = normal_cdf(x) - p;
    let u = e * (2.0 * std::f64::consts::PI).sqrt() * (x * x / 2.0).exp();
    x - u / (1.0 + x * u / 2.0)
}

/// Fits every family and picks the lowest AIC.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// The family with the lowest AIC.
    pub best: Fit,
    /// Every family that could be fitted, in [`Family::ALL`] order.
    pub all: Vec<Fit>,
    /// Sample size.
    pub n: usize,
    /// Kolmogorov–Smirnov statistic D of the best fit.
    pub ks_statistic: f64,
    /// Its p-value by parametric bootstrap: the share of samples drawn from the fit, and
    /// refitted, whose statistic is at least as large ([`BOOTSTRAP_REPLICATES`] of them).
    pub ks_p_value: f64,
    /// The p-value of Kolmogorov's distribution (Stephens' form), as if the parameters had
    /// not been estimated from the data: too high, kept for comparison.
    pub ks_p_value_asymptotic: f64,
    /// The sample's median and 90th percentile, hours.
    pub observed_median: f64,
    /// See `observed_median`.
    pub observed_p90: f64,
    /// Values at or below zero that were raised to half a second before fitting.
    pub raised: usize,
}

impl Choice {
    /// AIC of a family relative to the best (0 for the best; None when not fitted).
    pub fn delta_aic(&self, family: Family) -> Option<f64> {
        self.all
            .iter()
            .find(|f| f.family == family)
            .map(|f| f.aic() - self.best.aic())
    }
}

/// The smallest duration fitted: half a second, half the resolution of timestamps in
/// whole seconds. Zero durations (acknowledged in the second the incident opened) are
/// raised to it, since none of the families has mass at zero.
pub const FLOOR_HOURS: f64 = 0.5 / 3_600.0;

/// Fits lognormal, gamma and Weibull to `hours` and picks by AIC. None when fewer than two
/// distinct values remain (no family can be fitted to a constant).
pub fn fit(hours: &[f64]) -> Option<Choice> {
    let raised = hours.iter().filter(|x| **x < FLOOR_HOURS).count();
    let mut xs: Vec<f64> = hours
        .iter()
        .filter(|x| x.is_finite())
        .map(|x| x.max(FLOOR_HOURS))
        .collect();
    if xs.len() < 2 {
        return None;
    }
    xs.sort_by(f64::total_cmp);
    if xs[0] == xs[xs.len() - 1] {
        return None;
    }
    let all: Vec<Fit> = [lognormal(&xs), gamma(&xs), weibull(&xs)]
        .into_iter()
        .flatten()
        .filter(|f| f.log_likelihood.is_finite() && f.a.is_finite() && f.b.is_finite())
        .collect();
    let best = *all.iter().min_by(|a, b| a.aic().total_cmp(&b.aic()))?;
    let n = xs.len();
    let d = ks(&xs, &best);
    let sqrt_n = (n as f64).sqrt();
    Some(Choice {
        best,
        all,
        n,
        ks_statistic: d,
        ks_p_value: bootstrap_p(&best, n, d),
        ks_p_value_asymptotic: kolmogorov_q((sqrt_n + 0.12 + 0.11 / sqrt_n) * d),
        observed_median: crate::stats::quantile_sorted(&xs, 0.5),
        observed_p90: crate::stats::quantile_sorted(&xs, 0.9),
        raised,
    })
}

/// The Kolmogorov–Smirnov statistic of sorted data against a fit.
fn ks(sorted: &[f64], fit: &Fit) -> f64 {
    let nf = sorted.len() as f64;
    sorted
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let f = fit.cdf(*x);
            (f - i as f64 / nf).max((i as f64 + 1.0) / nf - f)
        })
        .fold(0.0, f64::max)
}

/// Replicates of the parametric bootstrap of the KS p-value: p-values come in steps of
/// 1/200, the smallest 0.005.
pub const BOOTSTRAP_REPLICATES: usize = 199;

/// Largest sample a bootstrap replicate draws; a larger sample is compared on √n·D, whose
/// distribution has settled by then.
pub const BOOTSTRAP_MAX_N: usize = 500;

/// The KS p-value of `fit` with its parameters estimated from the same `n` values
/// (Lilliefors' problem), by parametric bootstrap (Stute, Gonzáles Manteiga & Presedo
/// Quindimil 1993): samples drawn from the fit, refitted by the same family's maximum
/// likelihood, and their statistics compared with `d`. Seeded from the sample size and
/// family, so the same data give the same p-value.
fn bootstrap_p(fit: &Fit, n: usize, d: f64) -> f64 {
    use rand::SeedableRng;
    use rand_distr::Distribution as _;
    let m = n.min(BOOTSTRAP_MAX_N);
    let target = (n as f64).sqrt() * d;
    let family = Family::ALL
        .iter()
        .position(|f| *f == fit.family)
        .unwrap_or(0) as u64;
    let mut rng =
        rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(0x6b73_0000 ^ (n as u64) << 4 ^ family);
    let gamma_dist = rand_distr::Gamma::new(fit.a, fit.b).ok();
    let mut sample = vec![0.0; m];
    let mut exceed = 0usize;
    for _ in 0..BOOTSTRAP_REPLICATES {
        for x in sample.iter_mut() {
            // Uniform on (0, 1), never 0 or 1.
            let u = ((rand::Rng::next_u64(&mut rng) >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
            let v = match (fit.family, &gamma_dist) {
                (Family::LogNormal, _) => (fit.a + fit.b * normal_quantile(u)).exp(),
                (Family::Weibull, _) => fit.b * (-(1.0 - u).ln()).powf(1.0 / fit.a),
                (Family::Gamma, Some(g)) => g.sample(&mut rng),
                (Family::Gamma, None) => fit.quantile(u),
            };
            *x = v.max(FLOOR_HOURS);
        }
        sample.sort_by(f64::total_cmp);
        let refit = match fit.family {
            Family::LogNormal => lognormal(&sample),
            Family::Gamma => gamma(&sample),
            Family::Weibull => weibull(&sample),
        };
        // A replicate that cannot be refitted counts against the fit (conservative).
        if refit.is_none_or(|f| (m as f64).sqrt() * ks(&sample, &f) >= target) {
            exceed += 1;
        }
    }
    (1 + exceed) as f64 / (BOOTSTRAP_REPLICATES + 1) as f64
}

fn lognormal(xs: &[f64]) -> Option<Fit> {
    let n = xs.len() as f64;
    let mu = xs.iter().map(|x| x.ln()).sum::<f64>() / n;
    let var = xs.iter().map(|x| (x.ln() - mu).powi(2)).sum::<f64>() / n;
    let sigma = var.sqrt();
    if sigma <= 0.0 {
        return None;
    }
    let ll = xs
        .iter()
        .map(|x| {
            let z = (x.ln() - mu) / sigma;
            -x.ln() - sigma.ln() - 0.5 * (2.0 * std::f64::consts::PI).ln() - 0.5 * z * z
        })
        .sum();
    Some(Fit {
        family: Family::LogNormal,
        a: mu,
        b: sigma,
        log_likelihood: ll,
    })
}

fn gamma(xs: &[f64]) -> Option<Fit> {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let mean_ln = xs.iter().map(|x| x.ln()).sum::<f64>() / n;
    let s = mean.ln() - mean_ln;
    if s <= 0.0 {
        return None;
    }
    let mut k = (3.0 - s + ((s - 3.0).powi(2) + 24.0 * s).sqrt()) / (12.0 * s);
    for _ in 0..100 {
        let f = k.ln() - digamma(k) - s;
        let df = 1.0 / k - trigamma(k);
        let next = k - f / df;
        let next = if next > 0.0 { next } else { k / 2.0 };
        if (next - k).abs() < 1e-12 * k {
            k = next;
            break;
        }
        k = next;
    }
    let theta = mean / k;
    let ll = (k - 1.0) * mean_ln * n - n * mean / theta - n * k * theta.ln() - n * ln_gamma(k);
    Some(Fit {
        family: Family::Gamma,
        a: k,
        b: theta,
        log_likelihood: ll,
    })
}

fn weibull(xs: &[f64]) -> Option<Fit> {
    let n = xs.len() as f64;
    let max = xs.iter().copied().fold(0.0, f64::max);
    // Scaled to y = x / max ≤ 1 so that yᵏ never overflows.
    let ln_y: Vec<f64> = xs.iter().map(|x| (x / max).ln()).collect();
    let mean_ln = ln_y.iter().sum::<f64>() / n;
    // The score g(k) = Σ yᵏ ln y / Σ yᵏ − 1/k − mean(ln y), increasing in k, and its
    // derivative, in one pass.
    let g = |k: f64| {
        let (mut s0, mut s1, mut s2) = (0.0, 0.0, 0.0);
        for l in &ln_y {
            let w = (k * l).exp();
            s0 += w;
            s1 += w * l;
            s2 += w * l * l;
        }
        let value = s1 / s0 - 1.0 / k - mean_ln;
        let slope = (s2 * s0 - s1 * s1) / (s0 * s0) + 1.0 / (k * k);
        (value, slope)
    };
    // Newton's method kept inside a bracket that bisection shrinks: a handful of passes
    // where bisection alone needs sixty.
    let (mut lo, mut hi) = (1e-3f64, 1e3f64);
    if g(lo).0 > 0.0 || g(hi).0 < 0.0 {
        return None;
    }
    let mut k = 1.0;
    for _ in 0..100 {
        let (value, slope) = g(k);
        if value < 0.0 {
            lo = k;
        } else {
            hi = k;
        }
        let newton = k - value / slope;
        let next = if newton > lo && newton < hi && slope > 0.0 {
            newton
        } else {
            (lo * hi).sqrt()
        };
        if (next - k).abs() <= 1e-13 * k || hi / lo < 1.0 + 1e-14 {
            k = next;
            break;
        }
        k = next;
    }
    let mean_yk = ln_y.iter().map(|l| (k * l).exp()).sum::<f64>() / n;
    let lambda = max * mean_yk.powf(1.0 / k);
    let ll = xs
        .iter()
        .map(|x| {
            let z = x / lambda;
            k.ln() - lambda.ln() + (k - 1.0) * z.ln() - z.powf(k)
        })
        .sum();
    Some(Fit {
        family: Family::Weibull,
        a: k,
        b: lambda,
        log_likelihood: ll,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::Dist;
    use rand::SeedableRng;

    fn sample(d: &Dist, n: usize, seed: u64) -> Vec<f64> {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
        (0..n).map(|_| d.sample(&mut rng)).collect()
    }

    /// Each family's MLE recovers the parameters it was drawn with, and AIC prefers it.
    #[test]
    fn recovers_each_family() {
        let n = 4_000;
        let cases = [
            (
                Dist::lognormal_median_p90(1.0, 4.0).unwrap(),
                Family::LogNormal,
            ),
            (Dist::gamma(2.5, 0.8).unwrap(), Family::Gamma),
            (Dist::weibull(0.7, 1.5).unwrap(), Family::Weibull),
        ];
        for (i, (d, family)) in cases.iter().enumerate() {
            let xs = sample(d, n, 7 + i as u64);
            let c = fit(&xs).unwrap();
            assert_eq!(c.best.family, *family, "{d:?}: {c:?}");
            let (a, b) = match d {
                Dist::LogNormal(_, mu, sigma) => (*mu, *sigma),
                Dist::Gamma(_, k, theta) | Dist::Weibull(_, k, theta) => (*k, *theta),
                _ => unreachable!(),
            };
            assert!(
                (c.best.a - a).abs() < 0.06 * a.abs().max(1.0),
                "{family:?} a {} vs {a}",
                c.best.a
            );
            assert!(
                (c.best.b - b).abs() < 0.06 * b,
                "{family:?} b {} vs {b}",
                c.best.b
            );
            assert!(c.ks_p_value > 0.01, "{family:?}: KS p {}", c.ks_p_value);
            // The quantile inverts the CDF.
            for p in [0.1, 0.5, 0.9, 0.99] {
                assert!((c.best.cdf(c.best.quantile(p)) - p).abs() < 1e-6);
            }
        }
    }

    /// A sample from a different shape fails the KS test: the statistic can reject.
    #[test]
    fn ks_rejects_a_bimodal_sample() {
        let mut xs = sample(&Dist::lognormal_median_p90(0.1, 0.15).unwrap(), 1_000, 1);
        xs.extend(sample(
            &Dist::lognormal_median_p90(10.0, 15.0).unwrap(),
            1_000,
            2,
        ));
        let c = fit(&xs).unwrap();
        // No bootstrap replicate comes near: the smallest p-value there is.
        assert_eq!(
            c.ks_p_value,
            1.0 / (BOOTSTRAP_REPLICATES + 1) as f64,
            "{c:?}"
        );
        assert!(c.ks_p_value_asymptotic < 0.001, "{c:?}");
    }

    /// The bootstrap p-value is honest: on samples that really come from the family, it
    /// falls below 5% about 5% of the time (the asymptotic one almost never does).
    #[test]
    fn bootstrap_p_value_has_its_level() {
        let d = Dist::lognormal_median_p90(1.0, 4.0).unwrap();
        let runs = 60;
        let (mut rejected, mut rejected_asymptotic) = (0, 0);
        for seed in 0..runs {
            let xs = sample(&d, 150, 1_000 + seed);
            let c = fit(&xs).unwrap();
            if c.best.family != Family::LogNormal {
                continue;
            }
            rejected += usize::from(c.ks_p_value < 0.05);
            rejected_asymptotic += usize::from(c.ks_p_value_asymptotic < 0.05);
        }
        // Binomial(60, 0.05): 3 expected; 9 or more has probability below 0.2%.
        assert!(rejected <= 8, "rejected {rejected} of {runs}");
        assert!(
            rejected_asymptotic <= rejected,
            "{rejected_asymptotic} > {rejected}"
        );
    }

    #[test]
    fn constant_and_tiny_samples_are_not_fitted() {
        assert!(fit(&[]).is_none());
        assert!(fit(&[1.0]).is_none());
        assert!(fit(&[2.0, 2.0, 2.0]).is_none());
        let c = fit(&[0.0, 0.0, 1.0, 2.0]).unwrap();
        assert_eq!(c.raised, 2);
    }

    #[test]
    fn normal_quantile_inverts_the_cdf() {
        for p in [
            1e-9,
            0.001,
            0.02,
            0.1,
            0.3,
            0.5,
            0.7,
            0.9,
            0.975,
            0.999,
            1.0 - 1e-9,
        ] {
            let z = normal_quantile(p);
            assert!((normal_cdf(z) - p).abs() < 1e-7 * p.max(1e-3), "{p}: {z}");
        }
    }

    #[test]
    fn scenario_text() {
        let f = Fit {
            family: Family::Weibull,
            a: 0.71234,
            b: 1.5,
            log_likelihood: 0.0,
        };
        assert_eq!(
            f.to_scenario(),
            "{ dist = \"weibull\", shape = 0.7123, scale = \"90m\" }"
        );
        assert_eq!(duration(0.01), "36s");
        assert_eq!(duration(3.25), "3.25h");
    }
}
