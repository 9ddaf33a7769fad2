//! Units of measure and their parsers: durations in hours (`"45m"`, `"4h"`, `"3d"`)
//! and rates (`"2/month"`, `"0.5/h"`), written the way users speak.

/// Hours in a (non-leap) year, the annualisation base for costs and rates.
pub const HOURS_PER_YEAR: f64 = 8760.0;
/// Hours in a week.
pub const HOURS_PER_WEEK: f64 = 168.0;

/// Why a duration or a rate written in users' words could not be read. Each message
/// quotes the text and shows how to write it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UnitError {
    /// Nothing but white space where a duration was expected.
    #[error("empty duration; write e.g. \"45m\", \"4h\" or \"3d\"")]
    EmptyDuration,
    /// The text does not start with a number (or a unit follows a unit).
    #[error(
        "\"{text}\" is not a duration; write a number followed by a unit, e.g. \"45m\", \"4h\", \"3d\""
    )]
    NotADuration {
        /// The text as written.
        text: String,
    },
    /// Digits and dots that do not make a number, such as `1.2.3`.
    #[error("\"{text}\" has a malformed number")]
    MalformedNumber {
        /// The text as written.
        text: String,
    },
    /// A duration too large to hold in hours.
    #[error("\"{text}\" is not a finite duration")]
    InfiniteDuration {
        /// The text as written.
        text: String,
    },
    /// A number with no unit after it.
    #[error("\"{text}\" has no unit; write e.g. \"{value}h\" (units: s, m, h, d, w, y)")]
    NoUnit {
        /// The text as written.
        text: String,
        /// The number that lacks a unit.
        value: f64,
    },
    /// A unit that is not one of the known ones.
    #[error("\"{text}\" has unknown unit \"{unit}\" (units: s, m, h, d, w, y)")]
    UnknownUnit {
        /// The text as written.
        text: String,
        /// The unit as written.
        unit: String,
    },
    /// A rate without the `/` between its count and its period.
    #[error(
        "\"{text}\" is not a rate; write a count per period, e.g. \"2/month\", \"0.5/h\", \"10/year\""
    )]
    NotARate {
        /// The text as written.
        text: String,
    },
    /// A rate whose count is not a number (or is NaN).
    #[error("\"{text}\": \"{count}\" is not a number")]
    CountNotANumber {
        /// The rate as written.
        text: String,
        /// The count, trimmed.
        count: String,
    },
    /// A rate whose period is neither a unit nor a duration.
    #[error("\"{text}\": unknown period \"{period}\" (use h, d, week, month, year)")]
    UnknownPeriod {
        /// The rate as written.
        text: String,
        /// The period, trimmed.
        period: String,
    },
    /// A rate whose count is infinite.
    #[error("\"{text}\": a rate must be finite")]
    InfiniteRate {
        /// The rate as written.
        text: String,
    },
    /// A rate whose count is below zero.
    #[error("\"{text}\": a rate cannot be negative")]
    NegativeRate {
        /// The rate as written.
        text: String,
    },
    /// A rate per a period of zero length.
    #[error("\"{text}\": the period must be positive")]
    EmptyPeriod {
        /// The rate as written.
        text: String,
    },
}

/// Parses a duration such as `"45m"`, `"4h"`, `"1.5d"`, `"2w"`, `"90s"`, `"1h30m"` into hours.
///
/// Units: `s`, `m`/`min`, `h`, `d`, `w`, `y` (365 days). A bare number is rejected because
/// the unit is ambiguous.
pub fn parse_duration_hours(text: &str) -> Result<f64, UnitError> {
    let s = text.trim();
    if s.is_empty() {
        return Err(UnitError::EmptyDuration);
    }
    let mut total = 0.0;
    let mut rest = s;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_len == 0 {
            return Err(UnitError::NotADuration { text: text.into() });
        }
        let value: f64 = rest[..num_len]
            .parse()
            .map_err(|_| UnitError::MalformedNumber { text: text.into() })?;
        if !value.is_finite() {
            return Err(UnitError::InfiniteDuration { text: text.into() });
        }
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = rest[..unit_len].trim();
        rest = rest[unit_len..].trim_start();
        let hours_per_unit = unit_hours(unit).ok_or_else(|| {
            if unit.is_empty() {
                UnitError::NoUnit {
                    text: text.into(),
                    value,
                }
            } else {
                UnitError::UnknownUnit {
                    text: text.into(),
                    unit: unit.into(),
                }
            }
        })?;
        total += value * hours_per_unit;
    }
    if !total.is_finite() {
        return Err(UnitError::InfiniteDuration { text: text.into() });
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
pub fn parse_rate_per_hour(text: &str) -> Result<f64, UnitError> {
    let s = text.trim();
    let Some((count, per)) = s.split_once('/') else {
        return Err(UnitError::NotARate { text: text.into() });
    };
    let not_a_number = || UnitError::CountNotANumber {
        text: text.into(),
        count: count.trim().into(),
    };
    let count_value: f64 = count.trim().parse().map_err(|_| not_a_number())?;
    let per = per.trim();
    let period = if per.starts_with(|c: char| c.is_ascii_digit()) {
        parse_duration_hours(per)?
    } else {
        unit_hours(per).ok_or_else(|| UnitError::UnknownPeriod {
            text: text.into(),
            period: per.into(),
        })?
    };
    if count_value.is_nan() {
        return Err(not_a_number());
    }
    if !count_value.is_finite() {
        return Err(UnitError::InfiniteRate { text: text.into() });
    }
    if count_value < 0.0 {
        return Err(UnitError::NegativeRate { text: text.into() });
    }
    if period <= 0.0 {
        return Err(UnitError::EmptyPeriod { text: text.into() });
    }
    Ok(count_value / period)
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
