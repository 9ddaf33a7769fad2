//! An axis's range: the span of the values drawn, padded.

/// The span of the finite `values`, padded by `pad` of it on each side ((0, 1) when there
/// are none).
pub(super) fn range(values: impl Iterator<Item = f64>, pad: f64) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let span = (hi - lo).max(hi.abs() * 0.01).max(1e-9);
    (lo - span * pad, hi + span * pad)
}
