//! The search for one verdict's break-even along one side of one parameter's range:
//! regula falsi (the Illinois variant) on the winner's smallest mean advantage over the
//! rivals that beat it at the range's end, every point simulated on the same replications
//! (common random numbers), and a bootstrap over replications of the crossing, interpolated
//! between the evaluated points, for the 95% interval.

/// One evaluated point: the parameter's position and, per rival, the winner's advantage
/// per replication.
#[derive(Debug, Clone)]
pub struct Point {
    /// The position.
    pub x: f64,
    /// Per rival (in the search's order), per replication.
    pub advantages: Vec<Vec<f64>>,
}

impl Point {
    /// The smallest mean advantage over the rivals, and which rival.
    pub fn margin(&self) -> (f64, usize) {
        self.advantages
            .iter()
            .enumerate()
            .map(|(k, v)| (mean(v.iter().copied()), k))
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .unwrap_or((f64::NAN, 0))
    }
}

fn mean(xs: impl Iterator<Item = f64>) -> f64 {
    let (mut s, mut n) = (0.0, 0.0);
    for x in xs.filter(|x| x.is_finite()) {
        s += x;
        n += 1.0;
    }
    if n > 0.0 { s / n } else { f64::NAN }
}

/// Where the margin crosses zero between `from` (positive) and `to` (not), by linear
/// interpolation.
pub fn interpolate(from: (f64, f64), to: (f64, f64)) -> f64 {
    let ((x0, g0), (x1, g1)) = (from, to);
    if (g0 - g1).abs() < f64::EPSILON {
        return x1;
    }
    x0 + (x1 - x0) * g0 / (g0 - g1)
}

/// The search's stopping rule and rounding.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Most points evaluated between today's value and the end.
    pub max_points: usize,
    /// Stop when the bracket is narrower than this.
    pub tolerance: f64,
    /// Whole numbers only.
    pub whole: bool,
}

/// Finds the crossing between `start` (margin > 0) and `end` (margin ≤ 0), evaluating
/// `eval` at new positions; returns every point evaluated (start and end included) and the
/// estimate. `None` from `eval` stops the search (a stop was asked for).
pub fn bisect(
    start: Point,
    end: Point,
    rule: Rule,
    eval: &mut dyn FnMut(f64) -> Option<Point>,
) -> Option<(Vec<Point>, f64)> {
    let (mut pos, mut neg) = ((start.x, start.margin().0), (end.x, end.margin().0));
    let mut points = vec![start, end];
    let mut side = 0i8;
    for _ in 0..rule.max_points {
        if (pos.0 - neg.0).abs() <= rule.tolerance {
            break;
        }
        let mut x = interpolate(pos, neg);
        if rule.whole {
            x = x.round();
            if x == pos.0 || x == neg.0 {
                // Between two neighbours that differ by more than one: the middle.
                x = ((pos.0 + neg.0) / 2.0).round();
                if x == pos.0 || x == neg.0 {
                    break;
                }
            }
        }
        if x == pos.0 || x == neg.0 {
            break;
        }
        let p = eval(x)?;
        let g = p.margin().0;
        points.push(p);
        if g == 0.0 {
            neg = (x, g);
            break;
        }
        if g > 0.0 {
            pos = (x, g);
            // Illinois: halve the stale end's margin when the same end stays twice.
            if side == 1 {
                neg.1 /= 2.0;
            }
            side = 1;
        } else {
            neg = (x, g);
            if side == -1 {
                pos.1 /= 2.0;
            }
            side = -1;
        }
    }
    // The estimate from the true margins of the final bracket.
    let at = |x: f64| {
        points
            .iter()
            .find(|p| p.x == x)
            .map_or(0.0, |p| p.margin().0)
    };
    let estimate = interpolate((pos.0, at(pos.0)), (neg.0, at(neg.0)));
    Some((points, estimate))
}

/// SplitMix64: a small seeded generator for the bootstrap's draws.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Resamples drawn for the interval.
pub const BOOTSTRAP: usize = 400;

