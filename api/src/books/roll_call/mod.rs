//! The roll-call book: a teacher records one session's (or one period's) attendance for a
//! class in one call — everyone present unless listed otherwise. The caller must be allowed
//! to write the class's attendance (the policy's `attendance`/`write`: the homeroom teacher,
//! a teacher of the class), every student listed must be in the class on that day, and the
//! day may not lie ahead. Absences covered by an accepted leave request are stored excused.
//! Every change is kept in `record_change`, and each guardian of a child newly marked absent,
//! late or gone from a period is notified in the same transaction. Once the principal has
//! locked the school's semester that holds the day, nothing is written: with a reason each
//! change becomes a request the principal approves (`changes::decide`), without one the
//! call is refused as locked (the submodule `locked`).

mod locked;

pub use locked::{apply_request, excuse};

use super::leave;
use super::scores::Provenance;
use super::told;
use crate::auth::principal::Account;
use crate::error::{ApiError, EntryProblem, RecordRef};
use crate::privacy::{Access, readers};
use chrono::{DateTime, NaiveDate, Utc};
use emis_authz::{Action, Kind};
use entity::{AttendanceStatus, DaySession, attendance, homeroom_class, notification};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbBackend, DbErr, EntityTrait as _, QueryFilter as _, QuerySelect as _,
};
use std::collections::{BTreeSet, HashMap};

/// Longest note kept with a roll-call entry, in characters.
const MAX_NOTE: usize = 500;

/// `record_change.kind` and `change_request.kind` of a roll-call entry.
pub const KIND: &str = "attendance";

/// One student who was not simply present.
#[derive(Clone, Debug)]
pub struct Mark {
    pub student: i64,
    pub status: AttendanceStatus,
    pub note: Option<String>,
}

/// When a roll call was taken: a day, a half-day session and, for one lesson's roll call,
/// its period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    pub date: NaiveDate,
    pub session: DaySession,
    pub period: Option<i32>,
}

/// A roll call: a class and its slot, with the students who were not simply present.
#[derive(Clone, Debug)]
pub struct RollCall {
    pub class: i64,
    pub slot: Slot,
    pub marks: Vec<Mark>,
    /// Why an earlier roll call is corrected, kept in the history of each entry changed (and
    /// required once the semester is locked).
    pub reason: Option<String>,
}

/// What a roll call changed.
#[derive(Debug, Default)]
pub struct Taken {
    /// Entries created or changed.
    pub changed: usize,
    /// Notifications sent to guardians.
    pub notified: usize,
    /// In a locked semester: the change requests made instead of changes.
    pub requests: Vec<i64>,
}

/// Records `call` for the caller of `access`, whole or not at all. With `urgent_absences`
/// (the server sends absence notices by SMS), an unexcused absence is told as urgent, so the
/// outbox may text a guardian who has no push device or chose SMS.
pub async fn record(
    db: &DatabaseConnection,
    access: &Access,
    call: &RollCall,
    now: DateTime<Utc>,
    urgent_absences: bool,
) -> Result<Taken, ApiError> {
    let Some(Account::Staff(taker)) = access.principal().account else { return Err(ApiError::NotPermitted) };
    let class = access.reach(db, &readers::CLASS, Kind::Attendance, Action::Write, call.class).await?;
    let slot = call.slot;
    if slot.date > access.principal().today {
        return Err(ApiError::bad_input("không điểm danh trước cho ngày sau", "a roll call cannot be for a day ahead"));
    }
    if slot.period.is_some_and(|period| !(1..=10).contains(&period)) {
        return Err(ApiError::bad_input("tiết phải từ 1 đến 10", "the period must be from 1 to 10"));
    }
    let enrolled = super::enrolled(db, class.id, slot.date, None).await?;
    check(&call.marks, &enrolled)?;
    let reason = super::changes::reason(call.reason.as_deref())?;
    let locked = locked::locked_semester(db, &class, slot.date).await?;
    if locked.is_some() && reason.is_none() {
        return Err(ApiError::Locked);
    }
    let provenance = Provenance { changed_by: Account::Staff(taker), approved_by: None, reason, now };
    let txn = crate::db::begin_write(db).await?;
    hold_class(&txn, class.id).await?;
    let excused = leave::excused_students(&txn, class.id, slot.date, slot.session).await?;
    let stored = stored(&txn, access, Action::Write, class.id, slot, None).await?;
    let listed: HashMap<i64, &Mark> = call.marks.iter().map(|mark| (mark.student, mark)).collect();
    let mut taken = Taken::default();
    for student in &enrolled {
        let (mut status, note) = match listed.get(student) {
            Some(mark) => (mark.status, mark.note.clone()),
            None => (AttendanceStatus::Present, None),
        };
        if status == AttendanceStatus::Unexcused && excused.contains(student) {
            status = AttendanceStatus::Excused;
        }
        let entry = Entry { student: *student, status, note };
        let old = stored.get(student);
        if entry.unchanged(old) {
            continue;
        }
        if let Some(semester) = locked {
            taken.requests.push(locked::request(&txn, &class, slot, semester, old, &entry, &provenance).await?);
            continue;
        }
        let row = write_entry(&txn, &class, slot, old, &entry, &provenance).await?;
        taken.changed += 1;
        if status != AttendanceStatus::Present {
            taken.notified += notify(&txn, &row, now, urgent_absences).await?;
        }
    }
    txn.commit().await?;
    Ok(taken)
}

