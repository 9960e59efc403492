//! Who a notice reaches beyond the students of a class or school (those are
//! [`super::placed`]): where chosen students are enrolled on a day, the staff working at a
//! school, and the guardians told of a child ([`super::told`]: a notice, a reminder, an
//! absence, scores). Ids only, read after the policy allowed the write that needs them:
//! every row counts, so a notice or a notification reaches everyone it is for, whoever may
//! read the link.

use crate::auth::principal::active_on;
use chrono::NaiveDate;
use entity::{AccessStatus, StaffStatus, enrollment, guardianship, staff};
use sea_orm::{ColumnTrait as _, ConnectionTrait, DbErr, EntityTrait as _, QueryFilter as _, QuerySelect as _};

/// Where each of `students` is enrolled on `date`: (student, school, class), one per student
/// (the smallest class when a move that day overlaps), sorted by student; a student enrolled
/// nowhere is left out.
pub async fn placements(
    db: &impl ConnectionTrait,
    students: &[i64],
    date: NaiveDate,
) -> Result<Vec<(i64, i64, i64)>, DbErr> {
    let mut placed: Vec<(i64, i64, i64)> = enrollment::Entity::find()
        .select_only()
        .columns([enrollment::Column::StudentId, enrollment::Column::SchoolId, enrollment::Column::ClassId])
        .filter(enrollment::Column::StudentId.is_in(students.iter().copied()))
        .filter(active_on(enrollment::Column::StartsOn, enrollment::Column::EndsOn, date))
        .into_tuple()
        .all(db)
        .await?;
    placed.sort_unstable();
    placed.dedup_by_key(|(student, _, _)| *student);
    Ok(placed)
}

/// The staff members working at `school` (active, employed there), by id.
pub async fn staff_of(db: &impl ConnectionTrait, school: i64) -> Result<Vec<i64>, DbErr> {
    staff::Entity::find()
        .select_only()
        .column(staff::Column::Id)
        .filter(staff::Column::SchoolId.eq(school))
        .filter(staff::Column::Status.eq(StaffStatus::Active.as_str()))
        .into_tuple()
        .all(db)
        .await
}

/// The active, unrestricted guardians of each of `students` on `date`: (guardian, student).
pub async fn guardians_of(
    db: &impl ConnectionTrait,
    students: &[i64],
    date: NaiveDate,
) -> Result<Vec<(i64, i64)>, DbErr> {
    guardianship::Entity::find()
        .select_only()
        .columns([guardianship::Column::GuardianId, guardianship::Column::StudentId])
        .filter(guardianship::Column::StudentId.is_in(students.iter().copied()))
        .filter(guardianship::Column::AccessStatus.eq(AccessStatus::Active.as_str()))
        .filter(active_on(guardianship::Column::StartsOn, guardianship::Column::EndsOn, date))
        .into_tuple()
        .all(db)
        .await
}
