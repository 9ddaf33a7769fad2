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

/// Formats a money amount compactly: `1.25M`, `830k`, `420`.
pub fn money(x: f64) -> String {
    let a = x.abs();
    if !x.is_finite() {
        "n/a".into()
    } else if a >= 1e6 {
        format!("{:.2}M", x / 1e6)
    } else if a >= 1e3 {
        format!("{:.0}k", x / 1e3)
    } else {
        format!("{x:.0}")
    }
}

/// A half-width in the unit and scale of its mean, so that both read alike: `unit` is the
/// suffix ("M", "k", "h"), `scale` what one unit is worth, `decimals` the mean's. One more
/// decimal where the mean's would show zero; "<0.01M" where that is still zero.
fn half_in(half: f64, scale: f64, decimals: usize, unit: &str) -> String {
    if !half.is_finite() {
        return "n/a".into();
    }
    let h = half.abs() / scale;
    for d in [decimals, decimals + 1] {
        let shown = format!("{h:.d$}");
        if shown.chars().any(|c| c.is_ascii_digit() && c != '0') {
            return format!("{shown}{unit}");
        }
    }
    if h == 0.0 {
        return format!("0{unit}");
    }
    let d = decimals + 1;
    format!("<{:.d$}{unit}", 10f64.powi(-(d as i32)))
}

/// Money with its 95% half-width in the same unit: `1.99M ± 0.06M`, `922k ± 0.3k`.
pub fn money_pm(mean: f64, half: f64) -> String {
    let a = mean.abs();
    let half = if a >= 1e6 {
        half_in(half, 1e6, 2, "M")
    } else if a >= 1e3 {
        half_in(half, 1e3, 0, "k")
    } else {
        half_in(half, 1.0, 0, "")
    };
    format!("{} ± {half}", money(mean))
}

/// A duration in hours in a reader's unit: `45m`, `2.2h`, `3.1d` (the rule of
/// `units::format_hours`, which this layer cannot import; a test in `report` holds them
/// equal).
pub fn hours(h: f64) -> String {
    if !h.is_finite() {
        "n/a".into()
    } else if h.abs() < 1.0 {
        format!("{:.0}m", h * 60.0)
    } else if h.abs() < 48.0 {
        format!("{h:.1}h")
    } else {
        format!("{:.1}d", h / 24.0)
    }
}

/// A duration with its 95% half-width in the same unit: `2.2h ± 0.3h`, `45m ± 7m`.
pub fn hours_pm(mean: f64, half: f64) -> String {
    let a = mean.abs();
    let half = if a < 1.0 {
        half_in(half, 1.0 / 60.0, 0, "m")
    } else if a < 48.0 {
        half_in(half, 1.0, 1, "h")
    } else {
        half_in(half, 24.0, 1, "d")
    };
    format!("{} ± {half}", hours(mean))
}

/// A count with its noun, singular for one: "1 service", "24 services".
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// `text` broken at spaces into lines of at most `width` characters (a word longer than
/// the width stands alone on its line). One line when the text fits.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let needed = line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
        if !line.is_empty() && needed > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
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

    #[test]
    fn intervals_carry_the_unit_of_their_mean() {
        assert_eq!(money_pm(1_990_000.0, 60_000.0), "1.99M ± 0.06M");
        assert_eq!(money_pm(2_300_000.0, 821.0), "2.30M ± 0.001M");
        assert_eq!(money_pm(2_300_000.0, 1.0), "2.30M ± <0.001M");
        assert_eq!(money_pm(922_000.0, 273.0), "922k ± 0.3k");
        assert_eq!(money_pm(520_000.0, 3_000.0), "520k ± 3k");
        assert_eq!(money_pm(420.0, 12.0), "420 ± 12");
        assert_eq!(hours_pm(2.2, 19.0 / 60.0), "2.2h ± 0.3h");
        assert_eq!(hours_pm(0.75, 7.0 / 60.0), "45m ± 7m");
        assert_eq!(hours_pm(2.2, 0.01), "2.2h ± 0.01h");
        assert_eq!(hours_pm(2.2, 0.0), "2.2h ± 0h");
        assert_eq!(hours(72.0), "3.0d");
    }

    #[test]
    fn counts_and_wrapping() {
        assert_eq!(count(1, "team", "teams"), "1 team");
        assert_eq!(count(3, "team", "teams"), "3 teams");
        assert_eq!(wrap("a bb ccc dddd", 6), vec!["a bb", "ccc", "dddd"]);
        assert_eq!(wrap("short", 80), vec!["short"]);
    }
}
