//! `auth_session_retired`: the refresh tokens (their hashes) that a session has rotated out,
//! so that one used again is recognised as reuse and ends the session it came from.

use sea_orm::entity::prelude::*;

/// One rotated-out refresh token.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "auth_session_retired")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub refresh_hash: String,
    pub session_id: i64,
    pub retired_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
