//! Numbers in a reader's words, for titles, tables and files: a parameter value in few
//! digits, a percentage without trailing zeros.

/// A parameter value in few digits: 24, 0.999, 1.2e-5.
pub fn short(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let a = v.abs();
    if !(1e-3..1e6).contains(&a) {
        return format!("{v:.2e}");
    }
    // Four significant digits, and more for targets such as 0.99995.
    let digits = if a < 1.0 && a > 0.9 {
        (-(1.0 - a).log10()).ceil() as usize + 2
    } else {
        (3 - a.log10().floor() as i32).clamp(0, 6) as usize
    };
    let s = format!("{v:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A percentage without trailing zeros: 99.95, 99.9, 99.
pub fn trim_pct(x: f64) -> String {
    let s = format!("{x:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn few_digits() {
        assert_eq!(short(24.0), "24");
        assert_eq!(short(0.999), "0.999");
        assert_eq!(short(0.99995), "0.99995");
        assert_eq!(short(1.2e-5), "1.20e-5");
        assert_eq!(short(1234.5678), "1235");
        assert_eq!(trim_pct(99.950), "99.95");
        assert_eq!(trim_pct(99.0), "99");
    }
}
