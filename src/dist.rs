//! Probability distributions of durations (in hours), as users describe them:
//! a median and a 90th percentile, a mean and a coefficient of variation, and so on.
//! Construction validates parameters; sampling cannot fail.

use rand::Rng;
use rand::RngExt;
use rand_distr::{
    Distribution as _, Exp, ExpError, Gamma, GammaError, LogNormal, NormalError, Triangular,
    TriangularError, Weibull, WeibullError,
};

/// z-score of the 90th percentile of the standard normal distribution.
const Z90: f64 = 1.281_551_565_544_600_5;

/// A validated distribution of non-negative durations in hours.
#[derive(Debug, Clone)]
pub enum Dist {
    /// Always the same value.
    Constant(f64),
    /// Exponential, kept with its mean.
    Exponential(Exp<f64>, f64),
    /// Lognormal, kept with its parameters for reporting.
    LogNormal(LogNormal<f64>, f64, f64),
    /// Gamma with shape and scale.
    Gamma(Gamma<f64>, f64, f64),
    /// Weibull with scale and shape.
    Weibull(Weibull<f64>, f64, f64),
    /// Triangular on min, mode, max.
    Triangular(Triangular<f64>, [f64; 3]),
    /// Uniform choice among observed values.
    Empirical(Vec<f64>),
}

/// Two distributions are equal when they are the same family built from the same
/// parameters, compared bit for bit: every [`Dist`] is built by its constructor from the
/// parameters it keeps, so equal ones draw the same numbers from the same stream.
impl PartialEq for Dist {
    fn eq(&self, other: &Dist) -> bool {
        fn bits(v: &[f64]) -> impl Iterator<Item = u64> + '_ {
            v.iter().map(|x| x.to_bits())
        }
        fn same(a: &[f64], b: &[f64]) -> bool {
            a.len() == b.len() && bits(a).eq(bits(b))
        }
        match (self, other) {
            (Dist::Constant(a), Dist::Constant(b))
            | (Dist::Exponential(_, a), Dist::Exponential(_, b)) => same(&[*a], &[*b]),
            (Dist::LogNormal(_, a, b), Dist::LogNormal(_, c, d))
            | (Dist::Gamma(_, a, b), Dist::Gamma(_, c, d))
            | (Dist::Weibull(_, a, b), Dist::Weibull(_, c, d)) => same(&[*a, *b], &[*c, *d]),
            (Dist::Triangular(_, a), Dist::Triangular(_, b)) => same(a, b),
            (Dist::Empirical(a), Dist::Empirical(b)) => same(a, b),
            _ => false,
        }
    }
}

