//! The class's nomination for Học sinh Tiêu biểu in the primary summary book (Circular
//! 27/2020): at the end of the year the homeroom teacher nominates a student of the class,
//! on the ground of an outstanding subject (which one) or of clear progress, with a short
//! note, and may withdraw it — the policy's `conduct`/`write`, as for the qualities and
//! competencies. One nomination per student and school year, at the version its client
//! read; refused while the school's second semester is locked; every change kept in
//! `record_change`. Standing nominations are read through the privacy condition of
//! `conduct`.

use super::primary::{primary_rules, semester_of};
use super::scores::Provenance;
use crate::auth::principal::Account;
use crate::error::{ApiError, RecordRef};
use crate::privacy::{Access, Target, readers};
use chrono::{DateTime, Utc};
use emis_authz::{Action, Kind};
use emis_rules::primary::{Checkpoint, Ground};
use entity::{homeroom_class, primary_nomination as nomination, subject};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait as _, Condition, DatabaseConnection, DatabaseTransaction, EntityTrait as _,
    QueryFilter as _, UpdateMany,
};
use std::collections::HashMap;

/// A ground's name on the API and in the database.
pub fn ground_code(ground: Ground) -> &'static str {
    match ground {
        Ground::OutstandingSubject => "subject",
        Ground::ClearProgress => "progress",
    }
}

/// The ground named `code`.
pub fn parse_ground(code: &str) -> Result<Ground, ApiError> {
    [Ground::OutstandingSubject, Ground::ClearProgress]
        .into_iter()
        .find(|ground| ground_code(*ground) == code)
        .ok_or_else(|| {
            ApiError::bad_input("lý do đề cử phải là subject hoặc progress", "the ground must be subject or progress")
        })
}

/// What the homeroom teacher puts forward.
#[derive(Clone, Debug)]
pub struct Nomination {
    pub student: i64,
    pub ground: Ground,
    /// The outstanding subject, for [`Ground::OutstandingSubject`].
    pub subject: Option<i64>,
    pub note: Option<String>,
    /// The version of the standing nomination the client last read; `None` when it read none.
    pub expected_version: Option<i32>,
}

/// Who writes and where: the caller's staff id and the class, once the policy, the rule
/// set, the lock and the class's roll allow a nomination of `student` by `class`.
async fn writable(
    db: &DatabaseConnection,
    access: &Access,
    class: i64,
    student: i64,
) -> Result<(i64, homeroom_class::Model), ApiError> {
    let teacher = super::locks::staff_account(access)?;
    let class = access.reach_about(db, &readers::CLASS, student, Kind::Conduct, Action::Write, class).await?;
    primary_rules(db, &class).await?;
    if let Some(semester) = semester_of(db, class.school_year_id, Checkpoint::EndOfYear).await?
        && super::locks::school_in_force(db, class.school_id, semester).await?.is_some()
    {
        return Err(ApiError::Locked);
    }
    let today = access.principal().today;
    if !super::enrolled(db, class.id, today, Some(&[student])).await?.contains(&student) {
        return Err(ApiError::bad_input("học sinh không học lớp này", "the student is not in this class"));
    }
    Ok((teacher, class))
}

/// The nomination of `student` in the school year of `class`, standing or withdrawn.
async fn stored(
    txn: &DatabaseTransaction,
    class: &homeroom_class::Model,
    student: i64,
) -> Result<Option<nomination::Model>, ApiError> {
    Ok(nomination::Entity::find()
        .filter(nomination::Column::StudentId.eq(student))
        .filter(nomination::Column::SchoolYearId.eq(class.school_year_id))
        .one(txn)
        .await?)
}

