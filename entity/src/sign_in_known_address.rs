//! `sign_in_known_address`: the client addresses each account has signed in from, as keyed
//! hashes of account and address; from these its owner keeps signing in while others are
//! held back.

use sea_orm::entity::prelude::*;

/// One account and address that signed in successfully.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sign_in_known_address")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub key_hash: String,
    pub last_signed_in_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
