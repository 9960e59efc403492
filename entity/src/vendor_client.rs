//! `vendor_client`: a vendor's client registered by a school or an office — its public client
//! id, the keyed hash of its secret (shown once when made or rotated), and whether it is
//! active or suspended. What it may reach is in its sharing agreements.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "vendor_client")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The school or office that registered it.
    pub org_id: i64,
    pub name: String,
    /// The public client id the vendor signs in with.
    pub client_id: String,
    /// The keyed hash of the secret.
    pub secret_hash: String,
    /// `active` | `suspended`.
    pub status: String,
    /// The staff member who registered it.
    pub registered_by: i64,
    pub created_at: DateTimeUtc,
    pub secret_rotated_at: DateTimeUtc,
    pub suspended_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