/// Why a distribution's parameters describe no distribution of durations. Messages name
/// the parameter and the value found, in hours where the parameter is a duration.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DistError {
    /// A parameter that must be above zero (and finite) is not.
    #[error("{name} must be positive and finite; found {value}")]
    NotPositive {
        /// The parameter: `mean`, `median`, `cv`, `shape` or `scale`.
        name: &'static str,
        /// The value given.
        value: f64,
    },
    /// A lognormal's 90th percentile at or below its median.
    #[error("p90 ({p90} h) must be greater than the median ({median} h)")]
    P90NotAboveMedian {
        /// The median, hours.
        median: f64,
        /// The 90th percentile, hours.
        p90: f64,
    },
    /// A triangular distribution starting below zero.
    #[error("min ({min} h) cannot be negative")]
    NegativeMin {
        /// The minimum, hours.
        min: f64,
    },
    /// A triangular distribution whose min, mode and max are out of order.
    #[error("need min <= mode <= max and min < max; found min {min} h, mode {mode} h, max {max} h")]
    Unordered {
        /// The minimum, hours.
        min: f64,
        /// The mode, hours.
        mode: f64,
        /// The maximum, hours.
        max: f64,
    },
    /// A constant that is negative or not finite.
    #[error("value ({value} h) must be a finite duration >= 0")]
    BadConstant {
        /// The value given, hours.
        value: f64,
    },
    /// An empirical distribution with no values.
    #[error("values must hold at least one duration")]
    NoValues,
    /// An empirical distribution with a value that is negative or not finite.
    #[error("value {value} h is not a duration >= 0")]
    BadValue {
        /// The first such value, hours.
        value: f64,
    },
    /// The exponential sampler refused its rate.
    #[error(transparent)]
    Exponential(#[from] ExpError),
    /// The lognormal sampler refused its parameters.
    #[error(transparent)]
    LogNormal(#[from] NormalError),
    /// The gamma sampler refused its parameters.
    #[error(transparent)]
    Gamma(#[from] GammaError),
    /// The Weibull sampler refused its parameters.
    #[error(transparent)]
    Weibull(#[from] WeibullError),
    /// The triangular sampler refused its parameters.
    #[error(transparent)]
    Triangular(#[from] TriangularError),
}

impl Dist {
    /// Exponential distribution with the given mean (hours, > 0).
    pub fn exponential(mean: f64) -> Result<Self, DistError> {
        positive("mean", mean)?;
        let d = Exp::new(1.0 / mean)?;
        Ok(Dist::Exponential(d, mean))
    }

    /// Lognormal from its median and 90th percentile (p90 > median > 0).
    pub fn lognormal_median_p90(median: f64, p90: f64) -> Result<Self, DistError> {
        positive("median", median)?;
        if p90 <= median {
            return Err(DistError::P90NotAboveMedian { median, p90 });
        }
        let mu = median.ln();
        let sigma = (p90.ln() - mu) / Z90;
        Self::lognormal(mu, sigma)
    }

    /// Lognormal from its mean and coefficient of variation (both > 0).
    pub fn lognormal_mean_cv(mean: f64, cv: f64) -> Result<Self, DistError> {
        positive("mean", mean)?;
        positive("cv", cv)?;
        let sigma2 = (1.0 + cv * cv).ln();
        Self::lognormal(mean.ln() - sigma2 / 2.0, sigma2.sqrt())
    }

    fn lognormal(mu: f64, sigma: f64) -> Result<Self, DistError> {
        let d = LogNormal::new(mu, sigma)?;
        Ok(Dist::LogNormal(d, mu, sigma))
    }

    /// Gamma with shape k and scale θ (mean kθ).
    pub fn gamma(shape: f64, scale: f64) -> Result<Self, DistError> {
        positive("shape", shape)?;
        positive("scale", scale)?;
        let d = Gamma::new(shape, scale)?;
        Ok(Dist::Gamma(d, shape, scale))
    }

    /// Weibull with shape k and scale λ.
    pub fn weibull(shape: f64, scale: f64) -> Result<Self, DistError> {
        positive("shape", shape)?;
        positive("scale", scale)?;
        let d = Weibull::new(scale, shape)?;
        Ok(Dist::Weibull(d, shape, scale))
    }

    /// Triangular on [min, max] with the given mode.
    pub fn triangular(min: f64, mode: f64, max: f64) -> Result<Self, DistError> {
        if min < 0.0 {
            return Err(DistError::NegativeMin { min });
        }
        if !(min <= mode && mode <= max && min < max) {
            return Err(DistError::Unordered { min, mode, max });
        }
        let d = Triangular::new(min, max, mode)?;
        Ok(Dist::Triangular(d, [min, mode, max]))
    }

    /// A constant duration (>= 0).
    pub fn constant(value: f64) -> Result<Self, DistError> {
        if !(value >= 0.0 && value.is_finite()) {
            return Err(DistError::BadConstant { value });
        }
        Ok(Dist::Constant(value))
    }

    /// Uniform choice among the given values (non-empty, each >= 0).
    pub fn empirical(values: Vec<f64>) -> Result<Self, DistError> {
        if values.is_empty() {
            return Err(DistError::NoValues);
        }
        if let Some(&value) = values.iter().find(|v| !(**v >= 0.0 && v.is_finite())) {
            return Err(DistError::BadValue { value });
        }
        Ok(Dist::Empirical(values))
    }

    /// The distribution's mean in hours.
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Constant(v) => *v,
            Dist::Exponential(_, mean) => *mean,
            Dist::LogNormal(_, mu, sigma) => (mu + sigma * sigma / 2.0).exp(),
            Dist::Gamma(_, k, theta) => k * theta,
            Dist::Weibull(_, k, lambda) => lambda * crate::special::ln_gamma(1.0 + 1.0 / k).exp(),
            Dist::Triangular(_, [a, c, b]) => (a + b + c) / 3.0,
            Dist::Empirical(v) => v.iter().sum::<f64>() / v.len() as f64,
        }
    }

    /// Draws one duration in hours.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Dist::Constant(v) => *v,
            Dist::Exponential(d, _) => d.sample(rng),
            Dist::LogNormal(d, _, _) => d.sample(rng),
            Dist::Gamma(d, _, _) => d.sample(rng),
            Dist::Weibull(d, _, _) => d.sample(rng),
            Dist::Triangular(d, _) => d.sample(rng),
            Dist::Empirical(v) => v[rng.random_range(0..v.len())],
        }
    }
}

fn positive(name: &'static str, value: f64) -> Result<(), DistError> {
    if value > 0.0 && value.is_finite() {
        Ok(())
    } else {
        Err(DistError::NotPositive { name, value })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn sample_mean(d: &Dist, n: usize) -> f64 {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
        (0..n).map(|_| d.sample(&mut rng)).sum::<f64>() / n as f64
    }

    #[test]
    fn lognormal_median_p90_hits_its_quantiles() {
        let d = Dist::lognormal_median_p90(2.0, 8.0).unwrap();
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(1);
        let mut xs: Vec<f64> = (0..100_000).map(|_| d.sample(&mut rng)).collect();
        xs.sort_by(f64::total_cmp);
        assert!((xs[50_000] - 2.0).abs() < 0.05, "median {}", xs[50_000]);
        assert!((xs[90_000] - 8.0).abs() < 0.3, "p90 {}", xs[90_000]);
    }

    #[test]
    fn means_match_sampling() {
        for d in [
            Dist::exponential(3.0).unwrap(),
            Dist::lognormal_mean_cv(2.0, 1.5).unwrap(),
            Dist::gamma(2.0, 1.5).unwrap(),
            Dist::weibull(1.5, 2.0).unwrap(),
            Dist::triangular(0.5, 1.0, 6.0).unwrap(),
            Dist::empirical(vec![1.0, 2.0, 6.0]).unwrap(),
        ] {
            let m = sample_mean(&d, 400_000);
            assert!(
                (m / d.mean() - 1.0).abs() < 0.02,
                "{d:?}: {m} vs {}",
                d.mean()
            );
        }
    }

    #[test]
    fn invalid_parameters_are_rejected() {
        assert!(Dist::lognormal_median_p90(2.0, 1.0).is_err());
        assert!(Dist::exponential(0.0).is_err());
        assert!(Dist::triangular(3.0, 1.0, 2.0).is_err());
        assert!(Dist::empirical(vec![]).is_err());
    }
}
