//! Leave requests (đơn xin phép): a guardian asks for their own child to be excused for some
//! days and sessions (the policy's `leave_request`/`write` through `guardian_of`); the
//! homeroom teacher accepts or rejects it (`leave_request`/`approve` through `homeroom_of`).
//! A request names days of one enrollment of the child, in one class, beginning at most two
//! weeks back and lasting at most 30 days. Accepting turns the child's unexcused absences
//! that class recorded in that time (while the child was enrolled there, and as far as the
//! decider may write attendance) excused, each change kept in the history (in a semester
//! the principal has locked, each becomes a change request for the principal instead), and
//! a roll call taken later in that time stores them excused from the start.

use super::scores::Provenance;
use crate::auth::principal::Account;
use crate::error::{ApiError, RecordKind, RecordRef};
use crate::privacy::{Access, Target, readers};
use chrono::{DateTime, NaiveDate, Utc};
use emis_authz::{Action, Kind};
use entity::{AttendanceStatus, DaySession, attendance, enrollment, leave_request};
use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbErr, EntityTrait as _, QueryFilter as _, QuerySelect as _,
};
use std::collections::BTreeSet;

pub const PENDING: &str = "pending";
pub const ACCEPTED: &str = "accepted";
pub const REJECTED: &str = "rejected";
/// `sessions` of a request for whole days.
pub const ALL_DAY: &str = "all";

/// Longest request, in days.
const MAX_DAYS: i64 = 30;
/// How many days back a request may begin: a guardian explains an absence within two weeks.
const MAX_DAYS_BACK: i64 = 14;

/// What a guardian asks for.
#[derive(Clone, Debug)]
pub struct Asked {
    pub student: i64,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// `None`: whole days.
    pub session: Option<DaySession>,
    pub reason: String,
}

/// Stores the caller's request, pending the homeroom teacher's decision.
pub async fn submit(
    db: &DatabaseConnection,
    access: &Access,
    asked: &Asked,
    now: DateTime<Utc>,
) -> Result<leave_request::Model, ApiError> {
    let Some(Account::Guardian(guardian)) = access.principal().account else { return Err(ApiError::NotPermitted) };
    let child = access.reach(db, &readers::STUDENT, Kind::LeaveRequest, Action::Write, asked.student).await?;
    if asked.to < asked.from || (asked.to - asked.from).num_days() >= MAX_DAYS {
        return Err(ApiError::bad_input(
            format!("từ ngày phải trước đến ngày, nhiều nhất {MAX_DAYS} ngày"),
            format!("the first day must come before the last, at most {MAX_DAYS} days"),
        ));
    }
    if (access.principal().today - asked.from).num_days() > MAX_DAYS_BACK {
        return Err(ApiError::bad_input(
            format!("chỉ xin phép được từ {MAX_DAYS_BACK} ngày trước trở lại"),
            format!("leave can be asked for at most {MAX_DAYS_BACK} days back"),
        ));
    }
    let reason = super::changes::reason(Some(&asked.reason))?
        .ok_or_else(|| ApiError::bad_input("cần ghi lý do", "a reason is needed"))?;
    let (class, school) = enrolled_throughout(db, access, child.id, asked.from, asked.to).await?;
    let row = leave_request::ActiveModel {
        school_id: Set(school),
        student_id: Set(child.id),
        class_id: Set(class),
        guardian_id: Set(guardian),
        from_date: Set(asked.from),
        to_date: Set(asked.to),
        sessions: Set(asked.session.map_or(ALL_DAY, DaySession::as_str).to_owned()),
        reason: Set(reason),
        status: Set(PENDING.to_owned()),
        submitted_at: Set(now),
        decided_by_id: Set(None),
        decided_at: Set(None),
        decision_note: Set(None),
        ..Default::default()
    };
    Ok(row.insert(db).await?)
}

