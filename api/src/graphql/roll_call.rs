//! The roll-call book on the API: a teacher's roll call for a class (`recordAttendance`), a
//! guardian's leave request and the homeroom teacher's decision, written by
//! [`crate::books::roll_call`] and [`crate::books::leave`]; what they return is read back
//! through the privacy layer like every other read.

use super::context::{access, database, shown, signed_in, state};
use super::ids;
use super::records::AttendanceRecord;
use crate::books::leave::{self, Asked};
use crate::books::roll_call::{self, Mark, RollCall, Slot};
use crate::error::{ApiError, ApiResult, EntryProblem};
use crate::privacy::readers;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use emis_authz::Kind;
use entity::{AttendanceStatus, DaySession, attendance, leave_request};
use sea_orm::{ColumnTrait as _, Order};

/// A student who was not simply present.
#[derive(InputObject)]
pub struct AttendanceMarkInput {
    /// The student marked.
    pub student_id: ID,
    /// excused | unexcused | late | left_period (present clears an earlier mark)
    pub status: String,
    /// The teacher's note on the entry, if any.
    pub note: Option<String>,
}

/// What `recordAttendance` did.
#[derive(SimpleObject)]
pub struct RecordAttendancePayload {
    /// Entries created or changed.
    pub changed: i32,
    /// Guardians told of an absence.
    pub notified: i32,
    /// The roll call's entries (of its session, or its period) that are not plain presence,
    /// as the caller may read them.
    pub entries: Vec<AttendanceRecord>,
    /// In a locked semester: the change requests made instead, waiting for the principal's
    /// approval.
    pub requests: Vec<super::book_locks::ChangeRequest>,
}

/// Takes a roll call: everyone in the class present, unless listed in `marks`.
pub async fn record(
    ctx: &Context<'_>,
    class_id: &ID,
    date: NaiveDate,
    session: &str,
    period: Option<i32>,
    marks: Vec<AttendanceMarkInput>,
    reason: Option<String>,
) -> ApiResult<RecordAttendancePayload> {
    let access = signed_in(ctx)?;
    let class = ids::decode_as("Class", class_id).ok_or(ApiError::NotPermitted)?;
    let session = day_session(session)?;
    let mut problems = Vec::new();
    let mut decoded = Vec::with_capacity(marks.len());
    for mark in marks {
        let student = ids::decode_as("Student", &mark.student_id);
        let status = mark.status.parse::<AttendanceStatus>().ok();
        let problem = |field, vi: &str, en: &str| EntryProblem::new(mark.student_id.clone(), field, vi, en);
        match (student, status) {
            (Some(student), Some(status)) => decoded.push(Mark { student, status, note: mark.note }),
            (None, _) => problems.push(EntryProblem::not_a_student(mark.student_id.clone(), "studentId")),
            (_, None) => problems.push(problem(
                "status",
                "trạng thái phải là excused, unexcused, late, left_period hoặc present",
                "the status must be excused, unexcused, late, left_period or present",
            )),
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::InvalidEntries(problems));
    }
    let slot = Slot { date, session, period };
    let call = RollCall { class, slot, marks: decoded, reason };
    let server = state(ctx)?;
    let urgent_absences = server.config.outbox.absence_sms;
    let taken = roll_call::record(&server.db, access, &call, Utc::now(), urgent_absences).await?;
    use attendance::Column as C;
    let rows = access
        .read(&readers::ATTENDANCE)
        .narrow(C::ClassId, |column| column.eq(class))
        .narrow(C::Date, |column| column.eq(date))
        .narrow(C::Session, |column| column.eq(session.as_str()))
        .narrow(C::Period, |column| match period {
            Some(period) => column.eq(period),
            None => column.is_null(),
        })
        .narrow(C::Status, |column| column.ne(AttendanceStatus::Present.as_str()))
        .order_by(C::StudentId, Order::Asc)
        .all(database(ctx)?)
        .await?;
    Ok(RecordAttendancePayload {
        changed: i32::try_from(taken.changed).unwrap_or(i32::MAX),
        notified: i32::try_from(taken.notified).unwrap_or(i32::MAX),
        entries: rows.into_iter().map(AttendanceRecord).collect(),
        requests: super::book_locks::made(ctx, &taken.requests).await?,
    })
}

