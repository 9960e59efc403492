//! `semester`: semester I or II (học kỳ) of a school year.

use sea_orm::entity::prelude::*;

/// One semester; `number` is 1 or 2.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "semester")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The exchange identifier (OneRoster `sourcedId`), when the record came from or went to
    /// another system.
    pub external_id: Option<String>,
    pub school_year_id: i64,
    pub number: i16,
    pub starts_on: Date,
    pub ends_on: Date,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::school_year::Entity",
        from = "Column::SchoolYearId",
        to = "super::school_year::Column::Id"
    )]
    SchoolYear,
}

impl Related<super::school_year::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::SchoolYear.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