/// The class (and its school) `student` is enrolled in on every day from `from` to `to`,
/// as the caller may read the enrollment: a request names the days of one enrollment.
async fn enrolled_throughout(
    db: &DatabaseConnection,
    access: &Access,
    student: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(i64, i64), ApiError> {
    let found = access
        .read(&readers::ENROLLMENT)
        .narrow(enrollment::Column::StudentId, |column| column.eq(student))
        .narrow(enrollment::Column::StartsOn, |column| column.lte(from))
        .narrow(enrollment::Column::EndsOn, |column| column.is_null().or(column.gte(from)))
        .one(db)
        .await?;
    match found {
        Some(found) if found.ends_on.is_none_or(|last| last >= to) => Ok((found.class_id, found.school_id)),
        _ => Err(ApiError::bad_input(
            "những ngày xin nghỉ phải cùng trong thời gian học sinh học một lớp",
            "the days asked for must all fall within the student's enrollment in one class",
        )),
    }
}

/// The record a request concerns, for checks: the student in the class it was made for.
pub fn target(row: &leave_request::Model) -> Target {
    Target::student_in_class(row.student_id, row.school_id, row.class_id)
}

/// Accepts or rejects request `id`; accepting excuses the absences it covers.
pub async fn decide(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    accept: bool,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<leave_request::Model, ApiError> {
    let decider = super::locks::staff_account(access)?;
    let request = access.reach(db, &readers::LEAVE_REQUEST, Kind::LeaveRequest, Action::Approve, id).await?;
    if request.status != PENDING {
        return Err(ApiError::bad_input("đơn đã được quyết định", "the request has already been decided"));
    }
    let note = super::changes::reason(note)?;
    let txn = crate::db::begin_write(db).await?;
    let decided = leave_request::Entity::update_many()
        .col_expr(leave_request::Column::Status, Expr::value(if accept { ACCEPTED } else { REJECTED }))
        .col_expr(leave_request::Column::DecidedById, Expr::value(decider))
        .col_expr(leave_request::Column::DecidedAt, Expr::value(now))
        .col_expr(leave_request::Column::DecisionNote, Expr::value(note))
        .filter(leave_request::Column::Id.eq(id))
        .filter(leave_request::Column::Status.eq(PENDING))
        .exec(&txn)
        .await?;
    if decided.rows_affected != 1 {
        txn.rollback().await?;
        return Err(ApiError::Conflict { records: vec![RecordRef::Row { kind: RecordKind::LeaveRequest, id }] });
    }
    if accept {
        let absences = covered_absences(&txn, access, &request).await?;
        let provenance = Provenance {
            changed_by: Account::Staff(decider),
            approved_by: None,
            reason: Some(format!("đơn xin phép / leave request #{}", request.id)),
            now,
        };
        for absence in absences {
            super::roll_call::excuse(&txn, &absence, &provenance).await?;
        }
    }
    let decided = access.rows_for(Action::Approve, &readers::LEAVE_REQUEST).by_id(id).one(&txn).await?;
    let row = decided.ok_or(ApiError::Internal)?;
    txn.commit().await?;
    Ok(row)
}

/// The unexcused absences an accepted `request` excuses: those its class recorded in its
/// days and sessions while the student was enrolled there, and that the decider may write
/// (`attendance`/`write`). An absence recorded in another class or school stays as it is.
/// The student's enrollments in the class are read as the decider may read them, all or
/// none: one hidden refuses the decision rather than leave an absence silently unexcused.
async fn covered_absences(
    txn: &DatabaseTransaction,
    access: &Access,
    request: &leave_request::Model,
) -> Result<Vec<attendance::Model>, ApiError> {
    let stays = access
        .read(&readers::ENROLLMENT)
        .narrow(enrollment::Column::StudentId, |column| column.eq(request.student_id))
        .narrow(enrollment::Column::ClassId, |column| column.eq(request.class_id))
        .every(txn)
        .await?;
    let enrolled_on = |date: NaiveDate| {
        stays.iter().any(|stay| stay.starts_on <= date && stay.ends_on.is_none_or(|last| last >= date))
    };
    let mut absences = access
        .rows_for(Action::Write, &readers::ATTENDANCE)
        .narrow(attendance::Column::StudentId, |column| column.eq(request.student_id))
        .narrow(attendance::Column::ClassId, |column| column.eq(request.class_id))
        .narrow(attendance::Column::Date, |column| column.between(request.from_date, request.to_date))
        .narrow(attendance::Column::Status, |column| column.eq(AttendanceStatus::Unexcused.as_str()));
    if request.sessions != ALL_DAY {
        absences = absences.narrow(attendance::Column::Session, |column| column.eq(request.sessions.as_str()));
    }
    let covered = absences.all(txn).await?.into_iter().filter(|row| enrolled_on(row.date)).collect();
    Ok(covered)
}

/// The students of `class` with an accepted request covering `date` and `session`.
pub async fn excused_students(
    db: &impl ConnectionTrait,
    class: i64,
    date: NaiveDate,
    session: DaySession,
) -> Result<BTreeSet<i64>, DbErr> {
    let students: Vec<i64> = leave_request::Entity::find()
        .select_only()
        .column(leave_request::Column::StudentId)
        .filter(leave_request::Column::ClassId.eq(class))
        .filter(leave_request::Column::Status.eq(ACCEPTED))
        .filter(leave_request::Column::FromDate.lte(date))
        .filter(leave_request::Column::ToDate.gte(date))
        .filter(leave_request::Column::Sessions.is_in([ALL_DAY, session.as_str()]))
        .into_tuple()
        .all(db)
        .await?;
    Ok(students.into_iter().collect())
}
