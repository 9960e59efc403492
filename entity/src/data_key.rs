//! `data_key`: an age-wrapped data key (one per person, or for a purpose such as blind
//! indexes); destroying the key is how a person's sealed fields are erased.

use sea_orm::entity::prelude::*;

/// One wrapped data key. `scope` names its owner, e.g. `student:12`; `wrapped` is a binary
/// age file holding the 32-byte key; `destroyed_at` is set when the key is shredded.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "data_key")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub scope: String,
    pub wrapped: Vec<u8>,
    pub created_at: DateTimeUtc,
    pub destroyed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
