//! Business hours for people who are not on call. Simulated time is in hours from
//! Monday 00:00; the calendar repeats weekly.

/// Weekly business hours: the same opening hours on each business day.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    open_hour: f64,
    close_hour: f64,
    days: [bool; 7],
}

impl Default for Calendar {
    /// Monday to Friday, 09:00–17:00.
    fn default() -> Self {
        Self {
            open_hour: 9.0,
            close_hour: 17.0,
            days: [true, true, true, true, true, false, false],
        }
    }
}

/// Why business hours or business days could not be read. Messages quote the text and
/// show how to write it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CalendarError {
    /// Business hours without the `-` between opening and closing.
    #[error("business_hours \"{hours}\" should look like \"09:00-17:00\"")]
    NotARange {
        /// The business hours as written.
        hours: String,
    },
    /// An opening or closing time that is not `HH:MM` (or `HH`).
    #[error("\"{time}\" is not a time of day like 09:00")]
    NotATime {
        /// The time, trimmed.
        time: String,
    },
    /// A time of day before 00:00 or after 24:00, or minutes of 60 and more.
    #[error("\"{time}\" is not a time of day between 00:00 and 24:00")]
    TimeOutOfDay {
        /// The time, trimmed.
        time: String,
    },
    /// Closing at or before opening.
    #[error("business_hours \"{hours}\": opening must be before closing")]
    ClosesBeforeOpening {
        /// The business hours as written.
        hours: String,
    },
    /// A word in business days that names no day of the week.
    #[error("\"{day}\" is not a day (use mon, tue, wed, thu, fri, sat, sun)")]
    NotADay {
        /// The word, trimmed and in lower case.
        day: String,
    },
    /// A range of days whose first day comes after its last.
    #[error("day range \"{range}\" runs backwards")]
    BackwardsRange {
        /// The range, trimmed and in lower case.
        range: String,
    },
    /// Business days that name no day at all.
    #[error("business_days names no day")]
    NoDays,
}

