//! The date access is judged on. Effective dates (guardianships, enrollments, assignments,
//! roles) are calendar dates in Vietnam, so "today" is the date in Vietnam (UTC+7, no
//! daylight saving time), whatever the server's own time zone.

use chrono::{DateTime, FixedOffset, NaiveDate, Offset as _, Utc};

/// Vietnam's offset from UTC.
const VIETNAM_OFFSET_SECONDS: i32 = 7 * 3600;

/// Vietnam's time zone (UTC+7 all year).
pub fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(VIETNAM_OFFSET_SECONDS).unwrap_or_else(|| Utc.fix())
}

/// The date in Vietnam at the instant `now`.
pub fn date_in_vietnam(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&vietnam()).date_naive()
}

/// The instant `now` as read on a clock in Vietnam, formatted by `format` (chrono's
/// `strftime` form).
pub fn format_in_vietnam(now: DateTime<Utc>, format: &str) -> String {
    now.with_timezone(&vietnam()).format(format).to_string()
}

/// Today's date in Vietnam.
pub fn today() -> NaiveDate {
    date_in_vietnam(Utc::now())
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone as _, Utc};

    #[test]
    fn late_evening_utc_is_already_tomorrow_in_vietnam() {
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 18, 30, 0).unwrap();
        assert_eq!(super::date_in_vietnam(now), NaiveDate::from_ymd_opt(2026, 11, 29).unwrap());
        let morning = Utc.with_ymd_and_hms(2026, 11, 28, 16, 59, 59).unwrap();
        assert_eq!(super::date_in_vietnam(morning), NaiveDate::from_ymd_opt(2026, 11, 28).unwrap());
    }
}
