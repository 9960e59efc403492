//! Writing a whole checked call in one transaction: each entry at the version its client
//! read, stored results changed together in one statement, and nothing at all when any
//! entry conflicts. The guardians of the students whose scores changed are told in the same
//! transaction.

use super::apply::{change_row, keep, stored};
use super::entries::Checked;
use super::{Applied, Mark, Provenance, Recorded, apply};
use crate::books::told;
use crate::error::{ApiError, RecordRef};
use crate::privacy::Access;
use chrono::{DateTime, Utc};
use emis_authz::Action;
use entity::{assessment, result, section};
use sea_orm::sea_query::{CaseStatement, Expr, ExprTrait as _};
use sea_orm::{ColumnTrait as _, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait as _, QueryFilter as _};

/// Writes the new marks of stored results (locked by [`stored`]) in one statement: each
/// row's values chosen by its id, its version raised by one.
async fn update_stored(
    txn: &DatabaseTransaction,
    rows: &[(&result::Model, &Mark)],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if rows.is_empty() {
        return Ok(());
    }
    let by_id = |value: fn(&Mark) -> sea_orm::Value, column: result::Column| {
        let case = rows.iter().fold(CaseStatement::new(), |case, (old, mark)| {
            case.case(result::Column::Id.eq(old.id), Expr::value(value(mark)))
        });
        case.finally(Expr::col(column))
    };
    result::Entity::update_many()
        .col_expr(
            result::Column::ScoreTenths,
            by_id(|mark| mark.score_tenths.into(), result::Column::ScoreTenths).into(),
        )
        .col_expr(result::Column::Passed, by_id(|mark| mark.passed.into(), result::Column::Passed).into())
        .col_expr(result::Column::Comment, by_id(|mark| mark.comment.clone().into(), result::Column::Comment).into())
        .col_expr(result::Column::Version, Expr::col(result::Column::Version).add(1))
        .col_expr(result::Column::UpdatedAt, Expr::value(now))
        .filter(result::Column::Id.is_in(rows.iter().map(|(old, _)| old.id)))
        .exec(txn)
        .await?;
    Ok(())
}

/// Writes the checked entries in one transaction, each at the version its client read.
pub(super) async fn write(
    db: &DatabaseConnection,
    access: &Access,
    column: &assessment::Model,
    section: &section::Model,
    checked: &[Checked<'_>],
    provenance: &Provenance,
) -> Result<Recorded, ApiError> {
    let txn = crate::db::begin_write(db).await?;
    if crate::books::locks::in_force_for_write(&txn, section.school_id, Some(section.id), column.semester_id)
        .await?
        .is_some()
    {
        return Err(ApiError::Locked);
    }
    let students = checked.iter().map(|entry| entry.entry.student);
    let stored = stored(&txn, access, Action::Write, column.id, students).await?;
    let mut conflicts = Vec::new();
    let mut recorded = Recorded::default();
    let mut changes = Vec::new();
    let mut updates = Vec::new();
    let mut changed_students = Vec::new();
    for entry in checked {
        let student = entry.entry.student;
        let old = stored.get(&student);
        if let Some(old) = old.filter(|old| Some(old.version) == entry.entry.expected_version) {
            // A stored result, at the version read: changed with the others in one statement.
            if Mark::of(old) != entry.mark {
                changed_students.push(student);
                updates.push((old, &entry.mark));
                changes.push(change_row(section, student, old.id, Some(old), &entry.mark, provenance));
            }
            continue;
        }
        match apply(&txn, column, section, student, old, &entry.mark, entry.entry.expected_version, provenance).await? {
            Applied::Unchanged => {}
            Applied::Changed(change) => {
                changed_students.push(student);
                recorded.changed += 1;
                changes.push(*change);
            }
            Applied::Conflict => conflicts.push(RecordRef::student(student)),
            Applied::Raced => {
                conflicts.push(RecordRef::student(student));
                break;
            }
        }
    }
    if !conflicts.is_empty() {
        txn.rollback().await?;
        return Err(ApiError::Conflict { records: conflicts });
    }
    update_stored(&txn, &updates, provenance.now).await?;
    recorded.changed += updates.len();
    keep(&txn, changes).await?;
    tell_guardians(&txn, section, &changed_students, provenance.now).await?;
    txn.commit().await?;
    Ok(recorded)
}

/// Tells each active guardian of each of `students` that scores of theirs in `section` were
/// recorded (a `score` notification, never urgent): one per call, however many columns.
async fn tell_guardians(
    txn: &DatabaseTransaction,
    section: &section::Model,
    students: &[i64],
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    if students.is_empty() {
        return Ok(0);
    }
    let today = crate::clock::date_in_vietnam(now);
    let guardians = crate::books::recipients::guardians_of(txn, students, today).await?;
    let refers = told::Refers { section: Some(section.id), ..told::Refers::default() };
    let rows = guardians
        .into_iter()
        .map(|(guardian, student)| {
            let about = told::About { student, school: section.school_id, class: section.class_id };
            told::row(guardian, about, told::SCORE, refers, false, today, now)
        })
        .collect();
    told::write(txn, rows).await
}