/// The 95% interval of the crossing: replications resampled with replacement (the same
/// draw at every point, as they are paired), the crossing found again between the
/// evaluated points, from `start_x` toward the end. A resample that does not cross within
/// the points crosses at the end (the interval then reaches it).
pub fn interval(points: &[Point], start_x: f64, seed: u64) -> (f64, f64) {
    let mut sorted: Vec<&Point> = points.iter().collect();
    let upward = points.iter().any(|p| p.x > start_x);
    sorted.sort_by(|a, b| a.x.total_cmp(&b.x));
    if !upward {
        sorted.reverse();
    }
    let n = sorted
        .first()
        .and_then(|p| p.advantages.first())
        .map_or(0, Vec::len);
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let mut rng = SplitMix(seed);
    let mut crossings = Vec::with_capacity(BOOTSTRAP);
    let mut draw = vec![0usize; n];
    for _ in 0..BOOTSTRAP {
        for d in draw.iter_mut() {
            *d = (rng.next() % n as u64) as usize;
        }
        let margin = |p: &Point| -> f64 {
            p.advantages
                .iter()
                .map(|v| mean(draw.iter().map(|&i| v[i])))
                .fold(f64::INFINITY, f64::min)
        };
        let gs: Vec<(f64, f64)> = sorted.iter().map(|p| (p.x, margin(p))).collect();
        let start = gs.iter().position(|(x, _)| *x == start_x).unwrap_or(0);
        let mut at = gs.last().map_or(f64::NAN, |g| g.0);
        if gs[start].1 <= 0.0 {
            at = start_x;
        } else if let Some(k) = (start..gs.len() - 1).find(|&k| gs[k].1 > 0.0 && gs[k + 1].1 <= 0.0)
        {
            at = interpolate(gs[k], gs[k + 1]);
        }
        crossings.push(at);
    }
    crossings.sort_by(f64::total_cmp);
    let q = |p: f64| crate::stats::quantile_sorted(&crossings, p);
    let (a, b) = (q(0.025), q(0.975));
    (a.min(b), a.max(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A margin linear in x with paired noise: zero at `at`.
    fn point(x: f64, at: f64) -> Point {
        let noise = [-0.3, 0.1, 0.2, -0.1, 0.4, -0.2, 0.0, -0.1];
        Point {
            x,
            advantages: vec![noise.iter().map(|e| (at - x) + e).collect()],
        }
    }

    #[test]
    fn a_linear_margin_is_found_where_it_crosses() {
        let rule = Rule {
            max_points: 8,
            tolerance: 1e-6,
            whole: false,
        };
        let mut evals = 0;
        let (points, at) = bisect(point(0.0, 3.0), point(10.0, 3.0), rule, &mut |x| {
            evals += 1;
            Some(point(x, 3.0))
        })
        .unwrap();
        assert!((at - 3.0).abs() < 1e-9, "{at}");
        assert!(evals <= 2, "linear: found in {evals}");
        let (lo, hi) = interval(&points, 0.0, 7);
        assert!(lo <= 3.0 && 3.0 <= hi && hi - lo < 1.0, "{lo}..{hi}");
    }

    /// A margin that grows with x: zero at `at`.
    fn rising(x: f64, at: f64) -> Point {
        let mut p = point(x, at);
        for v in &mut p.advantages[0] {
            *v = 2.0 * (x - at) - *v + (at - x);
        }
        p
    }

    #[test]
    fn whole_numbers_stop_between_neighbours() {
        let rule = Rule {
            max_points: 10,
            tolerance: 1.0,
            whole: true,
        };
        let (points, at) = bisect(rising(20.0, 12.5), rising(4.0, 12.5), rule, &mut |x| {
            assert_eq!(x, x.round());
            Some(rising(x, 12.5))
        })
        .unwrap();
        assert!((at - 12.5).abs() < 1e-9, "{at}");
        assert!(points.len() <= 6);
    }
}
