//! Locks and change requests on the API: the principal locks a section's or a school's
//! semester and decides the changes teachers ask for after that (written by
//! [`crate::books::locks`] and [`crate::books::changes`]); requests are read through the
//! privacy layer as the policy's `change_request` kind.

use super::context::{access, database, signed_in};
use super::ids;
use super::people::Student;
use super::students::student_by_id;
use crate::books::{changes, locks};
use crate::disclosure::Disclosures;
use crate::error::{ApiError, ApiResult};
use crate::privacy::readers;
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use emis_authz::{Action, Kind};
use entity::{book_lock, change_request};
use sea_orm::{ColumnTrait as _, Condition, Order};
use std::sync::Arc;

/// A lock on a book: one section's semester, or every section of a school in a semester.
pub struct BookLock(pub book_lock::Model);

#[Object]
impl BookLock {
    /// The lock's global id.
    async fn id(&self) -> ID {
        ids::encode("BookLock", self.0.id)
    }
    /// The school whose books are locked.
    async fn school_id(&self) -> ID {
        ids::encode("School", self.0.school_id)
    }
    /// The semester the lock covers.
    async fn semester_id(&self) -> ID {
        ids::encode("Semester", self.0.semester_id)
    }
    /// Null when the lock covers the whole school.
    async fn section_id(&self) -> Option<ID> {
        self.0.section_id.map(|section| ids::encode("Section", section))
    }
    /// When the principal locked the books.
    async fn locked_at(&self) -> DateTime<Utc> {
        self.0.locked_at
    }
    /// The staff member (a principal) who locked the books.
    async fn locked_by(&self) -> ID {
        ids::encode("Staff", self.0.locked_by_id)
    }
    /// When the lock was lifted; null while it is in force.
    async fn unlocked_at(&self) -> Option<DateTime<Utc>> {
        self.0.unlocked_at
    }
}

/// A change asked for after the book was locked, and its decision.
pub struct ChangeRequest(pub change_request::Model);

#[Object]
impl ChangeRequest {
    /// The request's global id (what `decideChange` takes).
    async fn id(&self) -> ID {
        ids::encode("ChangeRequest", self.0.id)
    }
    /// The student, as far as the caller may see them.
    async fn student(&self, ctx: &Context<'_>) -> ApiResult<Option<Student>> {
        student_by_id(ctx, self.0.student_id).await
    }
    /// The assessment column whose result the change concerns; null for conduct and attendance.
    async fn assessment_id(&self) -> Option<ID> {
        self.0.assessment_id.map(|column| ids::encode("Assessment", column))
    }
    /// result | conduct | attendance
    async fn kind(&self) -> &str {
        &self.0.kind
    }
    /// For conduct and roll-call entries: the class.
    async fn class_id(&self) -> Option<ID> {
        self.0.class_id.map(|class| ids::encode("Class", class))
    }
    /// For a result: its section; null for conduct and roll-call entries.
    async fn section_id(&self) -> Option<ID> {
        self.0.section_id.map(|section| ids::encode("Section", section))
    }
    /// The value when the change was asked for, as the books show it; null when none.
    async fn old_value(&self) -> Option<&str> {
        self.0.old_value.as_deref()
    }
    /// The value asked for, as the books show it.
    async fn new_value(&self) -> &str {
        &self.0.new_value
    }
    /// Why the change is asked for, as the teacher wrote it.
    async fn reason(&self) -> &str {
        &self.0.reason
    }
    /// pending | approved | rejected
    async fn status(&self) -> &str {
        &self.0.status
    }
    /// The staff member who asked for the change.
    async fn requested_by(&self) -> ID {
        ids::encode("Staff", self.0.requested_by_id)
    }
    /// When the change was asked for.
    async fn requested_at(&self) -> DateTime<Utc> {
        self.0.requested_at
    }
    /// The principal who approved or rejected it; null while pending.
    async fn decided_by(&self) -> Option<ID> {
        self.0.decided_by_id.map(|staff| ids::encode("Staff", staff))
    }
    /// When it was approved or rejected; null while pending.
    async fn decided_at(&self) -> Option<DateTime<Utc>> {
        self.0.decided_at
    }
    /// The principal's note on the decision, if any.
    async fn decision_note(&self) -> Option<&str> {
        self.0.decision_note.as_deref()
    }
}

