//! `notification_channel`: how a guardian wants to be told of one kind of notification
//! outside the app — `push`, `sms` (used only for what the school marks urgent) or `none`.
//! No row means the default, `push`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notification_channel")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub guardian_id: i64,
    /// `absence` | `notice` | `message` | `score`.
    pub kind: String,
    /// `push` | `sms` | `none`.
    pub channel: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
