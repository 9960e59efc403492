//! `staff_push_device`: a phone or browser a staff member's app registered for push
//! notifications. The token is sealed under the staff member's data key and found again by
//! its keyed hash; a token registered again moves to whoever registered it last.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_push_device")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub staff_id: i64,
    /// The staff member's school when it was registered.
    pub school_id: i64,
    pub token_enc: Vec<u8>,
    /// The token's keyed hash (the vault's blind index).
    pub token_digest: String,
    /// `android` | `ios` | `web`.
    pub platform: String,
    pub registered_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
