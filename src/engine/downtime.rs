//! Impact-weighted downtime from incident intervals: at each moment a service is impaired
//! by the sum of its open incidents' impacts, capped at 1 (a service cannot be more than down).

/// Impaired hours within `[from, to)` of intervals `(start, end, impact)` of one service.
/// `scratch` is reused between calls to avoid allocating.
pub fn impaired_hours(
    intervals: impl Iterator<Item = (f64, f64, f64)>,
    from: f64,
    to: f64,
    scratch: &mut Vec<(f64, f64)>,
) -> f64 {
    scratch.clear();
    for (start, end, impact) in intervals {
        let (a, b) = (start.max(from), end.min(to));
        if b > a && impact > 0.0 {
            scratch.push((a, impact));
            scratch.push((b, -impact));
        }
    }
    if scratch.is_empty() {
        return 0.0;
    }
    scratch.sort_by(|x, y| x.0.total_cmp(&y.0));
    let (mut level, mut last, mut total) = (0.0_f64, scratch[0].0, 0.0);
    for &(t, delta) in scratch.iter() {
        if level > 1e-12 {
            total += (t - last) * level.min(1.0);
        }
        level += delta;
        last = t;
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_outages_count_once() {
        let mut s = Vec::new();
        let iv = [(0.0, 2.0, 1.0), (1.0, 3.0, 1.0), (5.0, 6.0, 0.5)];
        assert!((impaired_hours(iv.into_iter(), 0.0, 10.0, &mut s) - 3.5).abs() < 1e-12);
        assert!((impaired_hours(iv.into_iter(), 1.5, 5.5, &mut s) - 1.75).abs() < 1e-12);
        let partial = [(0.0, 4.0, 0.3), (1.0, 2.0, 0.3)];
        assert!((impaired_hours(partial.into_iter(), 0.0, 4.0, &mut s) - 1.5).abs() < 1e-12);
    }
}
