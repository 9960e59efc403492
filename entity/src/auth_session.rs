//! `auth_session`: a sign-in session of a staff member or guardian, found by the hashes of its
//! access and refresh tokens (the tokens themselves are never stored).

use sea_orm::entity::prelude::*;

/// One session. `account_kind` is an [`crate::AccountKind`] value and `account_id` the id of
/// the `staff` or `guardian` row, so there is no foreign key.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "auth_session")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub access_hash: String,
    #[sea_orm(unique)]
    pub refresh_hash: String,
    pub account_kind: String,
    pub account_id: i64,
    pub created_at: DateTimeUtc,
    pub access_expires_at: DateTimeUtc,
    pub refresh_expires_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
    /// Why the session was ended: a [`crate::SessionEnd`] value.
    pub revoked_reason: Option<String>,
    /// Where the primary's write-ahead log stood after the session's last write (bytes from
    /// its start; PostgreSQL with read replicas only): its reads wait for a replica that far.
    pub wrote_lsn: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
