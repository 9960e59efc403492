//! The records of the books as the API shows them: enrollments, results and attendance,
//! each read through the privacy layer (SQL condition, then per-record check).

use super::context::{access, database, state};
use super::ids;
use super::loaders::ResultRow;
use super::school::{Class, Subject, class_by_id};
use crate::disclosure::Disclosures;
use crate::error::ApiResult;
use crate::privacy::readers;
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, NaiveDate, Utc};
use emis_authz::Kind;
use entity::{attendance, enrollment, record_change};
use sea_orm::{ColumnTrait as _, Order};
use std::sync::Arc;

/// A student's enrollment in a class.
pub struct EnrollmentRecord(pub enrollment::Model);

#[Object]
impl EnrollmentRecord {
    /// The first day of the enrollment.
    async fn starts_on(&self) -> NaiveDate {
        self.0.starts_on
    }
    /// The last day of the enrollment; null while it lasts.
    async fn ends_on(&self) -> Option<NaiveDate> {
        self.0.ends_on
    }
    /// The class, if the caller may see it.
    async fn class(&self, ctx: &Context<'_>) -> ApiResult<Option<Class>> {
        class_by_id(ctx, self.0.class_id).await
    }
}

/// Enrollments of `student` the caller may see.
pub async fn enrollments_of(ctx: &Context<'_>, student: i64) -> ApiResult<Vec<EnrollmentRecord>> {
    let rows = access(ctx)?
        .read(&readers::ENROLLMENT)
        .narrow(enrollment::Column::StudentId, |column| column.eq(student))
        .order_by(enrollment::Column::StartsOn, Order::Asc)
        .all(database(ctx)?)
        .await?;
    Ok(rows.into_iter().map(EnrollmentRecord).collect())
}

/// One assessment result.
pub struct ResultRecord(pub ResultRow);

#[Object]
impl ResultRecord {
    /// The subject of the result's section.
    async fn subject_id(&self) -> ID {
        ids::encode("Subject", self.0.column.subject_id)
    }
    /// The subject of the result's section.
    async fn subject(&self, ctx: &Context<'_>) -> ApiResult<Option<Subject>> {
        subject_by_id(ctx, self.0.column.subject_id).await
    }
    /// The section (a subject taught to a class) the result belongs to.
    async fn section_id(&self) -> ID {
        ids::encode("Section", self.0.line.section_id)
    }
    /// The assessment column (for `recordScores`).
    async fn assessment_id(&self) -> ID {
        ids::encode("Assessment", self.0.line.assessment_id)
    }
    /// Raised by every change: `recordScores` takes the version the client read, so that a
    /// change made meanwhile on another device is not overwritten.
    async fn version(&self) -> i32 {
        self.0.line.version
    }
    /// regular | midterm | final
    async fn kind(&self) -> &str {
        self.0.column.kind.as_str()
    }
    /// Number of the assessment within its kind (regular assessments are numbered).
    async fn sequence(&self) -> i16 {
        self.0.column.sequence
    }
    /// Score 0–10 with one decimal, for scored subjects.
    async fn score(&self) -> Option<f64> {
        self.0.line.score_tenths.map(|tenths| f64::from(tenths) / 10.0)
    }
    /// Đạt (true) or Chưa đạt (false), for comment-only subjects.
    async fn passed(&self) -> Option<bool> {
        self.0.line.passed
    }
    /// The student missed the assessment and will not make it up (no score, no Đạt): it
    /// counts as 0 (Chưa đạt).
    async fn no_make_up(&self) -> bool {
        self.0.line.no_make_up
    }
    /// The student is excused from this one assessment (no score, no Đạt): it counts for
    /// them neither way, and their average is taken over the other assessments.
    async fn exempt(&self) -> bool {
        self.0.line.exempt
    }
    /// The teacher's comment on the result, if any.
    async fn comment(&self) -> Option<&str> {
        self.0.line.comment.as_deref()
    }
}

/// One change to a record of the books.
pub struct RecordChangeEntry(pub record_change::Model);