/// Nominates `entry.student` for Học sinh Tiêu biểu in the year of class `class`, or
/// changes the standing nomination's ground and note; the nomination as stored.
pub async fn nominate(
    db: &DatabaseConnection,
    access: &Access,
    class: i64,
    entry: &Nomination,
    now: DateTime<Utc>,
) -> Result<nomination::Model, ApiError> {
    let (teacher, class) = writable(db, access, class, entry.student).await?;
    check(db, &class, entry).await?;
    let note = entry.note.as_deref().map(str::trim).filter(|note| !note.is_empty()).map(str::to_owned);
    let txn = crate::db::begin_write(db).await?;
    let old = stored(&txn, &class, entry.student).await?;
    let standing = old.as_ref().filter(|row| row.withdrawn_at.is_none());
    if standing.map(|row| row.version) != entry.expected_version {
        return Err(conflict(entry.student));
    }
    let ground = ground_code(entry.ground);
    if let Some(row) = standing
        && (row.ground.as_str(), row.subject_id, &row.note, row.class_id) == (ground, entry.subject, &note, class.id)
    {
        return Ok(row.clone());
    }
    let mut row = nomination::Model {
        id: 0,
        school_id: class.school_id,
        student_id: entry.student,
        class_id: class.id,
        school_year_id: class.school_year_id,
        ground: ground.to_owned(),
        subject_id: entry.subject,
        note,
        version: old.as_ref().map_or(1, |row| row.version + 1),
        updated_by_id: teacher,
        updated_at: now,
        withdrawn_at: None,
    };
    row.id = write(&txn, old.as_ref(), &row).await?;
    let old_value = match standing {
        Some(standing) => Some(shown(&txn, standing).await?),
        None => None,
    };
    let new_value = shown(&txn, &row).await?;
    history(&txn, &row, old_value, new_value, (teacher, now)).await?;
    txn.commit().await?;
    Ok(row)
}