fn day_session(session: &str) -> ApiResult<DaySession> {
    session.parse().map_err(|_| {
        ApiError::bad_input("buổi phải là morning hoặc afternoon", "the session must be morning or afternoon")
    })
}

/// A guardian's leave request for their child, and its decision.
pub struct LeaveRequest(pub leave_request::Model);

#[Object]
impl LeaveRequest {
    /// The request's global id (what `decideLeave` takes).
    async fn id(&self) -> ID {
        ids::encode("LeaveRequest", self.0.id)
    }
    /// The child the request is for.
    async fn student_id(&self) -> ID {
        ids::encode("Student", self.0.student_id)
    }
    /// The class whose roll calls the request concerns.
    async fn class_id(&self) -> ID {
        ids::encode("Class", self.0.class_id)
    }
    /// The first day of the leave.
    async fn from(&self) -> NaiveDate {
        self.0.from_date
    }
    /// The last day of the leave.
    async fn to(&self) -> NaiveDate {
        self.0.to_date
    }
    /// morning | afternoon | all
    async fn sessions(&self) -> &str {
        &self.0.sessions
    }
    /// Why the child is away, as the guardian wrote it (often health: recorded in the
    /// disclosure log when shown to staff).
    async fn reason(&self, ctx: &Context<'_>) -> &str {
        shown(ctx, self.0.student_id, self.0.school_id, Kind::LeaveRequest);
        &self.0.reason
    }
    /// pending | accepted | rejected
    async fn status(&self) -> &str {
        &self.0.status
    }
    /// When the guardian sent the request.
    async fn submitted_at(&self) -> DateTime<Utc> {
        self.0.submitted_at
    }
    /// When the request was accepted or rejected; null while pending.
    async fn decided_at(&self) -> Option<DateTime<Utc>> {
        self.0.decided_at
    }
    /// The note of whoever decided, if any.
    async fn decision_note(&self) -> Option<&str> {
        self.0.decision_note.as_deref()
    }
}

/// A guardian asks for `student` to be excused from `from` to `to` (one session, or whole days).
pub async fn request_leave(
    ctx: &Context<'_>,
    student_id: &ID,
    from: NaiveDate,
    to: NaiveDate,
    session: Option<&str>,
    reason: String,
) -> ApiResult<LeaveRequest> {
    let access = signed_in(ctx)?;
    let student = ids::decode_as("Student", student_id).ok_or(ApiError::NotPermitted)?;
    let session = session.map(day_session).transpose()?;
    let asked = Asked { student, from, to, session, reason };
    Ok(LeaveRequest(leave::submit(database(ctx)?, access, &asked, Utc::now()).await?))
}

/// The homeroom teacher accepts or rejects a leave request.
pub async fn decide_leave(
    ctx: &Context<'_>,
    request_id: &ID,
    accept: bool,
    note: Option<&str>,
) -> ApiResult<LeaveRequest> {
    let access = signed_in(ctx)?;
    let id = ids::decode_as("LeaveRequest", request_id).ok_or(ApiError::NotPermitted)?;
    Ok(LeaveRequest(leave::decide(database(ctx)?, access, id, accept, note, Utc::now()).await?))
}

/// The leave requests the caller may read, newest first, with `status` (all when null).
pub async fn leave_requests(ctx: &Context<'_>, status: Option<&str>, first: u64) -> ApiResult<Vec<LeaveRequest>> {
    signed_in(ctx)?;
    let mut requests = access(ctx)?
        .read(&readers::LEAVE_REQUEST)
        .order_by(leave_request::Column::SubmittedAt, Order::Desc)
        .order_by(leave_request::Column::Id, Order::Desc)
        .limit(first);
    if let Some(status) = status {
        requests = requests.narrow(leave_request::Column::Status, |column| column.eq(status));
    }
    let rows = requests.all(database(ctx)?).await?;
    Ok(rows.into_iter().map(LeaveRequest).collect())
}
