//! The new results of columns an import created, gathered in a temporary table without
//! indexes and written into `result` by one `INSERT … SELECT` at the end; and the multi-row
//! inserts of the new results of stored columns, their ids left to the database.

use super::{COLUMNS, STAGING};
use anyhow::Context as _;
use entity::result;
use sea_orm::{
    ActiveValue::NotSet, ConnectionTrait as _, DatabaseTransaction, DbBackend, EntityTrait as _, IdenStatic as _,
    IntoActiveModel as _, ModelTrait as _, QueryTrait as _, Statement, sea_query,
};

/// Multi-row inserts of new results into the staging table.
pub(super) fn staged_inserts(backend: DbBackend, rows: &[result::Model]) -> Vec<Statement> {
    rows.chunks(crate::db::INSERT_BATCH_ROWS)
        .map(|chunk| {
            let mut insert = sea_query::Query::insert();
            insert.into_table(STAGING).columns(COLUMNS);
            for row in chunk {
                let values = COLUMNS.map(|column| row.get(column).into());
                insert.values_panic(values);
            }
            backend.build(&insert)
        })
        .collect()
}

/// Multi-row inserts of new results into `result`, their ids left to the database.
pub(super) fn inserts(backend: DbBackend, rows: Vec<result::Model>) -> Vec<Statement> {
    let mut rows = rows.into_iter().peekable();
    let mut statements = Vec::new();
    while rows.peek().is_some() {
        let chunk = rows.by_ref().take(crate::db::INSERT_BATCH_ROWS).map(|row| {
            let mut row = row.into_active_model();
            row.id = NotSet;
            row
        });
        statements.push(result::Entity::insert_many(chunk.collect::<Vec<_>>()).build(backend));
    }
    statements
}

/// Creates the staging table, the columns of `result` a new result is given, no index.
pub(super) async fn create_staging(txn: &DatabaseTransaction) -> anyhow::Result<()> {
    let sql = format!(
        "CREATE TEMPORARY TABLE {STAGING} (external_id TEXT, school_id BIGINT, section_id BIGINT, \
         assessment_id BIGINT, semester_id BIGINT, student_id BIGINT, score_tenths SMALLINT, passed BOOLEAN, \
         no_make_up BOOLEAN, exempt BOOLEAN, comment TEXT, version INTEGER, updated_at TIMESTAMPTZ)"
    );
    txn.execute_unprepared(&sql).await.context("creating the results' staging table")?;
    Ok(())
}

/// Writes the staged results into `result` in one statement and drops the staging table.
pub(super) async fn write_staged(txn: &DatabaseTransaction) -> anyhow::Result<()> {
    let columns = COLUMNS.map(|column| column.as_str()).join(", ");
    let sql = format!("INSERT INTO result ({columns}) SELECT {columns} FROM {STAGING}");
    txn.execute_unprepared(&sql).await.context("inserting into result")?;
    txn.execute_unprepared(&format!("DROP TABLE {STAGING}")).await.context("dropping the results' staging table")?;
    Ok(())
}
