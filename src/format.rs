//! Numbers in a reader's words, for titles, tables and files: a parameter value in few
//! digits, a percentage without trailing zeros, a share printed on the side of a rule's
//! threshold it is really on.

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

/// A share (0.0473) as a percentage with as few decimals as keep it visibly on the side
/// of every threshold (shares too) that it is really on: "4.7%" under a "< 5%" rule,
/// never "5%"; "45%" when no threshold is near. A share within a hair of a threshold
/// that four decimals cannot separate is written "just under 5%".
pub fn pct_against(share: f64, thresholds: &[f64]) -> String {
    if !share.is_finite() {
        return "—".into();
    }
    let pct = 100.0 * share;
    let below = |x: f64, t: f64| x < 100.0 * t - 1e-9;
    for decimals in 0..=4usize {
        let scale = 10f64.powi(decimals as i32);
        let shown = (pct * scale).round() / scale;
        if thresholds.iter().all(|t| below(shown, *t) == (share < *t)) {
            return format!("{shown:.decimals$}%");
        }
    }
    let near = thresholds
        .iter()
        .copied()
        .min_by(|a, b| (a - share).abs().total_cmp(&(b - share).abs()))
        .unwrap_or(share);
    let side = if share < near {
        "just under"
    } else {
        "at least"
    };
    format!("{side} {}%", trim_pct(100.0 * near))
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

    #[test]
    fn a_share_shows_the_side_of_its_rule() {
        assert_eq!(pct_against(0.0473, &[0.05, 0.25]), "4.7%");
        assert_eq!(pct_against(0.45, &[0.05, 0.25]), "45%");
        assert_eq!(pct_against(0.0496, &[0.05]), "4.96%");
        assert_eq!(pct_against(0.05, &[0.05]), "5%");
        assert_eq!(pct_against(0.8996, &[0.9]), "89.96%");
        assert_eq!(pct_against(0.049_999_999, &[0.05]), "just under 5%");
        assert_eq!(pct_against(f64::NAN, &[0.05]), "—");
    }

    proptest::proptest! {
        #[test]
        fn the_printed_share_obeys_the_rule_the_share_obeys(share in 0.0f64..1.0, t in 0.01f64..0.99) {
            let s = pct_against(share, &[t]);
            if let Some(n) = s.strip_suffix('%').and_then(|n| n.parse::<f64>().ok()) {
                proptest::prop_assert_eq!(n < 100.0 * t - 1e-9, share < t, "{} against {}", s, t);
            }
        }
    }
}
