//! `account_code`: the one live one-time code per account and purpose (activating an account
//! without a password, or resetting a forgotten one), kept only as a keyed hash.

use sea_orm::entity::prelude::*;

/// One code. `account_kind` is an [`crate::AccountKind`] value (no foreign key, as for
/// sessions); `purpose` is `activation` or `reset`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account_code")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_kind: String,
    pub account_id: i64,
    pub purpose: String,
    /// A keyed hash of the account, the purpose and the code.
    pub code_hash: String,
    /// `staff:<id>` of who issued it; `None` when the account's owner asked for it.
    pub issued_by: Option<String>,
    pub issued_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
