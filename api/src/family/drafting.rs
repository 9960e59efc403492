//! What an author asks to publish or to change in a notice, and the checks its words and
//! times pass before anything is written: the kind, a one-line title and a plain-text body
//! of bounded length, no NUL character, an invitation's place, and times in the future.

use crate::error::ApiError;
use chrono::{DateTime, Utc};

/// The kinds of item a school publishes.
pub const KINDS: [&str; 4] = ["notice", "document", "news", "invitation"];
/// Longest title (and an invitation's place), in characters.
pub const MAX_TITLE: usize = 200;
/// Longest body, in characters.
pub const MAX_BODY: usize = 10_000;
/// Longest note of a reply to an invitation, in characters.
pub const MAX_NOTE: usize = 500;
/// Most students one notice may name.
pub const MAX_STUDENTS: usize = 200;

/// Whom a notice is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Audience {
    /// The families of the caller's whole school.
    School,
    /// The families of the classes of one grade level of the caller's school.
    Grade(i16),
    /// The families of one class.
    Class(i64),
    /// The families of the students named.
    Students(Vec<i64>),
    /// The staff of the caller's school.
    Staff,
    /// The families of every school under the caller's office.
    Schools,
}

/// What the author asks to publish.
#[derive(Clone, Debug)]
pub struct Draft {
    pub kind: String,
    pub title: String,
    pub body: String,
    pub audience: Audience,
    pub expires_at: Option<DateTime<Utc>>,
    /// For an invitation: when the event takes place.
    pub event_at: Option<DateTime<Utc>>,
    /// For an invitation: where.
    pub place: Option<String>,
    /// When to publish; `None`: now.
    pub publish_at: Option<DateTime<Utc>>,
    /// The caller's uploads to attach (see [`crate::attachments`]).
    pub attachments: Vec<i64>,
    /// Marked urgent: families without a push device, or who chose SMS, are texted too.
    pub urgent: bool,
}

/// What a draft keeps: title, body and place as they are stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kept {
    pub title: String,
    pub body: String,
    pub place: Option<String>,
}

/// The draft's words as they are kept (title and place trimmed, body with its lines'
/// trailing spaces kept), or why they cannot be.
pub fn validated(draft: &Draft, now: DateTime<Utc>) -> Result<Kept, ApiError> {
    if !KINDS.contains(&draft.kind.as_str()) {
        return Err(ApiError::bad_input(
            "loại tin phải là notice, document, news hoặc invitation",
            "the kind must be notice, document, news or invitation",
        ));
    }
    let (title, body) = (title(&draft.title)?, body(&draft.body)?);
    let invitation = draft.kind == "invitation";
    if !invitation && (draft.event_at.is_some() || draft.place.is_some()) {
        return Err(ApiError::bad_input(
            "chỉ thư mời mới có thời gian và địa điểm",
            "only an invitation has an event time and a place",
        ));
    }
    let place = draft.place.as_deref().map(title_like).transpose()?.filter(|place| !place.is_empty());
    if let Some(publish_at) = draft.publish_at {
        if publish_at <= now {
            return Err(ApiError::bad_input("giờ đăng phải ở tương lai", "the publishing time must be in the future"));
        }
        if matches!(draft.audience, Audience::Students(_)) {
            return Err(ApiError::bad_input(
                "tin gửi cho một số học sinh được đăng ngay, không hẹn giờ",
                "a notice to chosen students is published at once, not scheduled",
            ));
        }
    }
    let from = draft.publish_at.unwrap_or(now);
    if draft.event_at.is_some_and(|event| event <= from) {
        return Err(ApiError::bad_input("sự kiện phải diễn ra sau khi đăng", "the event must come after publishing"));
    }
    expiry(draft.expires_at, from)?;
    Ok(Kept { title, body, place })
}

/// A title as kept, or why it cannot be.
pub fn title(given: &str) -> Result<String, ApiError> {
    let title = title_like(given)?;
    if title.is_empty() {
        return Err(ApiError::bad_input("cần có tiêu đề và nội dung", "a title and a body are needed"));
    }
    Ok(title)
}

/// A body as kept, or why it cannot be.
pub fn body(given: &str) -> Result<String, ApiError> {
    let body = given.trim_end();
    if body.trim().is_empty() {
        return Err(ApiError::bad_input("cần có tiêu đề và nội dung", "a title and a body are needed"));
    }
    no_nul(body)?;
    if body.chars().count() > MAX_BODY {
        return Err(ApiError::bad_input(
            format!("nội dung dài quá {MAX_BODY} ký tự"),
            format!("the body is longer than {MAX_BODY} characters"),
        ));
    }
    Ok(body.to_owned())
}