/// Locks a section's semester (`section_id`) or a whole school's (`school_id`).
pub async fn lock(
    ctx: &Context<'_>,
    semester_id: &ID,
    section_id: Option<&ID>,
    school_id: Option<&ID>,
) -> ApiResult<BookLock> {
    let access = signed_in(ctx)?;
    let semester = ids::decode_as("Semester", semester_id)
        .ok_or_else(|| ApiError::bad_input("không phải mã học kỳ", "not a semester id"))?;
    let scope = match (section_id, school_id) {
        (Some(section), None) => {
            locks::Scope::Section(ids::decode_as("Section", section).ok_or(ApiError::NotPermitted)?)
        }
        (None, Some(school)) => locks::Scope::School(ids::decode_as("School", school).ok_or(ApiError::NotPermitted)?),
        _ => {
            return Err(ApiError::bad_input(
                "cần đúng một trong sectionId và schoolId",
                "give exactly one of sectionId and schoolId",
            ));
        }
    };
    let locked = locks::lock(database(ctx)?, access, semester, scope, Utc::now()).await?;
    Ok(BookLock(locked))
}

/// Lifts a lock.
pub async fn unlock(ctx: &Context<'_>, lock_id: &ID) -> ApiResult<BookLock> {
    let access = signed_in(ctx)?;
    let id = ids::decode_as("BookLock", lock_id).ok_or(ApiError::NotPermitted)?;
    Ok(BookLock(locks::unlock(database(ctx)?, access, id, Utc::now()).await?))
}

/// Approves or rejects a change request.
pub async fn decide(ctx: &Context<'_>, request_id: &ID, approve: bool, note: Option<&str>) -> ApiResult<ChangeRequest> {
    let access = signed_in(ctx)?;
    let id = ids::decode_as("ChangeRequest", request_id).ok_or(ApiError::NotPermitted)?;
    let decided = changes::decide(database(ctx)?, access, id, approve, note, Utc::now()).await?;
    note_disclosed(ctx, std::slice::from_ref(&decided))?;
    Ok(ChangeRequest(decided))
}

/// The change requests the caller may read, newest first: those with `status` (all when
/// null), or those with the given ids.
pub async fn requests(
    ctx: &Context<'_>,
    status: Option<&str>,
    only: Option<&[i64]>,
    first: u64,
) -> ApiResult<Vec<ChangeRequest>> {
    signed_in(ctx)?;
    let mut read = access(ctx)?
        .read_mixed(&readers::CHANGE_REQUEST_READ, Action::Read)
        .order_by(change_request::Column::RequestedAt, Order::Desc)
        .order_by(change_request::Column::Id, Order::Desc)
        .limit(first);
    if let Some(status) = status {
        read = read.through(Condition::all().add(change_request::Column::Status.eq(status)));
    }
    if let Some(only) = only {
        read = read.through(Condition::all().add(change_request::Column::Id.is_in(only.iter().copied())));
    }
    let mut rows = read.all(database(ctx)?).await?;
    rows.sort_by_key(|row| std::cmp::Reverse((row.requested_at, row.id)));
    note_disclosed(ctx, &rows)?;
    Ok(rows.into_iter().map(ChangeRequest).collect())
}

/// The requests a write just made (`made`), as the caller may read them; none without asking
/// when none were made.
pub async fn made(ctx: &Context<'_>, made: &[i64]) -> ApiResult<Vec<ChangeRequest>> {
    if made.is_empty() {
        return Ok(Vec::new());
    }
    requests(ctx, None, Some(made), made.len() as u64).await
}

/// Requests hold grades: showing them is noted in the disclosure log like results.
fn note_disclosed(ctx: &Context<'_>, rows: &[change_request::Model]) -> ApiResult<()> {
    if let Ok(disclosures) = ctx.data::<Arc<Disclosures>>() {
        let principal = access(ctx)?.principal();
        for row in rows {
            disclosures.note(principal, row.student_id, row.school_id, Kind::ChangeRequest.as_str());
        }
    }
    Ok(())
}
