//! The writing side of the school books: what teachers, homeroom teachers, principals and
//! guardians record, each write decided by the same privacy layer as reads (the policy's
//! `write`, `approve` and `lock` actions) and kept in the books' history (`record_change`).

use crate::auth::principal::active_on;
use crate::error::ApiError;
use chrono::NaiveDate;
use entity::enrollment;
use sea_orm::{ColumnTrait as _, DatabaseConnection, DbErr, EntityTrait as _, QueryFilter as _, QuerySelect as _};
use std::collections::BTreeSet;

pub mod changes;
pub mod columns;
pub mod conduct;
pub mod exemptions;
pub mod leave;
pub mod locks;
pub mod roll_call;
pub mod scores;
pub mod summary;

/// The students enrolled in `class` on `date` — of `among` only, when given.
pub(crate) async fn enrolled(
    db: &DatabaseConnection,
    class: i64,
    date: NaiveDate,
    among: Option<&[i64]>,
) -> Result<BTreeSet<i64>, DbErr> {
    let mut select = enrollment::Entity::find()
        .select_only()
        .column(enrollment::Column::StudentId)
        .filter(enrollment::Column::ClassId.eq(class))
        .filter(active_on(enrollment::Column::StartsOn, enrollment::Column::EndsOn, date));
    if let Some(among) = among {
        select = select.filter(enrollment::Column::StudentId.is_in(among.iter().copied()));
    }
    let students: Vec<i64> = select.into_tuple().all(db).await?;
    Ok(students.into_iter().collect())
}

/// Refuses a semester that is not one of school year `year`'s.
pub(crate) async fn semester_in_year(db: &DatabaseConnection, semester: i64, year: i64) -> Result<(), ApiError> {
    let found = entity::semester::Entity::find_by_id(semester).one(db).await?;
    if found.is_none_or(|row| row.school_year_id != year) {
        return Err(ApiError::bad_input(
            "học kỳ không thuộc năm học của lớp",
            "the semester is not in the class's year",
        ));
    }
    Ok(())
}
