//! Statistics for Monte Carlo output: means with Student-t confidence intervals,
//! paired and unpaired differences between models, and percentiles.

/// Linear-interpolation quantile (type 7) of sorted data; NaN for no data.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

/// Several quantiles (ascending `qs`) of unsorted data in one pass of selections, each
/// searching only above the previous: the same values as [`quantile_sorted`].
pub fn quantiles_select<const N: usize>(v: &mut [f64], qs: [f64; N]) -> [f64; N] {
    let n = v.len();
    let mut out = [f64::NAN; N];
    if n == 0 {
        return out;
    }
    let mut start = 0;
    for (slot, q) in out.iter_mut().zip(qs) {
        let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
        let lo = (h as usize).max(start).min(n - 1);
        let (_, at, right) = v[start..].select_nth_unstable_by(lo - start, f64::total_cmp);
        let a = *at;
        let frac = h - lo as f64;
        *slot = if frac <= 0.0 || right.is_empty() {
            a
        } else {
            a + frac * (right.iter().copied().fold(f64::INFINITY, f64::min) - a)
        };
        start = lo;
    }
    out
}

/// Mean and 95% confidence interval of a sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Sample size.
    pub n: usize,
    /// Sample mean.
    pub mean: f64,
    /// Sample standard deviation.
    pub sd: f64,
    /// Lower end of the 95% confidence interval of the mean.
    pub low: f64,
    /// Upper end of the 95% confidence interval of the mean.
    pub high: f64,
}

impl Estimate {
    /// Mean and t-interval of `xs` (NaNs ignored).
    pub fn of(xs: impl IntoIterator<Item = f64>) -> Estimate {
        let (mut n, mut mean, mut m2) = (0usize, 0.0, 0.0);
        for x in xs.into_iter().filter(|x| !x.is_nan()) {
            n += 1;
            let d = x - mean;
            mean += d / n as f64;
            m2 += d * (x - mean);
        }
        if n == 0 {
            return Estimate {
                n,
                mean: f64::NAN,
                sd: f64::NAN,
                low: f64::NAN,
                high: f64::NAN,
            };
        }
        let sd = if n > 1 {
            (m2 / (n - 1) as f64).sqrt()
        } else {
            f64::NAN
        };
        let half = if n > 1 {
            t_975(n - 1) * sd / (n as f64).sqrt()
        } else {
            f64::NAN
        };
        Estimate {
            n,
            mean,
            sd,
            low: mean - half,
            high: mean + half,
        }
    }

    /// Half-width of the interval.
    pub fn half_width(&self) -> f64 {
        (self.high - self.low) / 2.0
    }
}

/// The 95% interval of the difference of two independent means (Welch).
pub fn unpaired_difference(a: &Estimate, b: &Estimate) -> (f64, f64) {
    if a.n < 2 || b.n < 2 {
        return (f64::NAN, f64::NAN);
    }
    let va = a.sd * a.sd / a.n as f64;
    let vb = b.sd * b.sd / b.n as f64;
    let se = (va + vb).sqrt();
    let df = if va + vb > 0.0 {
        (va + vb).powi(2) / (va * va / (a.n as f64 - 1.0) + vb * vb / (b.n as f64 - 1.0))
    } else {
        (a.n + b.n - 2) as f64
    };
    let half = t_975(df.floor().max(1.0) as usize) * se;
    let d = a.mean - b.mean;
    (d - half, d + half)
}

/// The 0.975 quantile of Student's t distribution with `df` degrees of freedom.
pub fn t_975(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::NAN,
        1..=30 => TABLE[df - 1],
        _ => {
            // Cornish–Fisher expansion around z = 1.959964 (error < 1e-4 for df > 30).
            let z: f64 = 1.959_963_984_540_054;
            let v = df as f64;
            let z3 = z.powi(3);
            let z5 = z.powi(5);
            let z7 = z.powi(7);
            z + (z3 + z) / (4.0 * v)
                + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * v * v)
                + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * v.powi(3))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate() {
        let xs = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile_sorted(&xs, 0.5), 2.5);
        assert_eq!(quantile_sorted(&xs, 0.0), 1.0);
        assert_eq!(quantile_sorted(&xs, 1.0), 4.0);
        assert!(quantile_sorted(&[], 0.5).is_nan());
    }

    proptest::proptest! {
        #[test]
        fn several_selections_match_sorting(mut v in proptest::collection::vec(0.0f64..1e3, 0..200)) {
            let mut sorted = v.clone();
            sorted.sort_by(f64::total_cmp);
            let got = quantiles_select(&mut v, [0.5, 0.9, 0.99]);
            for (g, q) in got.iter().zip([0.5, 0.9, 0.99]) {
                let want = quantile_sorted(&sorted, q);
                proptest::prop_assert!(*g == want || (g.is_nan() && want.is_nan()), "{g} vs {want}");
            }
        }

    }

    #[test]
    fn t_quantiles_match_tables() {
        // Reference values from standard t tables.
        assert!((t_975(40) - 2.021).abs() < 1e-3);
        assert!((t_975(60) - 2.000).abs() < 1e-3);
        assert!((t_975(120) - 1.980).abs() < 1e-3);
        assert!((t_975(1000) - 1.962).abs() < 1e-3);
    }

    #[test]
    fn differences_of_empty_samples_are_undefined_not_a_panic() {
        let empty = Estimate::of([f64::NAN, f64::NAN]);
        let some = Estimate::of([1.0, 2.0, 3.0]);
        assert!(unpaired_difference(&empty, &some).0.is_nan());
        assert!(unpaired_difference(&some, &some).0.is_finite());
    }

    #[test]
    fn estimate_of_known_sample() {
        let e = Estimate::of([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert_eq!(e.mean, 5.0);
        assert!((e.sd - 2.138_089_935).abs() < 1e-6);
        assert!((e.half_width() - 2.365 * e.sd / 8f64.sqrt()).abs() < 1e-9);
    }
}
