//! Conduct changed after a lock: a change request may now ask for a conduct level (the
//! homeroom teacher's, with a reason), kept in `level` and applied on the principal's
//! approval like a score.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::string_null;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("change_request").add_column(string_null("level")).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("change_request").drop_column("level").to_owned()).await
    }
}
