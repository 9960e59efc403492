//! The `sourcedId`s the objects' references name, looked up a page at a time: of
//! organisations (reference data, names of places) and of students (through the student
//! reader, so a reference names a student only as far as the caller may read them); and the
//! rows of reference tables (subjects, classes, semesters) a page's records name, by id.

use super::Asked;
use super::reply::Refusal;
use crate::privacy::readers;
use entity::{org, student};
use sea_orm::{ColumnTrait as _, EntityTrait, QueryFilter as _};
use std::collections::HashMap;

/// The `sourcedId` of each organisation of `ids`.
pub async fn org_ids(asked: &Asked, ids: impl IntoIterator<Item = i64>) -> Result<HashMap<i64, String>, Refusal> {
    let rows = org::Entity::find().filter(org::Column::Id.is_in(ids)).all(&asked.state.db).await?;
    Ok(rows.into_iter().map(|row| (row.id, row.external_id)).collect())
}

/// The `sourcedId` of each of the students `ids` the caller may read.
pub async fn student_ids(asked: &Asked, ids: impl IntoIterator<Item = i64>) -> Result<HashMap<i64, String>, Refusal> {
    let rows = asked
        .access
        .read(&readers::STUDENT)
        .narrow(student::Column::Id, |column| column.is_in(ids))
        .all(&asked.state.db)
        .await?;
    Ok(rows.into_iter().map(|row| (row.id, row.external_id)).collect())
}

/// The rows of `E` whose `column` is one of `ids`, by the id `key` gives: for the names a
/// page's records refer to (never a person's data, which is read through its reader).
pub async fn rows_by_id<E: EntityTrait>(
    asked: &Asked,
    column: E::Column,
    ids: impl IntoIterator<Item = i64>,
    key: fn(&E::Model) -> i64,
) -> Result<HashMap<i64, E::Model>, Refusal> {
    let rows = E::find().filter(column.is_in(ids)).all(&asked.state.db).await?;
    Ok(rows.into_iter().map(|row| (key(&row), row)).collect())
}
