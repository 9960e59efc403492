//! The `sourcedId`s the objects' references name, looked up a page at a time: of
//! organisations (reference data, names of places) and of students (through the student
//! reader, so a reference names a student only as far as the caller may read them); and the
//! rows of reference tables (subjects, classes, semesters) a page's records name, by id; and
//! the data keys of a page's sealed values, loaded in one go.

use super::Asked;
use super::reply::Refusal;
use crate::privacy::{Reader, readers};
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
    readable_ids(asked, &readers::STUDENT, student::Column::Id, ids, |row| (row.id, row.external_id.clone())).await
}

/// The `sourcedId` of each of the rows `ids` (of `column`) of `reader`'s table that the
/// caller may read, as `named` gives them (id, `sourcedId`).
pub async fn readable_ids<E>(
    asked: &Asked,
    reader: &'static Reader<E>,
    column: E::Column,
    ids: impl IntoIterator<Item = i64>,
    named: fn(&E::Model) -> (i64, String),
) -> Result<HashMap<i64, String>, Refusal>
where
    E: EntityTrait,
    E::Model: Send + Sync,
{
    let rows = asked.access.read(reader).narrow(column, |column| column.is_in(ids)).all(&asked.state.db).await?;
    Ok(rows.iter().map(named).collect())
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

/// Loads the data keys of the sealed values `sealed` (of a page's rows) in one go, so each
/// value the caller may read opens without a statement of its own; nothing is opened here.
pub async fn preload_keys(asked: &Asked, sealed: &[&Vec<u8>]) -> Result<(), Refusal> {
    let keys: Vec<u64> = sealed.iter().filter_map(|value| crate::vault::Vault::key_id_of(value)).collect();
    asked.state.vault.preload(&asked.state.db, keys).await.map_err(|_| Refusal::unavailable())
}
