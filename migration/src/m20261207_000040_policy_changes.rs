//! The record of the policy's changes. Each attempt to change the running policy (at start,
//! or when the files change) is a `policy_change`: when, the version before and after, what
//! became of it (`applied`, `held` until the privacy officer confirms it, or `refused`), who
//! confirmed it, the grants and lines added and removed (as JSON) and the texts of the model
//! and the policy it would run. Several instances report the same change once: an outcome
//! is recorded once per change from one version to another. Each disclosure entry names the policy version its reader
//! was judged under (`disclosure_log.policy_version`).

use crate::columns::{create_all, id, index};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{string, string_null, text, text_null, timestamp_with_time_zone};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            Table::create()
                .table("policy_change")
                .col(id())
                .col(timestamp_with_time_zone("at"))
                .col(string("outcome"))
                .col(string("previous_version"))
                .col(string("version"))
                .col(string_null("confirmed_by"))
                // {"grants": {"added": [...], "removed": [...]}, "lines": {...}}
                .col(text("diff"))
                .col(text_null("reason"))
                .col(text("model_text"))
                .col(text("policy_text"))
                .take(),
        ];
        let indexes = vec![index("policy_change", &["previous_version", "version", "outcome"], true)];
        create_all(manager, tables, indexes).await?;
        manager
            .alter_table(Table::alter().table("disclosure_log").add_column(string_null("policy_version")).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("disclosure_log").drop_column("policy_version").to_owned()).await?;
        manager.drop_table(Table::drop().table("policy_change").to_owned()).await
    }
}
