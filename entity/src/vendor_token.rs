//! `vendor_token`: a short-lived access token a vendor's client obtained with its secret
//! (OAuth 2.0 client credentials), stored hashed, with the scopes it was granted.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "vendor_token")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub vendor_client_id: i64,
    pub token_hash: String,
    /// Space-separated scopes granted.
    pub scopes: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
