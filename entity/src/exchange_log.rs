//! `exchange_log`: every import and export of a OneRoster package — when, by whom, of what
//! scope, whether sensitive fields were written, and how many records of each kind.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "exchange_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    /// `import` or `export`.
    pub direction: String,
    /// Who ran it, as the command was told.
    pub actor: String,
    /// The school's external id, or `all`.
    pub scope: String,
    pub sensitive: bool,
    /// Counts per kind, e.g. `students=20160 results=1201200`.
    pub summary: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
