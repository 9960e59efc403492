//! Data-subject requests: a guardian asks, for their child, or a staff member, for themself,
//! for a copy of the data (`access`), a `correction`, a `restriction` of processing or a
//! `deletion` ([`ask`]). Each gets its legal deadlines when received (Decree 356/2025):
//! acknowledged within two working days, carried out within [`RequestKind::days`] days. The privacy officer's queue lists the
//! school's requests, the most urgent first; the officer acknowledges one and hands it to a
//! privacy officer of the school ([`handle`]), and completes or refuses it with an outcome the
//! asker reads ([`complete`]): completing a deletion carries it out, and a completed
//! restriction stands until lifted. Every step asks the policy about the request first, so a
//! request out of reach answers like a missing one.

use super::erasure;
use crate::attachments::store::Store;
use crate::clock::vietnam;
use crate::error::ApiError;
use crate::privacy::{Access, integrity, readers};
use crate::vault::Vault;
use chrono::{DateTime, Datelike as _, Duration, Utc, Weekday};
use emis_authz::{Action, Kind, Role};
use entity::subject_request;
use sea_orm::{ActiveModelTrait as _, ActiveValue::Set, ActiveValue::Unchanged, ColumnTrait as _, DatabaseConnection};
use sea_orm::{EntityTrait as _, QueryFilter as _};

/// Received, not yet acknowledged.
pub const RECEIVED: &str = "received";
/// Acknowledged, being handled.
pub const ACKNOWLEDGED: &str = "acknowledged";
/// Carried out.
pub const COMPLETED: &str = "completed";
/// Refused, with the reason as its outcome.
pub const REFUSED: &str = "refused";
/// Longest details or outcome kept, in characters.
pub const TEXT_MAX: usize = 2_000;

/// What a data subject may ask.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestKind {
    Access,
    Correction,
    Restriction,
    Deletion,
}

impl RequestKind {
    const ALL: [RequestKind; 4] =
        [RequestKind::Access, RequestKind::Correction, RequestKind::Restriction, RequestKind::Deletion];

    /// The word stored and given in the API.
    pub const fn as_str(self) -> &'static str {
        match self {
            RequestKind::Access => "access",
            RequestKind::Correction => "correction",
            RequestKind::Restriction => "restriction",
            RequestKind::Deletion => "deletion",
        }
    }

    /// Days to carry it out from receipt: a copy, a correction or a restriction in 10, a
    /// deletion (which needs what must be kept told apart) in 20.
    pub const fn days(self) -> i64 {
        match self {
            RequestKind::Deletion => 20,
            _ => 10,
        }
    }

    /// The kind named by `word` (any case), or a bilingual refusal naming the four.
    pub fn parse(word: &str) -> Result<Self, ApiError> {
        let word = word.trim().to_lowercase();
        Self::ALL.into_iter().find(|kind| kind.as_str() == word).ok_or_else(|| {
            ApiError::bad_input(
                format!("loại yêu cầu {word:?} không có: access, correction, restriction hoặc deletion"),
                format!("no request kind {word:?}: access, correction, restriction or deletion"),
            )
        })
    }
}