#[Object]
impl RecordChangeEntry {
    /// The kind of record changed: `result`.
    async fn kind(&self) -> &str {
        &self.0.kind
    }
    /// When the change was made.
    async fn at(&self) -> DateTime<Utc> {
        self.0.changed_at
    }
    /// The value before, as the books show it (`8.5 — comment`, `Đạt`); null when the
    /// change created the record.
    async fn old_value(&self) -> Option<&str> {
        self.0.old_value.as_deref()
    }
    /// The value after, as the books show it; null when the change removed it.
    async fn new_value(&self) -> Option<&str> {
        self.0.new_value.as_deref()
    }
    /// Why it was changed, as given (required once the book is locked).
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    /// The section whose book holds the record; null for a class's record.
    async fn section_id(&self) -> Option<ID> {
        self.0.section_id.map(|section| ids::encode("Section", section))
    }
    /// Who made the change (a staff member's or a guardian's id).
    async fn changed_by(&self) -> ID {
        let kind = if self.0.changed_by_kind == "guardian" { "Guardian" } else { "Staff" };
        ids::encode(kind, self.0.changed_by_id)
    }
    /// The principal who approved a change made after the book was locked.
    async fn approved_by(&self) -> Option<ID> {
        self.0.approved_by_id.map(|staff| ids::encode("Staff", staff))
    }
}

/// The newest `first` changes to `student`'s records the caller may read (the history holds
/// grades, so reading it is noted in the disclosure log like reading results).
pub async fn history_of(ctx: &Context<'_>, student: i64, first: u64) -> ApiResult<Vec<RecordChangeEntry>> {
    let rows = access(ctx)?
        .read(&readers::RECORD_CHANGE)
        .narrow(record_change::Column::StudentId, |column| column.eq(student))
        .order_by(record_change::Column::ChangedAt, Order::Desc)
        .order_by(record_change::Column::Id, Order::Desc)
        .limit(first)
        .all(database(ctx)?)
        .await?;
    if let (Some(row), Ok(disclosures)) = (rows.first(), ctx.data::<Arc<Disclosures>>()) {
        disclosures.note(access(ctx)?.principal(), row.student_id, row.school_id, Kind::RecordChange.as_str());
    }
    Ok(rows.into_iter().map(RecordChangeEntry).collect())
}

/// The record a change concerns, for checks.
/// One roll-call entry.
pub struct AttendanceRecord(pub attendance::Model);

#[Object]
impl AttendanceRecord {
    /// The day of the roll call.
    async fn date(&self) -> NaiveDate {
        self.0.date
    }
    /// morning | afternoon
    async fn session(&self) -> &str {
        &self.0.session
    }
    /// The lesson period the entry is for; null when it covers the whole session.
    async fn period(&self) -> Option<i32> {
        self.0.period
    }
    /// present | excused | unexcused | late | left_period
    async fn status(&self) -> &str {
        &self.0.status
    }
    /// The teacher's note on the entry, if any (recorded in the disclosure log when shown).
    async fn note(&self, ctx: &Context<'_>) -> Option<&str> {
        if self.0.note.is_some() {
            super::context::shown(ctx, self.0.student_id, self.0.school_id, Kind::Attendance);
        }
        self.0.note.as_deref()
    }
}

/// Attendance entries of `student` between `from` and `to` the caller may see.
pub async fn attendance_of(
    ctx: &Context<'_>,
    student: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> ApiResult<Vec<AttendanceRecord>> {
    let rows = access(ctx)?
        .read(&readers::ATTENDANCE)
        .narrow(attendance::Column::StudentId, |column| column.eq(student))
        .narrow(attendance::Column::Date, |column| column.between(from, to))
        .order_by(attendance::Column::Date, Order::Asc)
        .all(database(ctx)?)
        .await?;
    Ok(rows.into_iter().map(AttendanceRecord).collect())
}

/// The semester `id` names, or the one running on the principal's date (else the last one
/// begun). Semesters are calendar structure, not personal data.
pub async fn semester_or_current(ctx: &Context<'_>, id: Option<&str>) -> ApiResult<Option<i64>> {
    let today = access(ctx)?.principal().today;
    Ok(semester_named_or_running(&state(ctx)?.reference, id, today).await?)
}

/// The semester `id` names, else the one running on `today` (or the last one begun).
pub async fn semester_named_or_running(
    reference: &crate::reference::Reference,
    id: Option<&str>,
    today: NaiveDate,
) -> Result<Option<i64>, sea_orm::DbErr> {
    if let Some(id) = id {
        return Ok(ids::decode_as("Semester", id));
    }
    Ok(reference.get().await?.semester_on(today))
}

/// The subject with this id. Subjects are the national curriculum's list, not personal data.
pub async fn subject_by_id(ctx: &Context<'_>, id: i64) -> ApiResult<Option<Subject>> {
    Ok(state(ctx)?.reference.get().await?.subject(id).cloned().map(Subject))
}
