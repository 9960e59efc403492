//! Quiet hours: the time of day in Vietnam (`EMIS_QUIET_HOURS`, e.g. `21:00-06:00`, which may
//! run past midnight) when notifications that are not urgent wait instead of reaching phones.
//! Nothing is lost: they are in the app and on the live stream at once, and go out by push
//! or SMS when the quiet hours end; urgent ones go out whenever they come.

use chrono::{DateTime, NaiveTime, Timelike as _, Utc};

/// A daily stretch of time in Vietnam, from its start (included) to its end (excluded), or
/// none ([`QuietHours::OFF`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct QuietHours(Option<(NaiveTime, NaiveTime)>);

impl QuietHours {
    /// No quiet hours.
    pub const OFF: Self = Self(None);

    /// Whether the instant `now` falls in the quiet hours, on a clock in Vietnam.
    pub fn contains(self, now: DateTime<Utc>) -> bool {
        let Some((start, end)) = self.0 else { return false };
        let local = crate::clock::format_in_vietnam(now, "%H:%M:%S");
        let Ok(time) = NaiveTime::parse_from_str(&local, "%H:%M:%S") else { return false };
        let time = time.with_nanosecond(0).unwrap_or(time);
        if start <= end { start <= time && time < end } else { time >= start || time < end }
    }
}

/// Reads `HH:MM-HH:MM` (or nothing, or `off`: no quiet hours), for the command line.
pub fn parse(text: &str) -> Result<QuietHours, String> {
    let text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("off") {
        return Ok(QuietHours::OFF);
    }
    let refused = || {
        format!(
            "EMIS_QUIET_HOURS phải có dạng GG:PP-GG:PP (ví dụ 21:00-06:00) hoặc off / EMIS_QUIET_HOURS must read \
             HH:MM-HH:MM (say 21:00-06:00) or off, not {text:?}"
        )
    };
    let (start, end) = text.split_once('-').ok_or_else(refused)?;
    let time = |part: &str| NaiveTime::parse_from_str(part.trim(), "%H:%M").map_err(|_| refused());
    let (start, end) = (time(start)?, time(end)?);
    if start == end {
        return Err(refused());
    }
    Ok(QuietHours(Some((start, end))))
}

#[cfg(test)]
mod tests {
    use super::parse;
    use chrono::{TimeZone as _, Utc};

    #[test]
    fn quiet_hours_run_past_midnight_on_vietnams_clock() {
        let night = parse("21:00-06:00").unwrap();
        // 14:30 UTC is 21:30 in Vietnam; 23:00 UTC is 06:00 the next morning.
        assert!(night.contains(Utc.with_ymd_and_hms(2026, 12, 7, 14, 30, 0).unwrap()));
        assert!(night.contains(Utc.with_ymd_and_hms(2026, 12, 7, 22, 59, 0).unwrap()));
        assert!(!night.contains(Utc.with_ymd_and_hms(2026, 12, 7, 23, 0, 0).unwrap()));
        assert!(!night.contains(Utc.with_ymd_and_hms(2026, 12, 7, 5, 0, 0).unwrap()), "noon in Vietnam");
        let lunch = parse(" 11:30 - 13:30 ").unwrap();
        assert!(lunch.contains(Utc.with_ymd_and_hms(2026, 12, 7, 5, 0, 0).unwrap()));
        assert!(!lunch.contains(Utc.with_ymd_and_hms(2026, 12, 7, 7, 0, 0).unwrap()));
        assert_eq!(parse("off"), Ok(super::QuietHours::OFF));
        assert_eq!(parse(""), Ok(super::QuietHours::OFF));
        assert!(!super::QuietHours::OFF.contains(Utc.with_ymd_and_hms(2026, 12, 7, 14, 30, 0).unwrap()));
        for wrong in ["21-06", "25:00-06:00", "21:00", "21:00-21:00"] {
            assert!(parse(wrong).is_err(), "{wrong}");
        }
    }
}
