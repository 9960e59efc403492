//! `policy_change`: one attempt to change the running privacy policy, and what became of it.

use sea_orm::entity::prelude::*;

/// `outcome` is `applied`, `held` (a new sensitive grant waiting for the privacy officer's
/// confirmation) or `refused` (invalid, or a case failed); `diff` is JSON with the grants
/// and lines added and removed; the texts are those of the version it would run.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "policy_change")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    pub outcome: String,
    pub previous_version: String,
    pub version: String,
    pub confirmed_by: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub diff: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub reason: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub model_text: String,
    #[sea_orm(column_type = "Text")]
    pub policy_text: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
