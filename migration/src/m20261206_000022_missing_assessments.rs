//! Missing assessments (Circular 22 art. 6–7): an assessment column counts once it has been
//! held — it holds a result, or its teacher marked it `held` — and a student without a
//! result in a held column owes a make-up until the book is locked or the teacher records
//! that there will be none: a result with `no_make_up` set and no value, which counts as 0
//! (Chưa đạt).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::boolean;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let held = boolean("held").default(false).to_owned();
        manager.alter_table(Table::alter().table("assessment").add_column(held).to_owned()).await?;
        let no_make_up = boolean("no_make_up").default(false).to_owned();
        manager.alter_table(Table::alter().table("result").add_column(no_make_up).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("result").drop_column("no_make_up").to_owned()).await?;
        manager.alter_table(Table::alter().table("assessment").drop_column("held").to_owned()).await
    }
}
