//! `account_event`: the audit of what was done to an account — codes issued, activations,
//! password changes and resets, access reset by a clerk, refused attempts — with who did it
//! and when. Never a code or a password.

use sea_orm::entity::prelude::*;

/// One step taken on an account.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_kind: String,
    pub account_id: i64,
    /// `code_issued`, `activated`, `password_changed`, `reset_requested`, `reset_done`,
    /// `access_reset` or `refused`.
    pub event: String,
    /// What the event concerned (a code's purpose and delivery, why it was refused).
    pub detail: Option<String>,
    /// The account that acted; `None` for the owner signed out (activating, resetting).
    pub actor_kind: Option<String>,
    pub actor_id: Option<i64>,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
