//! Statistics for Monte Carlo output: means with Student-t confidence intervals,
//! paired and unpaired differences between models, ratios of paired means (Fieller), and
//! percentiles.

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

/// The ratio of two means with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ratio {
    /// Mean of the numerator over mean of the denominator.
    pub ratio: f64,
    /// Lower end of the 95% interval.
    pub low: f64,
    /// Upper end of the 95% interval.
    pub high: f64,
}

/// The ratio of the means of paired samples, `mean(a) / mean(b)`, with Fieller's 95%
/// interval for paired data: the values θ for which the Student-t interval of the
/// per-pair differences `a − θ·b` holds zero. Pairs with a NaN are left out.
///
/// `None` with fewer than two pairs, or when the interval is not a bounded range (the
/// denominator's mean is not clearly away from zero): then no ratio should be stated.
/// This is the ratio of the means a reader sees beside it, not a mean of per-pair ratios.
pub fn paired_ratio(a: &[f64], b: &[f64]) -> Option<Ratio> {
    let pairs: Vec<(f64, f64)> = a
        .iter()
        .zip(b)
        .map(|(x, y)| (*x, *y))
        .filter(|(x, y)| !x.is_nan() && !y.is_nan())
        .collect();
    let n = pairs.len();
    if n < 2 {
        return None;
    }
    let nf = n as f64;
    let (mx, my) = pairs
        .iter()
        .fold((0.0, 0.0), |(sx, sy), (x, y)| (sx + x / nf, sy + y / nf));
    let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
    for (x, y) in &pairs {
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
        sxy += (x - mx) * (y - my);
    }
    // Variances and covariance of the two means.
    let scale = (nf - 1.0) * nf;
    let (vxx, vyy, vxy) = (sxx / scale, syy / scale, sxy / scale);
    let t2 = t_975(n - 1).powi(2);
    // (mx − θ·my)² ≤ t²·(vxx − 2θ·vxy + θ²·vyy), as a·θ² − 2b·θ + c ≤ 0.
    let qa = my * my - t2 * vyy;
    let qb = mx * my - t2 * vxy;
    let qc = mx * mx - t2 * vxx;
    if qa.is_nan() || qa <= 0.0 {
        return None;
    }
    let root = (qb * qb - qa * qc).max(0.0).sqrt();
    let ratio = mx / my;
    ratio.is_finite().then_some(Ratio {
        ratio,
        low: (qb - root) / qa,
        high: (qb + root) / qa,
    })
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

        #[test]
        fn fieller_bounds_are_where_the_differences_t_test_turns(
            pairs in proptest::collection::vec((1.0f64..10.0, 1.0f64..10.0), 3..60),
            k in 0.5f64..4.0,
        ) {
            let b: Vec<f64> = pairs.iter().map(|p| p.0).collect();
            let a: Vec<f64> = pairs.iter().map(|p| k * p.0 + p.1 - 5.0).collect();
            if let Some(r) = paired_ratio(&a, &b) {
                let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
                proptest::prop_assert!((r.ratio - mean(&a) / mean(&b)).abs() < 1e-9);
                proptest::prop_assert!(r.low <= r.ratio && r.ratio <= r.high, "{r:?}");
                // At each bound the differences a − θb are exactly t standard errors from 0.
                let t = t_975(a.len() - 1);
                for theta in [r.low, r.high] {
                    let d = Estimate::of(a.iter().zip(&b).map(|(x, y)| x - theta * y));
                    let z = d.mean / (d.sd / (d.n as f64).sqrt());
                    proptest::prop_assert!((z.abs() - t).abs() < 1e-6 * t, "{z} vs {t}");
                }
                // Scaling the numerator scales the ratio and its interval.
                let a3: Vec<f64> = a.iter().map(|x| 3.0 * x).collect();
                let r3 = paired_ratio(&a3, &b);
                proptest::prop_assert!(r3.is_some());
                if let Some(r3) = r3 {
                    proptest::prop_assert!((r3.low - 3.0 * r.low).abs() < 1e-9 * r3.low.abs().max(1.0));
                    proptest::prop_assert!((r3.high - 3.0 * r.high).abs() < 1e-9 * r3.high.abs().max(1.0));
                }
            }
        }
    }

    #[test]
    fn fieller_by_hand() {
        // x̄ = 5, ȳ = 2; s_xx = 20/3, s_yy = 2/3, s_xy = 2; n = 4, t(3) = 3.182:
        // a = 4 − t²/6, b = 10 − t²/2, c = 25 − 5t²/3; roots (b ± √(b² − ac)) / a.
        let r = paired_ratio(&[2.0, 4.0, 6.0, 8.0], &[1.0, 2.0, 2.0, 3.0]).unwrap();
        assert_eq!(r.ratio, 2.5);
        assert!((r.low - 1.112_722).abs() < 1e-5, "{r:?}");
        assert!((r.high - 3.157_533).abs() < 1e-5, "{r:?}");
    }

    #[test]
    fn a_ratio_is_of_the_means_not_a_mean_of_ratios() {
        // Per-pair ratios 4 and 1 average 2.5; the means are 3 and 1.5: ratio 2.
        let r = paired_ratio(&[4.0, 2.0, 4.0, 2.0], &[1.0, 2.0, 1.0, 2.0]);
        assert_eq!(r.map(|r| r.ratio), Some(2.0));
    }

    #[test]
    fn no_ratio_over_a_mean_near_zero_or_without_pairs() {
        assert_eq!(paired_ratio(&[1.0, 2.0, 3.0], &[-1.0, 1.0, 0.5]), None);
        assert_eq!(paired_ratio(&[1.0], &[1.0]), None);
        assert_eq!(paired_ratio(&[], &[]), None);
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