/// A reply's note as kept (trimmed; empty is none), or why it cannot be.
pub fn note(given: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(note) = given.map(str::trim).filter(|note| !note.is_empty()) else { return Ok(None) };
    no_nul(note)?;
    if note.chars().count() > MAX_NOTE {
        return Err(ApiError::bad_input(
            format!("ghi chú dài quá {MAX_NOTE} ký tự"),
            format!("the note is longer than {MAX_NOTE} characters"),
        ));
    }
    Ok(Some(note.to_owned()))
}

/// An expiry, which must come after `from`.
pub fn expiry(expires_at: Option<DateTime<Utc>>, from: DateTime<Utc>) -> Result<(), ApiError> {
    if expires_at.is_some_and(|expires| expires <= from) {
        return Err(ApiError::bad_input("ngày hết hạn phải ở tương lai", "the expiry must be in the future"));
    }
    Ok(())
}

/// One trimmed line of at most [`MAX_TITLE`] characters.
fn title_like(given: &str) -> Result<String, ApiError> {
    let line = given.trim();
    no_nul(line)?;
    if line.chars().count() > MAX_TITLE || line.contains(['\n', '\r']) {
        return Err(ApiError::bad_input(
            format!("tiêu đề và địa điểm là một dòng, nhiều nhất {MAX_TITLE} ký tự"),
            format!("a title or a place is one line of at most {MAX_TITLE} characters"),
        ));
    }
    Ok(line.to_owned())
}

fn no_nul(text: &str) -> Result<(), ApiError> {
    if text.contains('\0') {
        return Err(ApiError::bad_input(
            "chuỗi chứa ký tự NUL (\\0), không được chấp nhận",
            "a string holds a NUL character (\\0), which is not accepted",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn draft(kind: &str, title: &str, body: &str) -> Draft {
        Draft {
            kind: kind.into(),
            title: title.into(),
            body: body.into(),
            audience: Audience::School,
            expires_at: None,
            event_at: None,
            place: None,
            publish_at: None,
            attachments: Vec::new(),
            urgent: false,
        }
    }

    #[test]
    fn a_title_is_trimmed_and_a_body_keeps_its_lines() {
        let kept = validated(&draft("news", "  Họp phụ huynh ", "Dòng 1\nDòng 2\n\n"), Utc::now()).unwrap();
        assert_eq!((kept.title.as_str(), kept.body.as_str()), ("Họp phụ huynh", "Dòng 1\nDòng 2"));
    }

    #[test]
    fn empty_long_nul_or_unknown_kinds_are_refused() {
        let now = Utc::now();
        let long_title = "a".repeat(MAX_TITLE + 1);
        let long_body = "b".repeat(MAX_BODY + 1);
        for bad in [
            draft("notice", " ", "body"),
            draft("notice", "title", " \n "),
            draft("notice", "ti\0tle", "body"),
            draft("notice", "title", "bo\0dy"),
            draft("notice", &long_title, "body"),
            draft("notice", "two\nlines", "body"),
            draft("notice", "title", &long_body),
            draft("meeting", "title", "body"),
        ] {
            assert!(matches!(validated(&bad, now), Err(ApiError::BadInput { .. })), "{bad:?}");
        }
        let at_limit = draft("document", &"a".repeat(MAX_TITLE), &"b".repeat(MAX_BODY));
        assert!(validated(&at_limit, now).is_ok());
        let past = Draft { expires_at: Some(now - Duration::hours(1)), ..draft("notice", "t", "b") };
        assert!(validated(&past, now).is_err());
    }

    #[test]
    fn times_come_in_order_and_only_invitations_have_a_place() {
        let now = Utc::now();
        let later = |hours| Some(now + Duration::hours(hours));
        let invitation =
            Draft { event_at: later(48), place: Some(" Phòng 1 ".into()), ..draft("invitation", "t", "b") };
        assert_eq!(validated(&invitation, now).unwrap().place.as_deref(), Some("Phòng 1"));
        for bad in [
            Draft { place: Some("Phòng 1".into()), ..draft("notice", "t", "b") },
            Draft { event_at: Some(now - Duration::hours(1)), ..invitation.clone() },
            Draft { place: Some("Phòng\0".into()), ..invitation.clone() },
            Draft { publish_at: Some(now - Duration::minutes(1)), ..draft("notice", "t", "b") },
            Draft { publish_at: later(72), ..invitation },
            Draft { publish_at: later(2), expires_at: later(1), ..draft("notice", "t", "b") },
            Draft { publish_at: later(2), audience: Audience::Students(vec![1]), ..draft("notice", "t", "b") },
        ] {
            assert!(matches!(validated(&bad, now), Err(ApiError::BadInput { .. })), "{bad:?}");
        }
        assert!(note(Some(&"n".repeat(MAX_NOTE + 1))).is_err());
        assert_eq!(note(Some("  ")).unwrap(), None);
    }
}
