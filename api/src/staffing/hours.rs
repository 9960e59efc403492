//! Weekly hours on Vietnam's clock: when a staff member takes notifications on their phone
//! (their own availability) or, for those who set none, the school hours (`EMIS_SCHOOL_HOURS`).
//! A week is a set of windows, each a weekday with a start (included) and an end (excluded)
//! on the same day. Days are read as schools write them — `mon`, `Monday`, `T2`, `thứ 2`,
//! `Thứ Hai`, `CN`, `chủ nhật`, any case, with or without diacritics — alone, in lists or
//! in ranges (`t2-t6`, `mon-fri`).

use crate::clock::vietnam;
use crate::error::ApiError;
use chrono::{DateTime, Datelike as _, Duration, NaiveTime, TimeZone as _, Utc};

/// One weekly window: `weekday` 1 (Monday) to 7 (Sunday), from `starts` to `ends`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Window {
    pub weekday: u32,
    pub starts: NaiveTime,
    pub ends: NaiveTime,
}

/// Weekly hours; an empty week is never available.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Week(pub Vec<Window>);

impl Week {
    /// Whether the instant `now` falls in one of the windows.
    pub fn contains(&self, now: DateTime<Utc>) -> bool {
        let local = now.with_timezone(&vietnam());
        let (weekday, time) = (local.weekday().number_from_monday(), local.time());
        self.0.iter().any(|window| window.weekday == weekday && window.starts <= time && time < window.ends)
    }

    /// The first instant at or after `now` inside a window: `now` itself when it is inside
    /// one; `None` for an empty week.
    pub fn next_open(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if self.contains(now) {
            return Some(now);
        }
        let local = now.with_timezone(&vietnam());
        (0..=7)
            .filter_map(|ahead| {
                let day = local.date_naive() + Duration::days(ahead);
                let weekday = day.weekday().number_from_monday();
                let starts = self.0.iter().filter(|window| window.weekday == weekday).map(|window| window.starts);
                let at = starts
                    .filter_map(|starts| vietnam().from_local_datetime(&day.and_time(starts)).single())
                    .filter(|at| *at > local)
                    .min()?;
                Some(at.with_timezone(&Utc))
            })
            .next()
    }

    /// The windows as `HH:MM` text, in order.
    pub fn shown(&self) -> Vec<(u32, String, String)> {
        let mut windows = self.0.clone();
        windows.sort();
        windows.into_iter().map(|w| (w.weekday, hhmm(w.starts), hhmm(w.ends))).collect()
    }
}

/// `time` as `HH:MM`.
pub fn hhmm(time: NaiveTime) -> String {
    time.format("%H:%M").to_string()
}

/// Hours that may be off: `None` is always available.
pub type Hours = Option<Week>;

/// A refusal naming what was not understood.
fn refused(what: &str) -> ApiError {
    ApiError::bad_input(
        format!("không hiểu giờ làm việc {what:?}: ngày như t2, thứ 2, cn, mon, mon-fri; giờ như 07:00-17:00"),
        format!("cannot read the hours {what:?}: days like t2, thứ 2, cn, mon, mon-fri; times like 07:00-17:00"),
    )
}

/// The weekday (1 = Monday) a word names, or `None`.
fn day(word: &str) -> Option<u32> {
    let folded = crate::text::fold(word).replace(['.', ' '], "");
    let named: [(u32, &[&str]); 7] = [
        (1, &["mon", "monday", "t2", "thu2", "thuhai"]),
        (2, &["tue", "tuesday", "t3", "thu3", "thuba"]),
        (3, &["wed", "wednesday", "t4", "thu4", "thutu"]),
        (4, &["thu", "thursday", "t5", "thu5", "thunam"]),
        (5, &["fri", "friday", "t6", "thu6", "thusau"]),
        (6, &["sat", "saturday", "t7", "thu7", "thubay"]),
        (7, &["sun", "sunday", "cn", "chunhat"]),
    ];
    named.iter().find(|(_, words)| words.contains(&folded.as_str())).map(|&(number, _)| number)
}

/// The weekdays `text` names: a day, a range (`t2-t6`, `mon–fri`) or a list of either
/// separated by commas.
pub fn days(text: &str) -> Result<Vec<u32>, ApiError> {
    let mut found = Vec::new();
    for part in text.split(',').map(str::trim).filter(|part| !part.is_empty()) {
        let part = part.replace(['–', '—'], "-");
        match part.split_once('-') {
            Some((first, last)) => {
                let (first, last) = (day(first).ok_or_else(|| refused(text))?, day(last).ok_or_else(|| refused(text))?);
                if last < first {
                    return Err(refused(text));
                }
                found.extend(first..=last);
            }
            None => found.push(day(&part).ok_or_else(|| refused(text))?),
        }
    }
    if found.is_empty() {
        return Err(refused(text));
    }
    found.sort_unstable();
    found.dedup();
    Ok(found)
}

