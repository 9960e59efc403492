//! `notice_version`: an earlier wording of an edited notice — its title, body and expiry as
//! they were until `edited_at`, when `edited_by_id` changed them.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notice_version")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub notice_id: i64,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub expires_at: Option<DateTimeUtc>,
    /// When this wording was replaced.
    pub edited_at: DateTimeUtc,
    /// The staff member who replaced it.
    pub edited_by_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
