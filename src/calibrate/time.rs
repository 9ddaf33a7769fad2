//! RFC 3339 timestamps as incident tools export them: parsed into seconds since the Unix
//! epoch with the offset kept (the offset says which clock an hour-of-week profile is in),
//! and written back for incident logs. No time-zone database: offsets only.

/// A point in time with the UTC offset it was written in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stamp {
    /// Seconds since 1970-01-01T00:00:00Z (fractions kept).
    pub unix_seconds: f64,
    /// Offset from UTC in minutes (`Z` is 0).
    pub offset_minutes: i32,
}

impl Stamp {
    /// Hour of the week on the clock the timestamp was written in: 0 is Monday 00:00–01:00,
    /// as a scenario's `arrival_profile` counts them.
    pub fn hour_of_week(&self) -> usize {
        let local = self.unix_seconds.floor() as i64 + i64::from(self.offset_minutes) * 60;
        let days = local.div_euclid(86_400);
        // 1970-01-01 was a Thursday: Monday-based weekday is (days + 3) mod 7.
        let weekday = (days + 3).rem_euclid(7);
        let hour = local.rem_euclid(86_400) / 3_600;
        (weekday * 24 + hour) as usize
    }
}

/// Parses an RFC 3339 timestamp: `2024-03-05T14:07:00Z`, `2024-03-05 14:07:00.250+01:00`.
/// A trailing ` UTC` is read as `Z`. The error says what is wrong, in a few words.
pub fn parse(text: &str) -> Result<Stamp, &'static str> {
    let t = text.trim();
    let b = t.as_bytes();
    if b.len() < 19 {
        return Err("not a date and time like 2024-03-05T14:07:00Z");
    }
    let num = |range: std::ops::Range<usize>| -> Result<i64, &'static str> {
        let s = &b[range];
        if s.iter().all(u8::is_ascii_digit) {
            Ok(s.iter().fold(0i64, |a, d| a * 10 + i64::from(d - b'0')))
        } else {
            Err("not in the form YYYY-MM-DDTHH:MM:SS")
        }
    };
    if b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return Err("not in the form YYYY-MM-DDTHH:MM:SS");
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err("no such date");
    }
    if hour > 23 || minute > 59 || second > 60 {
        return Err("no such time of day");
    }
    let mut rest = &t[19..];
    let mut fraction = 0.0;
    if let Some(r) = rest.strip_prefix('.') {
        let digits = r.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err("a decimal point without digits");
        }
        fraction = format!("0.{}", &r[..digits]).parse::<f64>().unwrap_or(0.0);
        rest = &r[digits..];
    }
    let offset_minutes = match rest {
        "Z" | "z" | " UTC" | "UTC" | " Z" => 0,
        _ => {
            let r = rest.as_bytes();
            if r.len() != 6 || !matches!(r[0], b'+' | b'-') || r[3] != b':' {
                return Err(if rest.is_empty() {
                    "no time-zone offset (Z or ±HH:MM)"
                } else {
                    "time-zone offset not Z or ±HH:MM"
                });
            }
            let digits = |s: &[u8]| -> Result<i32, &'static str> {
                if s.iter().all(u8::is_ascii_digit) {
                    Ok(s.iter().fold(0i32, |a, d| a * 10 + i32::from(d - b'0')))
                } else {
                    Err("time-zone offset not Z or ±HH:MM")
                }
            };
            let (h, m) = (digits(&r[1..3])?, digits(&r[4..6])?);
            if h > 23 || m > 59 {
                return Err("time-zone offset out of range");
            }
            let sign = if r[0] == b'-' { -1 } else { 1 };
            sign * (h * 60 + m)
        }
    };
    let days = days_from_civil(year, month, day);
    let local = days * 86_400 + hour * 3_600 + minute * 60 + second.min(59);
    Ok(Stamp {
        unix_seconds: (local - i64::from(offset_minutes) * 60) as f64 + fraction,
        offset_minutes,
    })
}

/// Writes whole seconds since the epoch as RFC 3339 in UTC: `2024-03-05T14:07:00Z`.
pub fn format_utc(unix_seconds: i64) -> String {
    let days = unix_seconds.div_euclid(86_400);
    let secs = unix_seconds.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3_600,
        secs % 3_600 / 60,
        secs % 60
    )
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01 (inverse of [`days_from_civil`]).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        let s = parse("2024-01-01T00:00:00Z").unwrap();
        assert_eq!(s.unix_seconds, 1_704_067_200.0);
        assert_eq!(s.hour_of_week(), 0, "2024-01-01 was a Monday");
        let s = parse("2024-03-05 14:07:00.250+01:00").unwrap();
        assert_eq!(s.unix_seconds, 1_709_644_020.25);
        assert_eq!(s.offset_minutes, 60);
        // Tuesday 14:07 local.
        assert_eq!(s.hour_of_week(), 24 + 14);
        let s = parse("2023-12-31T23:30:00-05:00").unwrap();
        assert_eq!(s.offset_minutes, -300);
        assert_eq!(s.hour_of_week(), 6 * 24 + 23, "Sunday 23:00 local");
        assert_eq!(format_utc(1_704_067_200), "2024-01-01T00:00:00Z");
        assert_eq!(format_utc(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn round_trip_over_centuries() {
        // 1900 to 2200, every 97 days.
        for days in (-25_567..84_000).step_by(97) {
            let secs = days * 86_400 + 3_661;
            assert_eq!(parse(&format_utc(secs)).unwrap().unix_seconds, secs as f64);
        }
    }

    #[test]
    fn refusals() {
        for bad in [
            "",
            "yesterday",
            "2024-02-30T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-01-01T24:00:00Z",
            "2024-01-01T00:00:00",
            "2024-01-01T00:00:00+1:00",
            "2024-01-01T00:00:00.Z",
            "2024-01-01T00:00:00+25:00",
            "2024/01/01T00:00:00Z",
            "2024-01-01T00:00:00Zjunk",
            "１２３４-01-01T00:00:00Z",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be refused");
        }
    }
}
