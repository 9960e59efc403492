//! The writing side of the school books: what teachers, homeroom teachers, principals and
//! guardians record, each write decided by the same privacy layer as reads (the policy's
//! `write`, `approve` and `lock` actions) and kept in the books' history (`record_change`).

use crate::error::ApiError;
use sea_orm::{DatabaseConnection, EntityTrait as _};

pub mod changes;
pub mod columns;
pub mod conduct;
pub mod exemptions;
pub mod leave;
pub mod locks;
pub mod roll_call;
pub mod scores;
pub mod summary;

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
