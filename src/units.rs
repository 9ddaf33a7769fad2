//! Units of measure and their parsers: durations in hours (`"45m"`, `"4h"`, `"3d"`)
//! and rates (`"2/month"`, `"0.5/h"`), written the way users speak.

/// Hours in a (non-leap) year, the annualisation base for costs and rates.
pub const HOURS_PER_YEAR: f64 = 8760.0;
/// Hours in a week.
pub const HOURS_PER_WEEK: f64 = 168.0;

/// Parses a duration such as `"45m"`, `"4h"`, `"1.5d"`, `"2w"`, `"90s"`, `"1h30m"` into hours.
///
/// Units: `s`, `m`/`min`, `h`, `d`, `w`, `y` (365 days). A bare number is rejected because
/// the unit is ambiguous.
pub fn parse_duration_hours(text: &str) -> Result<f64, String> {
    let s = text.trim();
    if s.is_empty() {
        return Err("empty duration; write e.g. \"45m\", \"4h\" or \"3d\"".into());
    }
    let mut total = 0.0;
    let mut rest = s;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_len == 0 {
            return Err(format!(
                "\"{text}\" is not a duration; write a number followed by a unit, e.g. \"45m\", \"4h\", \"3d\""
            ));
        }
        let value: f64 = rest[..num_len]
            .parse()
            .map_err(|_| format!("\"{text}\" has a malformed number"))?;
        if !value.is_finite() {
            return Err(format!("\"{text}\" is not a finite duration"));
        }
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = rest[..unit_len].trim();
        rest = rest[unit_len..].trim_start();
        let hours_per_unit = unit_hours(unit).ok_or_else(|| {
            if unit.is_empty() {
                format!("\"{text}\" has no unit; write e.g. \"{value}h\" (units: s, m, h, d, w, y)")
            } else {
                format!("\"{text}\" has unknown unit \"{unit}\" (units: s, m, h, d, w, y)")
            }
        })?;
        total += value * hours_per_unit;
    }
    if !total.is_finite() {
        return Err(format!("\"{text}\" is not a finite duration"));
    }
    Ok(total)
}

fn unit_hours(unit: &str) -> Option<f64> {
    Some(match unit {
        "s" | "sec" | "secs" | "second" | "seconds" => 1.0 / 3600.0,
        "m" | "min" | "mins" | "minute" | "minutes" => 1.0 / 60.0,
        "h" | "hr" | "hrs" | "hour" | "hours" => 1.0,
        "d" | "day" | "days" => 24.0,
        "w" | "week" | "weeks" => HOURS_PER_WEEK,
        "month" | "months" | "mo" => HOURS_PER_YEAR / 12.0,
        "y" | "year" | "years" => HOURS_PER_YEAR,
        _ => return None,
    })
}

/// Parses a rate such as `"2/month"`, `"0.5/h"`, `"10/year"`, `"3/week"` into events per hour.
pub fn parse_rate_per_hour(text: &str) -> Result<f64, String> {
    let s = text.trim();
    let Some((count, per)) = s.split_once('/') else {
        return Err(format!(
            "\"{text}\" is not a rate; write a count per period, e.g. \"2/month\", \"0.5/h\", \"10/year\""
        ));
    };
    let count_text = count;
    let count: f64 = count
        .trim()
        .parse()
        .map_err(|_| format!("\"{text}\": \"{}\" is not a number", count.trim()))?;
    let per = per.trim();
    let period = if per.starts_with(|c: char| c.is_ascii_digit()) {
        parse_duration_hours(per)?
    } else {
        unit_hours(per).ok_or_else(|| {
            format!("\"{text}\": unknown period \"{per}\" (use h, d, week, month, year)")
        })?
    };
    if count.is_nan() {
        return Err(format!(
            "\"{text}\": \"{}\" is not a number",
            count_text.trim()
        ));
    }
    if !count.is_finite() {
        return Err(format!("\"{text}\": a rate must be finite"));
    }
    if count < 0.0 {
        return Err(format!("\"{text}\": a rate cannot be negative"));
    }
    if period <= 0.0 {
        return Err(format!("\"{text}\": the period must be positive"));
    }
    Ok(count / period)
}

/// Formats hours compactly for tables: `"42m"`, `"3.5h"`, `"2.1d"`.
pub fn format_hours(hours: f64) -> String {
    if !hours.is_finite() {
        return "n/a".into();
    }
    if hours < 1.0 {
        format!("{:.0}m", hours * 60.0)
    } else if hours < 48.0 {
        format!("{hours:.1}h")
    } else {
        format!("{:.1}d", hours / 24.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_users_words() {
        assert_eq!(parse_duration_hours("4h"), Ok(4.0));
        assert_eq!(parse_duration_hours("45m"), Ok(0.75));
        assert_eq!(parse_duration_hours("3d"), Ok(72.0));
        assert_eq!(parse_duration_hours("1h30m"), Ok(1.5));
        assert_eq!(parse_duration_hours("1w"), Ok(168.0));
        assert!(parse_duration_hours("4").is_err());
        assert!(parse_duration_hours("4x").is_err());
        assert!(parse_duration_hours("h").is_err());
    }

    #[test]
    fn rates_in_users_words() {
        assert_eq!(parse_rate_per_hour("0.5/h"), Ok(0.5));
        assert_eq!(parse_rate_per_hour("24/d"), Ok(1.0));
        assert_eq!(parse_rate_per_hour("8760/year"), Ok(1.0));
        assert_eq!(parse_rate_per_hour("1/2h"), Ok(0.5));
        assert!(parse_rate_per_hour("3").is_err());
        assert!(parse_rate_per_hour("-1/h").is_err());
    }
}