/// On PostgreSQL, makes two writers of one class's roll call (two devices, or a roll call
/// and an approval) wait for each other.
pub(super) async fn hold_class(txn: &DatabaseTransaction, class: i64) -> Result<(), DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        homeroom_class::Entity::find_by_id(class).lock_exclusive().one(txn).await?;
    }
    Ok(())
}

/// The entries stored for `class` at `slot` (of `among` only, when given), by student,
/// each one the caller may `action` (write for a roll call, approve for an approved
/// request); [`ApiError::NotPermitted`] when the policy hides one, which the roll call
/// would otherwise take for plain presence and add a second entry beside.
pub(super) async fn stored(
    txn: &impl ConnectionTrait,
    access: &Access,
    action: Action,
    class: i64,
    slot: Slot,
    among: Option<i64>,
) -> Result<HashMap<i64, attendance::Model>, ApiError> {
    let mut entries = access
        .rows_for(action, &readers::ATTENDANCE)
        .narrow(attendance::Column::ClassId, |column| column.eq(class))
        .narrow(attendance::Column::Date, |column| column.eq(slot.date))
        .narrow(attendance::Column::Session, |column| column.eq(slot.session.as_str()))
        .narrow(attendance::Column::Period, |column| match slot.period {
            Some(period) => column.eq(period),
            None => column.is_null(),
        });
    if let Some(student) = among {
        entries = entries.narrow(attendance::Column::StudentId, |column| column.eq(student));
    }
    Ok(entries.every(txn).await?.into_iter().map(|row| (row.student_id, row)).collect())
}

/// A student's new entry in the roll call.
pub(super) struct Entry {
    pub student: i64,
    pub status: AttendanceStatus,
    pub note: Option<String>,
}

impl Entry {
    /// Whether `old` (none: plain presence) already holds this entry.
    pub(super) fn unchanged(&self, old: Option<&attendance::Model>) -> bool {
        match old {
            Some(old) => old.status == self.status.as_str() && old.note == self.note,
            None => self.status == AttendanceStatus::Present,
        }
    }
}

/// Stores `entry` over `old` and keeps the change; the stored row.
pub(super) async fn write_entry(
    txn: &DatabaseTransaction,
    class: &homeroom_class::Model,
    slot: Slot,
    old: Option<&attendance::Model>,
    entry: &Entry,
    provenance: &Provenance,
) -> Result<attendance::Model, DbErr> {
    let row = match old {
        Some(old) => {
            attendance::Entity::update_many()
                .col_expr(attendance::Column::Status, Expr::value(entry.status.as_str()))
                .col_expr(attendance::Column::Note, Expr::value(entry.note.clone()))
                .filter(attendance::Column::Id.eq(old.id))
                .exec(txn)
                .await?;
            attendance::Model { status: entry.status.as_str().to_owned(), note: entry.note.clone(), ..old.clone() }
        }
        None => {
            let row = attendance::ActiveModel {
                external_id: Set(None),
                school_id: Set(class.school_id),
                student_id: Set(entry.student),
                class_id: Set(class.id),
                date: Set(slot.date),
                session: Set(slot.session.as_str().to_owned()),
                period: Set(slot.period),
                status: Set(entry.status.as_str().to_owned()),
                note: Set(entry.note.clone()),
                ..Default::default()
            };
            row.insert(txn).await?
        }
    };
    keep_change(txn, &row, old.map(shown), provenance).await?;
    Ok(row)
}