const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl Calendar {
    /// Builds a calendar from `"09:00-17:00"` and `"mon-fri"` (or `"mon,wed,fri"`).
    pub fn parse(hours: &str, days: &str) -> Result<Self, CalendarError> {
        let (open, close) = hours
            .split_once('-')
            .ok_or_else(|| CalendarError::NotARange {
                hours: hours.into(),
            })?;
        let open_hour = parse_clock(open)?;
        let close_hour = parse_clock(close)?;
        if open_hour >= close_hour {
            return Err(CalendarError::ClosesBeforeOpening {
                hours: hours.into(),
            });
        }
        let mut set = [false; 7];
        for part in days.split(',') {
            let part = part.trim().to_ascii_lowercase();
            let index = |d: &str| {
                DAY_NAMES
                    .iter()
                    .position(|n| d.starts_with(n))
                    .ok_or_else(|| CalendarError::NotADay { day: d.into() })
            };
            if let Some((a, b)) = part.split_once('-') {
                let (a, b) = (index(a.trim())?, index(b.trim())?);
                if a > b {
                    return Err(CalendarError::BackwardsRange { range: part });
                }
                set[a..=b].iter_mut().for_each(|d| *d = true);
            } else {
                set[index(&part)?] = true;
            }
        }
        if !set.contains(&true) {
            return Err(CalendarError::NoDays);
        }
        Ok(Self {
            open_hour,
            close_hour,
            days: set,
        })
    }

    /// Whether every hour of `other` is also an hour of this calendar.
    pub fn contains(&self, other: &Calendar) -> bool {
        (0..7).all(|d| {
            !other.days[d]
                || (self.days[d]
                    && self.open_hour <= other.open_hour
                    && self.close_hour >= other.close_hour)
        })
    }

    /// Business hours per week.
    pub fn hours_per_week(&self) -> f64 {
        self.days.iter().filter(|d| **d).count() as f64 * (self.close_hour - self.open_hour)
    }

    /// Whether `t` falls in business hours.
    pub fn is_open(&self, t: f64) -> bool {
        let (day, weekday) = day_of(t);
        let hour = t - day * 24.0;
        self.days[weekday] && hour >= self.open_hour && hour < self.close_hour
    }

    /// Whether day number `day` (0 = the first Monday) is a business day.
    #[inline]
    fn business_day(&self, day: f64) -> bool {
        self.days[weekday_of(day)]
    }

    /// The first moment at or after `t` that falls in business hours.
    pub fn next_open(&self, t: f64) -> f64 {
        // The day of the week once, then counted on with the days: below 2^53 days, where
        // adding a day is exact (far beyond any run); from the day itself above.
        let (mut day, mut weekday) = day_of(t);
        let counted = day < 9.0e15;
        for _ in 0..8 {
            if self.days[weekday] {
                let close = day * 24.0 + self.close_hour;
                if t < close {
                    return t.max(day * 24.0 + self.open_hour);
                }
            }
            day += 1.0;
            weekday = match (counted, weekday) {
                (false, _) => weekday_of(day),
                (true, 6) => 0,
                (true, w) => w + 1,
            };
        }
        t // unreachable for a calendar with at least one business day
    }

    /// The moment `work` business hours after `t` have elapsed.
    pub fn add_working(&self, t: f64, work: f64) -> f64 {
        self.walk(t, work, self.hours_per_week(), None).0
    }

    /// [`Calendar::add_working`], and the day the answer is an open moment of (before the
    /// day's close), if the walk may count on from it ([`OpenDay`]). `from`, when given,
    /// is that day for `t` (from the last walk): the walk then starts at `t` and counts
    /// the days on, where it would look each up from the time; the same moments. Work of
    /// more than a week's business hours starts as `add_working` does, whatever `from`.
    fn walk(
        &self,
        t: f64,
        work: f64,
        per_week: f64,
        from: Option<OpenDay>,
    ) -> (f64, Option<OpenDay>) {
        // Beyond this, hours no longer resolve a working day and the walk below could not
        // make progress: the answer is "never" for any run (the horizon is far shorter).
        if !(t.is_finite() && work.is_finite()) || t + work > NEVER_HOURS {
            return (f64::INFINITY, None);
        }
        // Whole weeks first: a week from an open moment is the same moment of the week,
        // and consumes exactly a week of business hours. Keep the last (partial) week for
        // the day-by-day walk, so that work ending at a closing time ends there.
        // Up to a week's work (nearly all of it) has no whole weeks: `ceil` (a call into
        // libm) is skipped where it would give at most 1, and the weeks 0.
        let share = work / per_week;
        let (mut now, mut left, mut known) = match from {
            // `t` is an open moment of the day: `next_open(t)` is `t`, and `t + 0` is `t`.
            Some(day) if share <= 1.0 => (t, work, Some(day)),
            _ => {
                let weeks = if share <= 1.0 {
                    0.0
                } else {
                    (share.ceil() - 1.0).max(0.0)
                };
                let now = self.next_open(t) + weeks * 168.0;
                (now, work - weeks * per_week, None)
            }
        };
        loop {
            // The day `now` is in, and its weekday where known.
            let (day, weekday, close) = match known {
                Some(d) => (d.number, Some(d.weekday), d.close),
                None => {
                    let day = floor(now / 24.0);
                    (day, None, day * 24.0 + self.close_hour)
                }
            };
            let available = close - now;
            if left <= available {
                let end = now + left;
                let fits = self
                    .day_of_walk(day, weekday)
                    .filter(|&w| self.days[w] && day * 24.0 + self.open_hour <= end && end < close);
                return (
                    end,
                    fits.map(|weekday| OpenDay {
                        number: day,
                        weekday,
                        close,
                    }),
                );
            }
            left -= available;
            // `next_open(close)`: past the close, the next business day's opening.
            (now, known) = match self.day_of_walk(day, weekday) {
                Some(weekday) => {
                    let next = self.next_day(day, weekday);
                    (next.number * 24.0 + self.open_hour, Some(next))
                }
                None => (self.next_open(close), None),
            };
        }
    }

    /// `day`'s day of the week (`weekday` where known), if a walk may count days on from
    /// it ([`OpenDay`]).
    #[inline]
    fn day_of_walk(&self, day: f64, weekday: Option<usize>) -> Option<usize> {
        if self.close_hour > OpenDay::LATEST_CLOSE || !(0.0..OpenDay::LAST).contains(&day) {
            return None;
        }
        // A whole number of days below 2^34: the remainder of its integer (as in `day_of`),
        // worked out only where not known.
        #[allow(
            clippy::unnecessary_lazy_evaluations,
            reason = "evaluated eagerly on every step, the remainder was 0.8% of the baseline's instructions (callgrind)"
        )]
        Some(weekday.unwrap_or_else(|| (day as i64 as u64 % 7) as usize))
    }

    /// The business day after `day` (of weekday `weekday`), counted on.
    fn next_day(&self, day: f64, weekday: usize) -> OpenDay {
        let (mut number, mut weekday) = (day, weekday);
        // At most a week on: a walk has a business day to stand in.
        for _ in 0..7 {
            number += 1.0;
            weekday = if weekday == 6 { 0 } else { weekday + 1 };
            if self.days[weekday] {
                break;
            }
        }
        OpenDay {
            number,
            weekday,
            close: number * 24.0 + self.close_hour,
        }
    }

    /// Hours of business time in `[0, horizon)`.
    pub fn open_hours_within(&self, horizon: f64) -> f64 {
        let weeks = (horizon / 168.0).floor();
        let mut total = weeks * self.hours_per_week();
        let mut day = weeks * 7.0;
        while day * 24.0 < horizon {
            if self.business_day(day) {
                let open = day * 24.0 + self.open_hour;
                let close = (day * 24.0 + self.close_hour).min(horizon);
                total += (close - open).max(0.0);
            }
            day += 1.0;
        }
        total
    }
}