/// Two working days (Monday to Friday, in Vietnam) after `received`: the same time of day on
/// the second working day after it.
pub fn acknowledge_by(received: DateTime<Utc>) -> DateTime<Utc> {
    let mut at = received.with_timezone(&vietnam());
    let mut left = 2;
    while left > 0 {
        at += Duration::days(1);
        if !matches!(at.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    at.with_timezone(&Utc)
}

/// A text as kept: trimmed, at most [`TEXT_MAX`] characters, refused when longer.
fn kept_text(text: &str) -> Result<String, ApiError> {
    let text = text.trim();
    if text.chars().count() > TEXT_MAX {
        return Err(ApiError::bad_input(
            format!("nội dung dài quá {TEXT_MAX} ký tự"),
            format!("the text is longer than {TEXT_MAX} characters"),
        ));
    }
    Ok(text.to_owned())
}

/// Who a request is about, and who asked: (child, guardian) or the staff member, at a school.
struct Subject {
    student: Option<i64>,
    guardian: Option<i64>,
    staff: Option<i64>,
    school: i64,
}

/// The subject of the caller's request: `student`, the caller's child, for a guardian; the
/// caller themself, for a staff member naming no student. The policy is asked first.
async fn subject_of(db: &DatabaseConnection, access: &Access, student: Option<i64>) -> Result<Subject, ApiError> {
    let principal = access.principal();
    let Some(student) = student else {
        let me = principal.staff_id().ok_or_else(|| {
            ApiError::bad_input("hãy chọn học sinh (studentId)", "name the child the request is about (studentId)")
        })?;
        let staff = access.reach(db, &readers::STAFF, Kind::SubjectRequest, Action::Write, me).await?;
        return Ok(Subject { student: None, guardian: None, staff: Some(staff.id), school: staff.school_id });
    };
    let child = access.reach(db, &readers::STUDENT, Kind::SubjectRequest, Action::Write, student).await?;
    let guardian =
        principal.guardian_id().filter(|_| principal.children.contains(&child.id)).ok_or(ApiError::NotPermitted)?;
    Ok(Subject { student: Some(child.id), guardian: Some(guardian), staff: None, school: child.school_id })
}

/// Records the caller's request `kind`, with `details` (what to correct, for a correction):
/// a guardian's about their child `student`, or a staff member's about themself (`None`).
pub async fn ask(
    db: &DatabaseConnection,
    access: &Access,
    student: Option<i64>,
    kind: &str,
    details: &str,
    now: DateTime<Utc>,
) -> Result<subject_request::Model, ApiError> {
    let subject = subject_of(db, access, student).await?;
    let kind = RequestKind::parse(kind)?;
    let details = kept_text(details)?;
    if kind == RequestKind::Correction && details.is_empty() {
        return Err(ApiError::bad_input("hãy nói điều cần sửa", "say what is to be corrected"));
    }
    let request = subject_request::ActiveModel {
        student_id: Set(subject.student),
        staff_id: Set(subject.staff),
        school_id: Set(subject.school),
        kind: Set(kind.as_str().to_owned()),
        details: Set(details),
        requested_by: Set(subject.guardian),
        received_at: Set(now),
        acknowledge_by: Set(acknowledge_by(now)),
        complete_by: Set(now + Duration::days(kind.days())),
        status: Set(RECEIVED.to_owned()),
        ..Default::default()
    };
    Ok(request.insert(db).await?)
}

/// The request `id`, for the school's privacy officer to act on: reached as the policy lets
/// the caller write it, and refused to anyone but a privacy officer of the request's school
/// (a family, or a staff member about themself, writes only the first step).
async fn for_officer(db: &DatabaseConnection, access: &Access, id: i64) -> Result<subject_request::Model, ApiError> {
    let request = access.reach_mixed(db, &readers::SUBJECT_REQUEST, Action::Write, id).await?;
    let principal = access.principal();
    let me = principal.staff_id().ok_or(ApiError::NotPermitted)?;
    if !integrity::holds_role_at(db, me, request.school_id, Role::PrivacyOfficer, principal.today).await? {
        return Err(ApiError::NotPermitted);
    }
    Ok(request)
}

/// Acknowledges request `id` (once; the time is kept) and hands it to `assignee`, a privacy
/// officer of the request's school (the caller when `None`).
pub async fn handle(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    assignee: Option<i64>,
    now: DateTime<Utc>,
) -> Result<subject_request::Model, ApiError> {
    let request = for_officer(db, access, id).await?;
    let me = access.principal().staff_id().ok_or(ApiError::NotPermitted)?;
    if is_closed(&request) {
        return Err(closed());
    }
    let assignee = assignee.unwrap_or(me);
    let today = access.principal().today;
    if !integrity::holds_role_at(db, assignee, request.school_id, Role::PrivacyOfficer, today).await? {
        return Err(ApiError::bad_input(
            "chỉ giao cho cán bộ bảo vệ dữ liệu của trường",
            "a request is handed only to a privacy officer of its school",
        ));
    }
    let handled = subject_request::ActiveModel {
        id: Unchanged(request.id),
        acknowledged_at: Set(Some(request.acknowledged_at.unwrap_or(now))),
        assigned_to: Set(Some(assignee)),
        status: Set(ACKNOWLEDGED.to_owned()),
        ..Default::default()
    };
    Ok(handled.update(db).await?)
}

/// Where a request's steps act: the database, the attachments' store (a deletion removes
/// files) and the vault (a deletion destroys a key, forgotten here at once).
pub struct Carrier<'a> {
    pub db: &'a DatabaseConnection,
    pub store: &'a Store,
    pub vault: &'a Vault,
}

/// Completes (or, with `refused`, refuses) request `id` with `outcome`, which the asker
/// reads; acknowledged at the same time if it was not yet. Completing a deletion carries it
/// out ([`erasure`]) and keeps its report; a completed restriction stands from now until it
/// is lifted (`restriction.rs`).
pub async fn complete(
    carrier: &Carrier<'_>,
    access: &Access,
    id: i64,
    outcome: &str,
    refused: bool,
    now: DateTime<Utc>,
) -> Result<subject_request::Model, ApiError> {
    let db = carrier.db;
    let request = for_officer(db, access, id).await?;
    let me = access.principal().staff_id().ok_or(ApiError::NotPermitted)?;
    if is_closed(&request) {
        return Err(closed());
    }
    let outcome = kept_text(outcome)?;
    if outcome.is_empty() {
        return Err(ApiError::bad_input("hãy ghi kết quả cho người yêu cầu", "write the outcome for the asker"));
    }
    let deletion = !refused && request.kind == RequestKind::Deletion.as_str();
    let txn = crate::db::begin_write(db).await?;
    let (carried_out, gone) = match (deletion, request.student_id, request.staff_id) {
        (true, Some(student), _) => {
            let (steps, gone) = erasure::erase(&txn, carrier.store, student, now).await?;
            (Some(serde_json::to_string(&steps).map_err(ApiError::internal)?), gone)
        }
        (true, None, Some(staff)) => {
            let steps = erasure::erase_staff(&txn, staff, now).await?;
            (Some(serde_json::to_string(&steps).map_err(ApiError::internal)?), Vec::new())
        }
        _ => (None, Vec::new()),
    };
    let completed = subject_request::ActiveModel {
        acknowledged_at: Set(Some(request.acknowledged_at.unwrap_or(now))),
        assigned_to: Set(Some(request.assigned_to.unwrap_or(me))),
        status: Set(if refused { REFUSED } else { COMPLETED }.to_owned()),
        outcome: Set(Some(outcome)),
        completed_at: Set(Some(now)),
        completed_by: Set(Some(me)),
        carried_out: Set(carried_out),
        ..Default::default()
    };
    // Completed once: a request another officer ended meanwhile is left as they ended it.
    let ended = subject_request::Entity::update_many()
        .set(completed)
        .filter(subject_request::Column::Id.eq(request.id))
        .filter(subject_request::Column::Status.is_in([RECEIVED, ACKNOWLEDGED]))
        .exec(&txn)
        .await?;
    if ended.rows_affected != 1 {
        return Err(closed());
    }
    let completed = subject_request::Entity::find_by_id(request.id).one(&txn).await?.ok_or(ApiError::NotPermitted)?;
    txn.commit().await?;
    if deletion {
        crate::attachments::files::forget_stored(db, carrier.store, &gone).await;
        // The other instances forget the destroyed key within a minute (`retention::forgetter`).
        if let Err(error) = carrier.vault.forget_destroyed(db).await {
            tracing::warn!(%error, "destroyed keys could not be read; they are forgotten at the next pass");
        }
    }
    Ok(completed)
}

/// Whether a request has ended.
pub fn is_closed(request: &subject_request::Model) -> bool {
    request.status == COMPLETED || request.status == REFUSED
}

fn closed() -> ApiError {
    ApiError::bad_input("yêu cầu này đã kết thúc", "this request has ended")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    #[test]
    fn two_working_days_skip_the_weekend_in_vietnam() {
        // Thursday 10:00 in Hà Nội → Monday 10:00.
        let thursday = vietnam().with_ymd_and_hms(2026, 12, 3, 10, 0, 0).unwrap().with_timezone(&Utc);
        let monday = vietnam().with_ymd_and_hms(2026, 12, 7, 10, 0, 0).unwrap().with_timezone(&Utc);
        assert_eq!(acknowledge_by(thursday), monday);
        // Friday 23:30 UTC is already Saturday in Vietnam → Tuesday.
        let saturday = Utc.with_ymd_and_hms(2026, 12, 4, 23, 30, 0).unwrap();
        assert_eq!(acknowledge_by(saturday).with_timezone(&vietnam()).weekday(), Weekday::Tue);
        let monday_morning = vietnam().with_ymd_and_hms(2026, 12, 7, 8, 0, 0).unwrap().with_timezone(&Utc);
        assert_eq!(acknowledge_by(monday_morning).with_timezone(&vietnam()).weekday(), Weekday::Wed);
        assert_eq!(RequestKind::parse(" Deletion ").unwrap().days(), 20);
        assert!(RequestKind::parse("erase").is_err());
    }
}