/// Keeps a change to roll-call entry `row` in the books' history.
async fn keep_change(
    txn: &DatabaseTransaction,
    row: &attendance::Model,
    old_value: Option<String>,
    provenance: &Provenance,
) -> Result<(), DbErr> {
    let change = super::Change {
        kind: KIND,
        school: row.school_id,
        student: row.student_id,
        record: row.id,
        section: None,
        class: Some(row.class_id),
        old_value,
        new_value: Some(shown(row)),
    };
    change.keep(txn, provenance).await
}

/// A roll-call entry as the history shows it: `2026-11-30 morning: unexcused — note`.
pub fn shown(row: &attendance::Model) -> String {
    let period = row.period.map(|period| format!(" period {period}")).unwrap_or_default();
    let value = format!("{} {}{period}: {}", row.date, row.session, row.status);
    match &row.note {
        Some(note) => format!("{value} — {note}"),
        None => value,
    }
}

/// Tells each active, unrestricted guardian of the entry's student; how many were told.
/// With `urgent_absences`, an unexcused absence is told as urgent (it may go by SMS).
pub(super) async fn notify(
    txn: &DatabaseTransaction,
    row: &attendance::Model,
    now: DateTime<Utc>,
    urgent_absences: bool,
) -> Result<usize, DbErr> {
    let guardians = crate::books::recipients::guardians_of(txn, &[row.student_id], row.date).await?;
    let about = told::About { student: row.student_id, school: row.school_id, class: row.class_id };
    let urgent = urgent_absences && row.status == AttendanceStatus::Unexcused.as_str();
    let rows: Vec<notification::ActiveModel> = guardians
        .iter()
        .map(|&(guardian, _)| notification::ActiveModel {
            attendance_id: Set(Some(row.id)),
            session: Set(Some(row.session.clone())),
            period: Set(row.period),
            status: Set(Some(row.status.clone())),
            ..told::row(guardian, about, told::ABSENCE, told::Refers::default(), urgent, row.date, now)
        })
        .collect();
    told::write(txn, rows).await
}

/// Every wrong mark, naming the student and the field; nothing is written when any is found.
fn check(marks: &[Mark], enrolled: &BTreeSet<i64>) -> Result<(), ApiError> {
    let mut problems = Vec::new();
    let mut membership = super::Membership::refusing(
        enrolled,
        ("học sinh không học lớp này ngày đó", "the student is not in this class that day"),
    );
    for mark in marks {
        let problem = |field, vi: &str, en: &str| EntryProblem::new(RecordRef::student(mark.student), field, vi, en);
        membership.check(mark.student, &mut problems);
        if mark.note.as_ref().is_some_and(|note| note.chars().count() > MAX_NOTE) {
            problems.push(problem("note", "ghi chú quá dài", "the note is too long"));
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(ApiError::InvalidEntries(problems)) }
}

#[cfg(test)]
mod tests {
    use super::{Mark, check, shown};
    use entity::{AttendanceStatus, attendance};
    use std::collections::BTreeSet;

    fn mark(student: i64) -> Mark {
        Mark { student, status: AttendanceStatus::Unexcused, note: None }
    }

    #[test]
    fn every_wrong_mark_is_named() {
        let enrolled = BTreeSet::from([1, 2]);
        assert!(check(&[mark(1), mark(2)], &enrolled).is_ok());
        let Err(crate::error::ApiError::InvalidEntries(problems)) = check(&[mark(1), mark(3), mark(1)], &enrolled)
        else {
            panic!("refused")
        };
        let fields: Vec<&str> = problems.iter().map(|problem| problem.field).collect();
        assert_eq!(fields, ["studentId", "studentId"]);
    }

    #[test]
    fn entries_show_their_day_session_and_status() {
        let row = attendance::Model {
            id: 1,
            external_id: None,
            school_id: 1,
            student_id: 1,
            class_id: 1,
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
            session: "morning".into(),
            period: Some(2),
            status: "late".into(),
            note: Some("xe hỏng".into()),
        };
        assert_eq!(shown(&row), "2026-11-30 morning period 2: late — xe hỏng");
    }
}