/// Times from this many hours on (about 11,000 years) count as never. Horizons are
/// limited far below it, and f64 still resolves minutes there.
pub const NEVER_HOURS: f64 = 1e8;

/// A business day a walk stands in: its number, its day of the week and its closing time
/// (`number * 24 + close_hour`), held for a moment `t` of its open hours before its
/// close. Only in a calendar whose days close at least a minute before midnight (and open
/// at or after it), and for days below [`OpenDay::LAST`] (the day a walk works in may run
/// a week past it: the margin holds far beyond): there every moment of the day's open
/// hours, and its close, is below the next midnight by a minute, some 270 times the
/// spacing of hours below 2^39 (the division by 24 rounds far less), so `floor(t / 24)`
/// is `number` (`t` is at least `number * 24`, which is exact). Hence `next_open(t)` is
/// `t`, the loop of [`Calendar::walk`] finds the same day and close from `t`, and
/// `next_open(close)` is the next business day's opening: the numbers the walk counts on
/// instead of working them out from the time.
#[derive(Debug, Clone, Copy)]
struct OpenDay {
    number: f64,
    weekday: usize,
    close: f64,
}

impl OpenDay {
    /// The latest closing hour a walk counts days on in: a minute before midnight.
    const LATEST_CLOSE: f64 = 24.0 - 1.0 / 60.0;
    /// The first day a walk does not count on from (2^34 days, 2^38.6 hours).
    const LAST: f64 = 17_179_869_184.0;
}

/// Business hours laid onto the calendar one step after another, each from where the last
/// ended: the moments [`Calendar::add_working`] gives step by step, without looking up
/// the day each step starts in.
#[derive(Debug, Clone)]
pub struct Walk<'a> {
    calendar: &'a Calendar,
    per_week: f64,
    at: f64,
    day: Option<OpenDay>,
}

