//! What carrying out a data-subject request leaves behind. A completed `restriction` stands
//! until it is lifted (`lifted_at`); a completed `deletion` keeps the report of what was
//! erased and what was kept, and why (`carried_out`, JSON). The index serves the sub-select
//! of the children whose restriction stands.

use crate::columns::index;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{text_null, timestamp_with_time_zone_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let alter = |column: ColumnDef| Table::alter().table("subject_request").add_column(column).to_owned();
        manager.alter_table(alter(timestamp_with_time_zone_null("lifted_at"))).await?;
        manager.alter_table(alter(text_null("carried_out"))).await?;
        manager.create_index(index("subject_request", &["kind", "status", "student_id"], false)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let drop = |column: &str| Table::alter().table("subject_request").drop_column(column.to_owned()).to_owned();
        manager.alter_table(drop("carried_out")).await?;
        manager.alter_table(drop("lifted_at")).await
    }
}
