//! The book's checkpoints (mid_1, end_1, mid_2, end_year): their codes, and the semester
//! each falls in.

use crate::error::ApiError;
use emis_rules::primary::Checkpoint;
use entity::semester;
use sea_orm::{ColumnTrait as _, DatabaseConnection, EntityTrait as _, QueryFilter as _};

/// A checkpoint's name on the API and in the database.
pub fn checkpoint_code(checkpoint: Checkpoint) -> &'static str {
    match checkpoint {
        Checkpoint::MidSemesterOne => "mid_1",
        Checkpoint::EndSemesterOne => "end_1",
        Checkpoint::MidSemesterTwo => "mid_2",
        Checkpoint::EndOfYear => "end_year",
    }
}

/// The checkpoint named `code`.
pub fn parse_checkpoint(code: &str) -> Result<Checkpoint, ApiError> {
    [Checkpoint::MidSemesterOne, Checkpoint::EndSemesterOne, Checkpoint::MidSemesterTwo, Checkpoint::EndOfYear]
        .into_iter()
        .find(|checkpoint| checkpoint_code(*checkpoint) == code)
        .ok_or_else(|| {
            ApiError::bad_input(
                "thời điểm không hợp lệ (mid_1, end_1, mid_2, end_year)",
                "unknown checkpoint (mid_1, end_1, mid_2, end_year)",
            )
        })
}

/// The number of the semester (1 or 2) a checkpoint falls in.
pub fn semester_number(checkpoint: Checkpoint) -> i16 {
    if checkpoint <= Checkpoint::EndSemesterOne { 1 } else { 2 }
}

/// The semester a checkpoint falls in, for locks.
pub(in crate::books) async fn semester_of(
    db: &DatabaseConnection,
    year: i64,
    checkpoint: Checkpoint,
) -> Result<Option<i64>, ApiError> {
    let number = semester_number(checkpoint);
    Ok(semester::Entity::find()
        .filter(semester::Column::SchoolYearId.eq(year))
        .filter(semester::Column::Number.eq(number))
        .one(db)
        .await?
        .map(|semester| semester.id))
}
