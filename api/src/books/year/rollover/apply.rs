//! Applying a previewed rollover plan in one transaction: each student's enrollment in the
//! old year's class ends on the old year's last day; the promoted and the kept back start in
//! their new class on the new year's first day; graduates are marked so; every semester of
//! the old year is locked school-wide, so its books stay readable and unchanged.

use super::{Decision, Plan, Which, plan};
use crate::books::locks::{self, school_in_force, staff_account};
use crate::error::ApiError;
use crate::privacy::{Access, readers};
use chrono::{DateTime, Utc};
use emis_authz::Action;
use entity::{StudentStatus, enrollment, semester, student};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait as _, DatabaseConnection, EntityTrait as _, QueryFilter as _};
use std::collections::{BTreeSet, HashMap};

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
/// any other pending student refuses the whole. Nothing is written on refusal.
pub async fn apply(
    db: &DatabaseConnection,
    access: &Access,
    which: Which<'_>,
    decided: &Decided<'_>,
    now: DateTime<Utc>,
) -> Result<Applied, ApiError> {
    let Decided { expected, exclude } = *decided;
    let locker = staff_account(access)?;
    let plan = plan(db, access, Action::Write, which.school, which.years, which.mapping).await?;
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
    let moving: Vec<&super::Entry> = plan.entries.iter().filter(|entry| !exclude.contains(&entry.student)).collect();
    let current = current_enrollments(db, access, &moving).await?;
    let txn = crate::db::begin_write(db).await?;
    for entry in &moving {
        let Some(&enrollment_id) = current.get(&entry.student) else { return Err(changed()) };
        let ended = enrollment::Entity::update_many()
            .col_expr(enrollment::Column::EndsOn, Expr::value(plan.from_year.ends_on))
            .filter(enrollment::Column::Id.eq(enrollment_id))
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

/// Each moving student's open enrollment in the old class, read through the privacy layer.
async fn current_enrollments(
    db: &DatabaseConnection,
    access: &Access,
    moving: &[&super::Entry],
) -> Result<HashMap<i64, i64>, ApiError> {
    let students: Vec<i64> = moving.iter().map(|entry| entry.student).collect();
    let classes: BTreeSet<i64> = moving.iter().map(|entry| entry.from_class.id).collect();
    let rows = access
        .read(&readers::ENROLLMENT)
        .narrow(enrollment::Column::StudentId, |column| column.is_in(students.iter().copied()))
        .narrow(enrollment::Column::ClassId, |column| column.is_in(classes.iter().copied()))
        .narrow(enrollment::Column::EndsOn, |column| column.is_null())
        .all(db)
        .await?;
    let wanted: HashMap<i64, i64> = moving.iter().map(|entry| (entry.student, entry.from_class.id)).collect();
    Ok(rows
        .into_iter()
        .filter(|row| wanted.get(&row.student_id) == Some(&row.class_id))
        .map(|row| (row.student_id, row.id))
        .collect())
}

fn changed() -> ApiError {
    ApiError::bad_input(
        "dữ liệu đã thay đổi từ lần xem trước: hãy xem trước lại rồi duyệt",
        "the data changed since the preview: preview again and review it",
    )
}