impl<'a> Walk<'a> {
    /// A walk from `t`.
    pub fn new(calendar: &'a Calendar, t: f64) -> Self {
        Walk {
            calendar,
            per_week: calendar.hours_per_week(),
            at: t,
            day: None,
        }
    }

    /// The moment `work` business hours after the last (`add_working(last, work)`).
    #[inline]
    pub fn add(&mut self, work: f64) -> f64 {
        // Work that ends in the day the walk stands in (most steps): the walk's first
        // step, inline. `work` is finite and not negative here, and the walk's moment
        // finite and open, so the walk would take this step and keep the day if the end
        // is before the close.
        if let Some(day) = self.day {
            let end = self.at + work;
            if (0.0..=day.close - self.at).contains(&work)
                && work / self.per_week <= 1.0
                && end <= NEVER_HOURS
            {
                self.at = end;
                self.day = (end < day.close).then_some(day);
                return end;
            }
        }
        let (at, day) = self.calendar.walk(self.at, work, self.per_week, self.day);
        self.at = at;
        self.day = day;
        at
    }
}

/// The day number of `t` (`floor(t / 24)`) and its day of the week (0 = Monday), from one
/// conversion to an integer for the run's times (two, and a division, otherwise).
#[inline]
fn day_of(t: f64) -> (f64, usize) {
    let x = t / 24.0;
    if (0.0..9.0e15).contains(&x) {
        let day = x as i64;
        (day as f64, (day % 7) as usize)
    } else {
        let day = floor(x);
        (day, weekday_of(day))
    }
}

/// The day of the week (0 = Monday) of day number `day`, a whole number.
#[inline]
fn weekday_of(day: f64) -> usize {
    // Days of the run are never negative: a remainder by a constant, not `rem_euclid`'s
    // division (the same day of the week).
    if day >= 0.0 {
        (day as u64 % 7) as usize
    } else {
        (day as i64).rem_euclid(7) as usize
    }
}

/// `x.floor()` without a call into libm for the non-negative times the simulation uses
/// (the target's baseline instruction set has no rounding instruction).
#[inline]
pub(crate) fn floor(x: f64) -> f64 {
    if (0.0..9.0e15).contains(&x) {
        (x as i64) as f64
    } else {
        x.floor()
    }
}

