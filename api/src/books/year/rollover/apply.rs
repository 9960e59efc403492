//! Applying a previewed rollover plan in one transaction: each student's enrollment in the
//! old year's class ends on the old year's last day; the promoted and the kept back start in
//! their new class on the new year's first day; graduates are marked so; every semester of
//! the old year is locked school-wide, so its books stay readable and unchanged.
//!
//! The plan is worked out again, and compared with the previewed digest, while the
//! transaction holds off every writer of what the plan is made of (on SQLite the write lock
//! taken at `BEGIN`; on PostgreSQL the tables' `SHARE ROW EXCLUSIVE` locks): a mark, rating,
//! absence or enrollment written after the preview is either seen by the recomputation, and
//! a changed decision refuses the rollover, or waits until the rollover has committed and
//! the books are locked.

use super::{Decision, Plan, Which, plan};
use crate::books::locks::{self, school_in_force, staff_account};
use crate::books::year::classes::reach_school;
use crate::error::ApiError;
use crate::privacy::Access;
use chrono::{DateTime, Utc};
use emis_authz::{Action, Kind};
use entity::{StudentStatus, enrollment, semester, student};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait as _, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, EntityTrait as _, QueryFilter as _,
};
use std::collections::BTreeSet;

/// The tables a plan is worked out from (and the rollover writes): who is in which class,
/// the books' columns, marks, ratings, conduct, absences and exemptions, and the locks.
const PLAN_TABLES: &str = "book_lock, homeroom_class, section, enrollment, student, assessment, result, \
                           primary_evaluation, conduct, attendance, exemption";

/// What the principal decided on a previewed plan: its digest, and the students to leave
/// where they are.
#[derive(Clone, Copy, Debug)]
pub struct Decided<'a> {
    pub expected: &'a str,
    pub exclude: &'a BTreeSet<i64>,
}

/// What a rollover did.
#[derive(Debug)]
pub struct Applied {
    /// The plan carried out.
    pub plan: Plan,
    /// Students left where they are, as asked.
    pub excluded: BTreeSet<i64>,
    /// Semesters of the old year locked by the rollover (not those locked before).
    pub locked: Vec<i64>,
}

/// Carries out the plan of rollover `which` (the policy's `rollover`/`write`), when its
/// digest is the one `decided` expects; the students it excludes stay where they are, and
/// any other pending student refuses the whole. Nothing is written on refusal. The plan is
/// worked out inside the transaction, with the writers of its data held off until it ends.
pub async fn apply(
    db: &DatabaseConnection,
    access: &Access,
    which: Which<'_>,
    decided: &Decided<'_>,
    now: DateTime<Utc>,
) -> Result<Applied, ApiError> {
    let Decided { expected, exclude } = *decided;
    let locker = staff_account(access)?;
    // The policy decides before anyone waits: a school out of reach never holds writers off.
    reach_school(db, access, which.school, Kind::Rollover, Action::Write).await?;
    let txn = crate::db::begin_write(db).await?;
    hold_off_writers(&txn).await?;
    // Read through the pool: no writer can commit while `txn` holds them off, so these reads
    // see exactly the data the transaction writes over.
    let plan = plan(db, access, Action::Write, which).await?;
    if plan.digest != expected.trim() {
        return Err(changed());
    }
    let planned: BTreeSet<i64> = plan.entries.iter().map(|entry| entry.student).collect();
    if !exclude.is_subset(&planned) {
        return Err(ApiError::bad_input(
            "chỉ loại ra được học sinh có trong bản xem trước",
            "only students of the preview can be left out",
        ));
    }
    let pending = plan
        .entries
        .iter()
        .filter(|entry| entry.decision == Decision::Pending && !exclude.contains(&entry.student))
        .count();
    if pending > 0 {
        return Err(ApiError::bad_input(
            format!("còn {pending} học sinh chưa xét xong: hãy hoàn tất hoặc loại ra"),
            format!("{pending} students are still pending: complete their results or leave them out"),
        ));
    }
    let moving = plan.entries.iter().filter(|entry| !exclude.contains(&entry.student));
    for entry in moving {
        let ended = enrollment::Entity::update_many()
            .col_expr(enrollment::Column::EndsOn, Expr::value(plan.from_year.ends_on))
            .filter(enrollment::Column::Id.eq(entry.enrollment))
            .filter(enrollment::Column::EndsOn.is_null())
            .exec(&txn)
            .await?;
        if ended.rows_affected != 1 {
            return Err(changed());
        }
        if let Some(to) = &entry.to_class {
            let row = enrollment::ActiveModel {
                external_id: Set(None),
                school_id: Set(plan.school.id),
                student_id: Set(entry.student),
                class_id: Set(to.id),
                starts_on: Set(plan.to_year.starts_on),
                ends_on: Set(None),
                ..Default::default()
            };
            enrollment::Entity::insert(row).exec(&txn).await?;
        } else if entry.decision == Decision::Graduate {
            student::Entity::update_many()
                .col_expr(student::Column::Status, Expr::value(StudentStatus::Graduated.as_str()))
                .filter(student::Column::Id.eq(entry.student))
                .exec(&txn)
                .await?;
        }
    }
    let semesters =
        semester::Entity::find().filter(semester::Column::SchoolYearId.eq(plan.from_year.id)).all(&txn).await?;
    let mut locked = Vec::new();
    for term in semesters {
        if school_in_force(&txn, plan.school.id, term.id).await?.is_some() {
            continue;
        }
        locks::insert(&txn, (plan.school.id, None), term.id, locker, now).await?;
        locked.push(term.id);
    }
    txn.commit().await?;
    Ok(Applied { plan, excluded: exclude.clone(), locked })
}

/// Holds off, until `txn` ends, every other writer of the tables a plan is worked out from.
/// SQLite's `BEGIN IMMEDIATE` already holds the database's one write lock; PostgreSQL takes
/// the tables' `SHARE ROW EXCLUSIVE` locks, which let reads through and make writers (and a
/// second rollover) wait.
async fn hold_off_writers(txn: &DatabaseTransaction) -> Result<(), DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared(&format!("LOCK TABLE {PLAN_TABLES} IN SHARE ROW EXCLUSIVE MODE")).await?;
    }
    Ok(())
}

fn changed() -> ApiError {
    ApiError::bad_input(
        "dữ liệu đã thay đổi từ lần xem trước: hãy xem trước lại rồi duyệt",
        "the data changed since the preview: preview again and review it",
    )
}