/// A time of day written `HH:MM` (or `7h`, `7h30`, `07:00`).
fn time(text: &str) -> Option<NaiveTime> {
    let text = text.trim().to_lowercase();
    let text = text.strip_suffix('h').unwrap_or(&text).replace('h', ":");
    let text = if text.contains(':') { text } else { format!("{text}:00") };
    NaiveTime::parse_from_str(&text, "%H:%M").ok()
}

/// The windows of `days` (as [`days`] reads them) from `from` to `to`, which must be in
/// order on the same day.
pub fn windows(days_text: &str, from: &str, to: &str) -> Result<Vec<Window>, ApiError> {
    let weekdays = days(days_text)?;
    let span = format!("{from}-{to}");
    let (starts, ends) = (time(from).ok_or_else(|| refused(&span))?, time(to).ok_or_else(|| refused(&span))?);
    if ends <= starts {
        return Err(ApiError::bad_input(
            format!("giờ kết thúc {to} phải sau giờ bắt đầu {from} trong cùng một ngày"),
            format!("the end {to} must come after the start {from} on the same day"),
        ));
    }
    Ok(weekdays.into_iter().map(|weekday| Window { weekday, starts, ends }).collect())
}

/// Reads hours written `DAYS HH:MM-HH:MM`, several separated by `;` (say
/// `t2-t6 07:00-17:00; t7 07:00-11:30`), or `off` (always available), for the command line.
pub fn parse(text: &str) -> Result<Hours, String> {
    let text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    let mut week = Vec::new();
    for part in text.split(';').map(str::trim).filter(|part| !part.is_empty()) {
        let refused = || {
            format!(
                "EMIS_SCHOOL_HOURS phải có dạng NGÀY GG:PP-GG:PP (ví dụ t2-t7 07:00-17:00) hoặc off / \
                 EMIS_SCHOOL_HOURS must read DAYS HH:MM-HH:MM (say mon-sat 07:00-17:00) or off, not {text:?}"
            )
        };
        let (days_text, span) = part.rsplit_once(' ').ok_or_else(refused)?;
        let (from, to) = span.split_once('-').ok_or_else(refused)?;
        week.extend(windows(days_text, from, to).map_err(|_| refused())?);
    }
    if week.len() > super::availability::MAX_WINDOWS {
        return Err(format!(
            "EMIS_SCHOOL_HOURS có quá nhiều khung giờ / EMIS_SCHOOL_HOURS has more than {} windows",
            super::availability::MAX_WINDOWS
        ));
    }
    Ok(Some(Week(week)))
}

#[cfg(test)]
mod tests {
    use super::{days, parse, windows};
    use chrono::{TimeZone as _, Utc};

    #[test]
    fn days_are_read_as_schools_write_them() {
        assert_eq!(days("T2-T6").unwrap(), vec![1, 2, 3, 4, 5]);
        assert_eq!(days("thứ 2, Thứ Tư, CN").unwrap(), vec![1, 3, 7]);
        assert_eq!(days("Mon–Fri").unwrap(), vec![1, 2, 3, 4, 5]);
        assert_eq!(days("chủ nhật").unwrap(), vec![7]);
        assert_eq!(days("thu 7").unwrap(), vec![6], "thứ 7 without diacritics is Saturday");
        assert_eq!(days("thu").unwrap(), vec![4], "thu alone is Thursday");
        for wrong in ["", "t8", "fri-mon", "someday"] {
            assert!(days(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn a_week_knows_whether_now_is_inside_and_when_it_opens_next() {
        let week = parse("t2-t6 07:00-17:00; t7 7h-11h30").unwrap().unwrap();
        // 2026-12-07 is a Monday. 01:00 UTC is 08:00 in Vietnam.
        let monday_morning = Utc.with_ymd_and_hms(2026, 12, 7, 1, 0, 0).unwrap();
        assert!(week.contains(monday_morning));
        assert_eq!(week.next_open(monday_morning), Some(monday_morning));
        // 12:00 UTC is 19:00: the next opening is Tuesday 07:00 (00:00 UTC).
        let monday_evening = Utc.with_ymd_and_hms(2026, 12, 7, 12, 0, 0).unwrap();
        assert!(!week.contains(monday_evening));
        assert_eq!(week.next_open(monday_evening), Some(Utc.with_ymd_and_hms(2026, 12, 8, 0, 0, 0).unwrap()));
        // Saturday 12:00 in Vietnam (05:00 UTC): closed until Monday 07:00.
        let saturday_noon = Utc.with_ymd_and_hms(2026, 12, 12, 5, 0, 0).unwrap();
        assert!(!week.contains(saturday_noon));
        assert_eq!(week.next_open(saturday_noon), Some(Utc.with_ymd_and_hms(2026, 12, 14, 0, 0, 0).unwrap()));
        assert_eq!(super::Week::default().next_open(saturday_noon), None);
        assert_eq!(parse("off").unwrap(), None);
        assert!(parse("t2-t6").is_err());
        assert!(windows("t2", "17:00", "07:00").is_err(), "a window ends after it starts");
    }
}