fn parse_clock(s: &str) -> Result<f64, CalendarError> {
    let s = s.trim();
    let not_a_time = || CalendarError::NotATime { time: s.into() };
    let (h, m) = s.split_once(':').unwrap_or((s, "0"));
    let h: f64 = h.parse().map_err(|_| not_a_time())?;
    let m: f64 = m.parse().map_err(|_| not_a_time())?;
    let hour = h + m / 60.0;
    // 24:00 ends a day; 24:30 is not in one.
    if !(0.0..=24.0).contains(&h) || !(0.0..60.0).contains(&m) || hour > 24.0 {
        return Err(CalendarError::TimeOutOfDay { time: s.into() });
    }
    Ok(hour)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn extreme_work_ends_never_instead_of_looping() {
        let cal = Calendar::default();
        for (t, work) in [
            (0.0, 1e300),
            (0.0, f64::INFINITY),
            (0.0, f64::NAN),
            (1e300, 1.0),
            (NEVER_HOURS, 1.0),
        ] {
            assert_eq!(cal.add_working(t, work), f64::INFINITY, "{t} + {work}");
        }
        // Just inside the bound, the walk still gives a finite, later time.
        let t = cal.add_working(1e7, 1000.0);
        assert!(t.is_finite() && t > 1e7 + 1000.0, "{t}");
    }

    #[test]
    fn work_waits_for_monday_morning() {
        let cal = Calendar::default();
        // Friday 16:00 + 3 working hours = Monday 11:00.
        let friday_16 = 4.0 * 24.0 + 16.0;
        let monday_11 = 7.0 * 24.0 + 11.0;
        assert!((cal.add_working(friday_16, 3.0) - monday_11).abs() < 1e-9);
        // Saturday night opens Monday 09:00.
        assert!((cal.next_open(5.0 * 24.0 + 23.0) - (7.0 * 24.0 + 9.0)).abs() < 1e-9);
        assert!(cal.is_open(10.0));
        assert!(!cal.is_open(5.0 * 24.0 + 10.0));
        assert_eq!(cal.hours_per_week(), 40.0);
        assert!((cal.open_hours_within(2.0 * 168.0) - 80.0).abs() < 1e-9);
        // 40 working hours from Monday 09:00 end on Friday at 17:00; 100 end on
        // Wednesday 13:00 two weeks later.
        let friday_17 = 4.0 * 24.0 + 17.0;
        assert!((cal.add_working(9.0, 40.0) - friday_17).abs() < 1e-9);
        assert!((cal.add_working(9.0, 100.0) - (14.0 * 24.0 + 2.0 * 24.0 + 13.0)).abs() < 1e-9);
    }

    proptest::proptest! {
        /// Work added in two steps ends where it ends in one.
        #[test]
        fn working_time_adds_up(t in 0.0f64..2000.0, a in 0.0f64..300.0, b in 0.0f64..300.0) {
            let cal = Calendar::default();
            let once = cal.add_working(t, a + b);
            let twice = cal.add_working(cal.add_working(t, a), b);
            proptest::prop_assert!((once - twice).abs() < 1e-6, "{once} vs {twice}");
            proptest::prop_assert!(once >= t + a + b - 1e-9);
        }
    }

    proptest::proptest! {
        /// The day of the week counted on gives the moment the day-by-day definition
        /// gives, bit for bit, on calendars with gaps and at the edges of days.
        #[test]
        fn next_open_is_the_first_open_moment(
            t in prop_oneof![
                0.0f64..5000.0,
                (0u32..400).prop_map(|h| f64::from(h) * 0.5),
                // Where adding a day to the day number rounds (2^53 days and beyond).
                2.1e17f64..2.3e17,
                (0u64..1000).prop_map(|k| 3.0 * 2f64.powi(56) + (k * 32) as f64),
            ],
            days in proptest::array::uniform7(proptest::bool::ANY),
            open in 0u32..23,
            len in 1u32..25,
        ) {
            proptest::prop_assume!(days.contains(&true));
            let cal = Calendar {
                open_hour: f64::from(open),
                close_hour: f64::from((open + len).min(24)),
                days,
            };
            // The definition, as written before the day of the week was counted on.
            let expected = (|| {
                let mut day = floor(t / 24.0);
                for _ in 0..8 {
                    if cal.business_day(day) && t < day * 24.0 + cal.close_hour {
                        return t.max(day * 24.0 + cal.open_hour);
                    }
                    day += 1.0;
                }
                t
            })();
            proptest::prop_assert_eq!(cal.next_open(t).to_bits(), expected.to_bits());
        }
    }

    proptest::proptest! {
        /// One conversion gives the day and the day of the week the two steps give, for
        /// the run's times and for negative and huge ones.
        #[test]
        fn the_day_and_its_weekday_are_those_of_floor(
            t in prop_oneof![
                0.0f64..1e6,
                -1e6f64..0.0,
                // Around the end of the one-conversion range (9e15 days).
                2.159e17f64..2.161e17,
                (0u32..400).prop_map(|h| f64::from(h) * 12.0),
                Just(-0.0),
                Just(f64::NAN),
                Just(f64::INFINITY),
            ],
        ) {
            let day = floor(t / 24.0);
            let (d, w) = day_of(t);
            proptest::prop_assert!(d.to_bits() == day.to_bits() || (d.is_nan() && day.is_nan()));
            proptest::prop_assert_eq!(w, weekday_of(day));
        }
    }

    /// `add_working` as it was written before its shortcut, to test the shortcut against.
    fn add_working_reference(cal: &Calendar, t: f64, work: f64) -> f64 {
        if !(t.is_finite() && work.is_finite()) || t + work > NEVER_HOURS {
            return f64::INFINITY;
        }
        let mut now = cal.next_open(t);
        let mut left = work;
        let per_week = cal.hours_per_week();
        let weeks = ((left / per_week).ceil() - 1.0).max(0.0);
        now += weeks * 168.0;
        left -= weeks * per_week;
        loop {
            let day = floor(now / 24.0);
            let close = day * 24.0 + cal.close_hour;
            let available = close - now;
            if left <= available {
                return now + left;
            }
            left -= available;
            now = cal.next_open(close);
        }
    }

    proptest::proptest! {
        /// Work added with the shortcut ends where it ended without, bit for bit: short
        /// and long work, whole weeks of it, and calendars with gaps.
        #[test]
        fn added_work_ends_where_it_did(
            t in prop_oneof![0.0f64..5000.0, (0u32..400).prop_map(|h| f64::from(h) * 0.5)],
            work in prop_oneof![0.0f64..10.0, 0.0f64..500.0, (0u32..20).prop_map(|w| f64::from(w) * 40.0)],
            days in proptest::array::uniform7(proptest::bool::ANY),
            open in 0u32..23,
            len in 1u32..10,
        ) {
            proptest::prop_assume!(days.contains(&true));
            let cal = Calendar {
                open_hour: f64::from(open),
                close_hour: f64::from((open + len).min(24)),
                days,
            };
            let ours = cal.add_working(t, work);
            proptest::prop_assert_eq!(ours.to_bits(), add_working_reference(&cal, t, work).to_bits());
        }
    }

    proptest::proptest! {
        /// A walk's steps end where `add_working` from each last end does, bit for bit:
        /// steps that end on a close, short and long ones, whole weeks, calendars that
        /// close at midnight, a minute before it or a fraction of a minute before it (where
        /// the walk must not count on), and days far out.
        #[test]
        fn a_walk_ends_each_step_where_add_working_does(
            start in prop_oneof![
                0.0f64..5000.0,
                (0u32..400).prop_map(|h| f64::from(h) * 0.5),
                // Days far out, below `NEVER_HOURS` (4,166,666 days).
                (1u64..4_166_000).prop_map(|d| d as f64 * 24.0),
            ],
            steps in proptest::collection::vec(
                prop_oneof![
                    0.0f64..10.0,
                    0.0f64..500.0,
                    (0u32..20).prop_map(|w| f64::from(w) * 8.0),
                    Just(0.0),
                ],
                1..40,
            ),
            mut days in proptest::array::uniform7(proptest::bool::ANY),
            opens in prop_oneof![0.0f64..1.0, Just(0.0), Just(0.375)],
            close in prop_oneof![
                Just(24.0),
                Just(24.0 - 1.0 / 60.0),
                Just(24.0 - 1e-9),
                (1u32..24).prop_map(f64::from),
                0.001f64..24.0,
            ],
        ) {
            // A calendar has a business day, and opens before it closes.
            days[0] |= !days.contains(&true);
            let open = close * opens;
            let cal = Calendar { open_hour: open, close_hour: close, days };
            let mut walk = Walk::new(&cal, start);
            let mut t = start;
            for work in steps {
                let expected = cal.add_working(t, work);
                let reference = add_working_reference(&cal, t, work);
                let ours = walk.add(work);
                proptest::prop_assert_eq!(expected.to_bits(), reference.to_bits());
                proptest::prop_assert_eq!(ours.to_bits(), expected.to_bits(), "from {} + {}", t, work);
                t = expected;
            }
        }
    }

    proptest::proptest! {
        /// At the edges of days, where a walk's numbers could part from the looked-up
        /// ones: steps that end on a close, a few units of rounding before or after it, at
        /// the next day's close or a week on, from days near the first and near the last
        /// of a run (`NEVER_HOURS`), on calendars of one business day or more, closing a
        /// minute before midnight, or at midnight.
        #[test]
        fn a_walk_ends_where_add_working_does_at_the_edges_of_days(
            first in prop_oneof![0u64..10, 4_000_000u64..4_166_000],
            steps in proptest::collection::vec((0usize..4, -3i64..=3), 1..30),
            mut days in proptest::array::uniform7(proptest::bool::ANY),
            opens in prop_oneof![0.0f64..1.0, Just(0.0), Just(0.375)],
            close in prop_oneof![
                Just(24.0),
                Just(24.0 - 1.0 / 60.0),
                (1u32..24).prop_map(f64::from),
                0.001f64..24.0,
            ],
            one_day in proptest::bool::ANY,
        ) {
            if one_day {
                days = [false; 7];
                days[(first % 7) as usize] = true;
            }
            days[0] |= !days.contains(&true);
            let open = close * opens;
            let cal = Calendar { open_hour: open, close_hour: close, days };
            let mut t = first as f64 * 24.0 + open;
            let mut walk = Walk::new(&cal, t);
            for (kind, ulps) in steps {
                // The time left in `t`'s day as `add_working` sees it, and from there.
                let today = floor(t / 24.0) * 24.0 + close - t;
                let base = match kind {
                    0 => today,
                    1 => today + (close - open),
                    2 => cal.hours_per_week(),
                    _ => 0.0,
                }
                .max(0.0);
                let work = f64::from_bits((base.to_bits() as i64 + ulps).max(0) as u64);
                let expected = cal.add_working(t, work);
                let reference = add_working_reference(&cal, t, work);
                let ours = walk.add(work);
                proptest::prop_assert_eq!(expected.to_bits(), reference.to_bits());
                proptest::prop_assert_eq!(ours.to_bits(), expected.to_bits(), "from {} + {}", t, work);
                if !expected.is_finite() {
                    break;
                }
                t = expected;
            }
        }
    }

    #[test]
    fn a_walk_counts_days_on_where_it_may_and_not_where_it_may_not() {
        // Nine to five: after a step, the walk knows the day it stands in.
        let cal = Calendar::default();
        let mut walk = Walk::new(&cal, 0.0);
        walk.add(3.0);
        assert!(walk.day.is_some_and(|d| d.number == 0.0 && d.weekday == 0));
        walk.add(7.0); // 12:00 Monday + 7 h = 11:00 Tuesday
        assert!(walk.day.is_some_and(|d| d.number == 1.0 && d.weekday == 1));
        // A step that ends on the close leaves the next to look the day up.
        walk.add(6.0);
        assert!(walk.day.is_none());
        // Days that close at midnight, or a fraction of a minute before: never counted on.
        for close in [24.0, 24.0 - 1e-9] {
            let cal = Calendar {
                close_hour: close,
                ..Calendar::default()
            };
            let mut walk = Walk::new(&cal, 0.0);
            walk.add(3.0);
            assert!(walk.day.is_none(), "close {close}");
        }
    }

    #[test]
    fn parses_users_calendars() {
        let cal = Calendar::parse("08:30-16:30", "mon-thu").unwrap();
        assert_eq!(cal.hours_per_week(), 32.0);
        assert!(Calendar::parse("17:00-09:00", "mon-fri").is_err());
        assert!(Calendar::parse("09:00-17:00", "funday").is_err());
        // The day ends at 24:00: a later closing time is refused, in the error's words.
        assert_eq!(
            Calendar::parse("00:00-24:00", "mon")
                .unwrap()
                .hours_per_week(),
            24.0
        );
        let late = Calendar::parse("09:00-24:30", "mon-fri").unwrap_err();
        assert_eq!(
            late.to_string(),
            "\"24:30\" is not a time of day between 00:00 and 24:00"
        );
    }
}
