//! Reads from streaming replicas, with read-your-writes: a session records where in the
//! primary's write-ahead log its last write ended (`wrote_lsn`, bytes from the log's start,
//! written after each of its mutations when replicas serve reads), so that its next reads go
//! to a replica only once the replica has replayed that far. SQLite has no replicas; the
//! column stays empty there.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("auth_session")
                    .add_column(ColumnDef::new("wrote_lsn").big_integer().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("auth_session").drop_column("wrote_lsn").to_owned()).await
    }
}
