//! How long until a deadline, in bands the queue shows by colour and by text.

use chrono::{DateTime, Duration, Utc};

/// How close a deadline is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Band {
    Overdue,
    Under4h,
    Under24h,
    Over24h,
}

/// The parts of a countdown, before words are put on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Countdown {
    /// At least a day left: days and hours (`4d 03h`).
    Days { days: i64, hours: i64 },
    /// Under a day but at least an hour: hours and minutes (`5h 12m`).
    Hours { hours: i64, minutes: i64, band: Band },
    /// Under an hour: minutes and seconds (`12m 05s`), ticking each second.
    Minutes { minutes: i64, seconds: i64 },
    /// Past due by this long, in the largest whole unit (`fa 2h`, `fa 3d`, `fa 12m`).
    Overdue { amount: i64, unit: Unit },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Minutes,
    Hours,
    Days,
}

impl Countdown {
    pub fn until(due: DateTime<Utc>, now: DateTime<Utc>) -> Countdown {
        let left = due - now;
        if left <= Duration::zero() {
            let late = -left;
            return if late >= Duration::days(1) {
                Countdown::Overdue {
                    amount: late.num_days(),
                    unit: Unit::Days,
                }
            } else if late >= Duration::hours(1) {
                Countdown::Overdue {
                    amount: late.num_hours(),
                    unit: Unit::Hours,
                }
            } else {
                Countdown::Overdue {
                    amount: late.num_minutes(),
                    unit: Unit::Minutes,
                }
            };
        }
        let secs = left.num_seconds();
        if left >= Duration::days(1) {
            Countdown::Days {
                days: secs / 86_400,
                hours: secs % 86_400 / 3600,
            }
        } else if left >= Duration::hours(1) {
            let band = if left < Duration::hours(4) {
                Band::Under4h
            } else {
                Band::Under24h
            };
            Countdown::Hours {
                hours: secs / 3600,
                minutes: secs % 3600 / 60,
                band,
            }
        } else {
            Countdown::Minutes {
                minutes: secs / 60,
                seconds: secs % 60,
            }
        }
    }

    pub fn band(self) -> Band {
        match self {
            Countdown::Days { .. } => Band::Over24h,
            Countdown::Hours { band, .. } => band,
            Countdown::Minutes { .. } => Band::Under4h,
            Countdown::Overdue { .. } => Band::Overdue,
        }
    }
}

/// When a countdown to `due` next changes its text, from `now`: each second
/// in the last hour (and just after, so a frame drawn a moment before the
/// deadline is replaced by the overdue text), else at the next minute boundary.
pub fn next_change(due: DateTime<Utc>, now: DateTime<Utc>) -> Duration {
    let left = due - now;
    let ms = left.num_milliseconds();
    // One millisecond past the boundary, so that the text has changed when we wake,
    // even when `now` sits a fraction of a millisecond before it.
    if left > Duration::seconds(-2) && left <= Duration::hours(1) {
        return Duration::milliseconds(ms.rem_euclid(1000) + 1);
    }
    Duration::milliseconds(ms.rem_euclid(60_000) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn the_four_bands_and_their_parts() {
        let now = t("2026-12-04T09:00:00Z");
        assert_eq!(
            Countdown::until(t("2026-12-08T12:10:00Z"), now),
            Countdown::Days { days: 4, hours: 3 }
        );
        assert_eq!(
            Countdown::until(t("2026-12-04T14:12:30Z"), now),
            Countdown::Hours {
                hours: 5,
                minutes: 12,
                band: Band::Under24h
            }
        );
        assert_eq!(
            Countdown::until(t("2026-12-04T12:59:00Z"), now).band(),
            Band::Under4h
        );
        assert_eq!(
            Countdown::until(t("2026-12-04T09:12:05Z"), now),
            Countdown::Minutes {
                minutes: 12,
                seconds: 5
            }
        );
        assert_eq!(
            Countdown::until(t("2026-12-04T07:00:00Z"), now),
            Countdown::Overdue {
                amount: 2,
                unit: Unit::Hours
            }
        );
        assert_eq!(
            Countdown::until(t("2026-12-01T08:00:00Z"), now),
            Countdown::Overdue {
                amount: 3,
                unit: Unit::Days
            }
        );
        assert_eq!(
            Countdown::until(now, now),
            Countdown::Overdue {
                amount: 0,
                unit: Unit::Minutes
            },
            "due now is due"
        );
    }

    #[test]
    fn ticks_each_minute_and_each_second_in_the_last_hour() {
        let now = t("2026-12-04T09:00:20Z");
        let ms = Duration::milliseconds;
        assert_eq!(next_change(t("2026-12-05T09:00:00Z"), now), ms(40_001));
        assert_eq!(next_change(t("2026-12-04T09:30:00Z"), now), ms(1));
        assert_eq!(next_change(t("2026-12-04T08:00:00Z"), now), ms(40_001));
        // Exactly an hour left: the next change is a moment away, not a minute.
        assert_eq!(next_change(t("2026-12-04T10:00:20Z"), now), ms(1));
        assert_eq!(next_change(t("2026-12-04T10:00:20.0004Z"), now), ms(1));
        // A deadline that passed a moment ago still ticks by the second.
        let just_after = t("2026-12-04T09:00:20.005Z");
        assert!(next_change(t("2026-12-04T09:00:20Z"), just_after) <= Duration::seconds(1));
    }
}
