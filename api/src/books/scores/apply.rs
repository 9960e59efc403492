//! Writing one student's result: at the version the client read, or not at all, with the
//! history row of the change — the step that recorded calls and approved requests share.

use super::Mark;
use crate::auth::principal::Account;
use crate::error::ApiError;
use crate::privacy::{Access, readers};
use chrono::{DateTime, Utc};
use emis_authz::Action;
use entity::{assessment, record_change, result, section};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait as _, DatabaseTransaction, DbErr, EntityTrait as _, QueryFilter as _};
use std::collections::HashMap;

/// Who a change is made by, and on what authority, for the history.
pub struct Provenance {
    /// The account that made the change (for an approved request: who asked for it).
    pub changed_by: Account,
    /// The principal who approved a change to a locked book.
    pub approved_by: Option<i64>,
    pub reason: Option<String>,
    pub now: DateTime<Utc>,
}

/// How applying one mark ended.
#[derive(Debug)]
pub enum Applied {
    /// The stored result already holds the mark.
    Unchanged,
    /// Created or changed: the history row to keep for it (see [`keep`]).
    Changed(Box<record_change::ActiveModel>),
    /// The stored result is not at the version the client read.
    Conflict,
    /// Another writer created the result first; on PostgreSQL the transaction is aborted, so
    /// the caller must stop and roll back.
    Raced,
}

/// The stored results of `students` in `column`, by student, each one the caller may
/// `action` (write for a recorded call or a request, approve for an approved request);
/// [`ApiError::NotPermitted`] when the policy hides one. Locked until the transaction ends
/// (PostgreSQL `FOR UPDATE`; a SQLite write transaction holds the whole database), so the
/// versions read stay the versions written over.
pub async fn stored(
    txn: &DatabaseTransaction,
    access: &Access,
    action: Action,
    column: i64,
    students: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, result::Model>, ApiError> {
    let rows = access
        .rows_for(action, &readers::RESULT)
        .narrow(result::Column::AssessmentId, |stored| stored.eq(column))
        .narrow(result::Column::StudentId, |stored| stored.is_in(students))
        .locked()
        .every(txn)
        .await?;
    Ok(rows.into_iter().map(|row| (row.student_id, row)).collect())
}

/// Writes `mark` as `student`'s result in `column` over `old` (read in this transaction),
/// only if that is at `expected` (`None`: there is none yet); the change's history row is
/// returned, for the caller to [`keep`] with the others of its transaction.
#[allow(clippy::too_many_arguments)]
pub async fn apply(
    txn: &DatabaseTransaction,
    column: &assessment::Model,
    section: &section::Model,
    student: i64,
    old: Option<&result::Model>,
    mark: &Mark,
    expected: Option<i32>,
    provenance: &Provenance,
) -> Result<Applied, DbErr> {
    if old.map(|old| old.version) != expected {
        return Ok(Applied::Conflict);
    }
    if old.is_some_and(|old| Mark::of(old) == *mark) {
        return Ok(Applied::Unchanged);
    }
    let record_id = match old {
        Some(old) => {
            // Changed only at the version read: a concurrent change makes this miss.
            let updated = result::Entity::update_many()
                .col_expr(result::Column::ScoreTenths, Expr::value(mark.score_tenths))
                .col_expr(result::Column::Passed, Expr::value(mark.passed))
                .col_expr(result::Column::NoMakeUp, Expr::value(mark.no_make_up))
                .col_expr(result::Column::Exempt, Expr::value(mark.exempt))
                .col_expr(result::Column::Comment, Expr::value(mark.comment.clone()))
                .col_expr(result::Column::Version, Expr::value(old.version + 1))
                .col_expr(result::Column::UpdatedAt, Expr::value(provenance.now))
                .filter(result::Column::Id.eq(old.id))
                .filter(result::Column::Version.eq(old.version))
                .exec(txn)
                .await?;
            if updated.rows_affected != 1 {
                return Ok(Applied::Conflict);
            }
            old.id
        }
        None => {
            let row = result::ActiveModel {
                external_id: Set(None),
                school_id: Set(column.school_id),
                section_id: Set(column.section_id),
                assessment_id: Set(column.id),
                semester_id: Set(column.semester_id),
                student_id: Set(student),
                score_tenths: Set(mark.score_tenths),
                passed: Set(mark.passed),
                no_make_up: Set(mark.no_make_up),
                exempt: Set(mark.exempt),
                comment: Set(mark.comment.clone()),
                version: Set(1),
                updated_at: Set(provenance.now),
                ..Default::default()
            };
            match result::Entity::insert(row).exec(txn).await {
                Ok(inserted) => inserted.last_insert_id,
                // Another device created it first (one result per student and column).
                Err(error) if crate::db::is_unique_violation(&error) => return Ok(Applied::Raced),
                Err(error) => return Err(error),
            }
        }
    };
    Ok(Applied::Changed(Box::new(change_row(section, student, record_id, old, mark, provenance))))
}

/// The history row of `student`'s result `record_id` changing from `old` to `mark`.
pub(super) fn change_row(
    section: &section::Model,
    student: i64,
    record_id: i64,
    old: Option<&result::Model>,
    mark: &Mark,
    provenance: &Provenance,
) -> record_change::ActiveModel {
    crate::books::Change {
        kind: "result",
        school: section.school_id,
        student,
        record: record_id,
        section: Some(section.id),
        class: Some(section.class_id),
        old_value: old.map(|old| Mark::of(old).shown()),
        new_value: Some(mark.shown()),
    }
    .row(provenance)
}

/// Keeps the history rows of one transaction's changes, in one statement.
pub async fn keep(txn: &DatabaseTransaction, changes: Vec<record_change::ActiveModel>) -> Result<(), DbErr> {
    if !changes.is_empty() {
        record_change::Entity::insert_many(changes).exec(txn).await?;
    }
    Ok(())
}
