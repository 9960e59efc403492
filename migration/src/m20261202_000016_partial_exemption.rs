//! Partial exemptions (miễn một phần): an exemption may cover only part of a subject — for
//! instance the running in physical education — named in `part`. The student is then still
//! assessed in the subject, on the rest of it, and the subject still counts.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::text_null;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("exemption").add_column(text_null("part")).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("exemption").drop_column("part").to_owned()).await
    }
}