/// Writes `row` over `old` (at its version), or as a new nomination; its id.
async fn write(
    txn: &DatabaseTransaction,
    old: Option<&nomination::Model>,
    row: &nomination::Model,
) -> Result<i64, ApiError> {
    if let Some(old) = old {
        let changes = nomination::Entity::update_many()
            .col_expr(nomination::Column::ClassId, Expr::value(row.class_id))
            .col_expr(nomination::Column::Ground, Expr::value(row.ground.as_str()))
            .col_expr(nomination::Column::SubjectId, Expr::value(row.subject_id))
            .col_expr(nomination::Column::Note, Expr::value(row.note.clone()))
            .col_expr(nomination::Column::WithdrawnAt, Expr::value(None::<DateTime<Utc>>));
        update(txn, old, changes, (row.updated_by_id, row.updated_at)).await?;
        return Ok(old.id);
    }
    let mut active: nomination::ActiveModel = row.clone().into();
    active.id = NotSet;
    match nomination::Entity::insert(active).exec(txn).await {
        Ok(inserted) => Ok(inserted.last_insert_id),
        // Another writer nominated the student first.
        Err(error) if matches!(error.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {
            Err(conflict(row.student_id))
        }
        Err(error) => Err(error.into()),
    }
}

/// Withdraws the standing nomination of `student` by class `class`, read at `version`.
pub async fn withdraw(
    db: &DatabaseConnection,
    access: &Access,
    class: i64,
    student: i64,
    version: i32,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let (teacher, class) = writable(db, access, class, student).await?;
    let txn = crate::db::begin_write(db).await?;
    let Some(row) = stored(&txn, &class, student).await?.filter(|row| row.withdrawn_at.is_none()) else {
        return Err(ApiError::bad_input("học sinh chưa được đề cử", "the student is not nominated"));
    };
    if row.version != version {
        return Err(conflict(student));
    }
    let changes = nomination::Entity::update_many().col_expr(nomination::Column::WithdrawnAt, Expr::value(Some(now)));
    update(&txn, &row, changes, (teacher, now)).await?;
    let old_value = shown(&txn, &row).await?;
    history(&txn, &row, Some(old_value), "Rút đề cử Học sinh Tiêu biểu".to_owned(), (teacher, now)).await?;
    txn.commit().await?;
    Ok(())
}

/// A stale version of `student`'s nomination.
fn conflict(student: i64) -> ApiError {
    ApiError::Conflict { records: vec![RecordRef::student(student)] }
}

/// Applies `changes` to `old` at the version read, with the next version, its author and
/// time; a conflict when the row changed in between.
async fn update(
    txn: &DatabaseTransaction,
    old: &nomination::Model,
    changes: UpdateMany<nomination::Entity>,
    (teacher, now): (i64, DateTime<Utc>),
) -> Result<(), ApiError> {
    let updated = changes
        .col_expr(nomination::Column::Version, Expr::value(old.version + 1))
        .col_expr(nomination::Column::UpdatedById, Expr::value(teacher))
        .col_expr(nomination::Column::UpdatedAt, Expr::value(now))
        .filter(nomination::Column::Id.eq(old.id))
        .filter(nomination::Column::Version.eq(old.version))
        .exec(txn)
        .await?;
    if updated.rows_affected == 1 { Ok(()) } else { Err(conflict(old.student_id)) }
}

/// Keeps one change of a nomination in the books' history.
async fn history(
    txn: &DatabaseTransaction,
    row: &nomination::Model,
    old_value: Option<String>,
    new_value: String,
    (teacher, now): (i64, DateTime<Utc>),
) -> Result<(), ApiError> {
    let change = super::Change {
        kind: "primary_nomination",
        school: row.school_id,
        student: row.student_id,
        record: row.id,
        section: None,
        class: Some(row.class_id),
        old_value,
        new_value: Some(new_value),
    };
    let provenance = Provenance { changed_by: Account::Staff(teacher), approved_by: None, reason: None, now };
    Ok(change.keep(txn, &provenance).await?)
}

/// A nomination as the books write it: `Môn học nổi bật: Toán — note`, `Tiến bộ rõ rệt`.
pub fn describe(row: &nomination::Model, subject: Option<&str>) -> String {
    let mut text = parse_ground(&row.ground).map_or("", |ground| ground.vietnamese()).to_owned();
    if let Some(subject) = subject {
        text.push_str(&format!(": {subject}"));
    }
    if let Some(note) = &row.note {
        text.push_str(&format!(" — {note}"));
    }
    text
}

/// A nomination as the history shows it: `Đề cử Học sinh Tiêu biểu — Môn học nổi bật: Toán`.
async fn shown(txn: &DatabaseTransaction, row: &nomination::Model) -> Result<String, ApiError> {
    let subject = match row.subject_id {
        Some(subject) => subject::Entity::find_by_id(subject).one(txn).await?.map(|subject| subject.name),
        None => None,
    };
    Ok(format!("Đề cử Học sinh Tiêu biểu — {}", describe(row, subject.as_deref())))
}

/// Checks the ground, subject and note of `entry`.
async fn check(db: &DatabaseConnection, class: &homeroom_class::Model, entry: &Nomination) -> Result<(), ApiError> {
    if entry.note.as_ref().is_some_and(|note| note.chars().count() > super::scores::MAX_COMMENT) {
        return Err(ApiError::bad_input("ghi chú quá dài", "the note is too long"));
    }
    match (entry.ground, entry.subject) {
        (Ground::OutstandingSubject, Some(subject)) => {
            let subjects = super::subjects_of(db, class).await?;
            if subjects.iter().any(|(_, taught)| taught.id == subject) {
                Ok(())
            } else {
                Err(ApiError::bad_input("lớp không học môn này", "the class does not take this subject"))
            }
        }
        (Ground::OutstandingSubject, None) => Err(ApiError::bad_input(
            "đề cử vì môn học nổi bật cần nêu môn học",
            "a nomination for an outstanding subject names the subject",
        )),
        (Ground::ClearProgress, Some(_)) => Err(ApiError::bad_input(
            "đề cử vì tiến bộ rõ rệt không nêu môn học",
            "a nomination for clear progress names no subject",
        )),
        (Ground::ClearProgress, None) => Ok(()),
    }
}

/// The standing nominations of `students` in the school year of `class` that the caller may
/// read, by student.
pub async fn standing(
    db: &DatabaseConnection,
    access: &Access,
    class: &homeroom_class::Model,
    students: &[i64],
) -> Result<HashMap<i64, nomination::Model>, ApiError> {
    let which = Condition::all()
        .add(nomination::Column::SchoolYearId.eq(class.school_year_id))
        .add(nomination::Column::StudentId.is_in(students.iter().copied()))
        .add(nomination::Column::WithdrawnAt.is_null());
    let rows = access.read(&readers::PRIMARY_NOMINATION).through(which).all(db).await?;
    Ok(rows.into_iter().map(|row| (row.student_id, row)).collect())
}

/// The record a nomination is, for checks: the student in the class that nominated.
pub fn target(row: &nomination::Model) -> Target {
    Target::student_in_class(row.student_id, row.school_id, row.class_id)
}
