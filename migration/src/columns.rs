//! Small builders for the column shapes that recur in every migration.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, big_integer_null, big_pk_auto};

/// `id BIGINT PRIMARY KEY` with auto-increment.
pub fn id() -> ColumnDef {
    big_pk_auto("id")
}

/// A non-null reference column.
pub fn reference(name: &'static str) -> ColumnDef {
    big_integer(name)
}

/// A nullable reference column.
pub fn reference_null(name: &'static str) -> ColumnDef {
    big_integer_null(name)
}

/// A foreign key from `table.column` to `target.id`.
pub fn foreign(table: &'static str, column: &'static str, target: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(target, "id")
        .on_delete(ForeignKeyAction::Restrict)
        .take()
}

/// A (possibly unique) index over the given columns.
pub fn index(table: &'static str, columns: &[&'static str], unique: bool) -> IndexCreateStatement {
    let mut statement = Index::create();
    statement.name(format!("ix_{table}_{}", columns.join("_"))).table(table);
    for column in columns {
        statement.col(*column);
    }
    if unique {
        statement.unique();
    }
    statement.take()
}

/// Creates each table, then each index, in order.
pub async fn create_all(
    manager: &SchemaManager<'_>,
    tables: Vec<TableCreateStatement>,
    indexes: Vec<IndexCreateStatement>,
) -> Result<(), DbErr> {
    for table in tables {
        manager.create_table(table).await?;
    }
    for index in indexes {
        manager.create_index(index).await?;
    }
    Ok(())
}
