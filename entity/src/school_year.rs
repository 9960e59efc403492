//! `school_year`: a school year (năm học) such as "2025-2026", with its semesters and classes.

use sea_orm::entity::prelude::*;

/// One school year.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "school_year")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The exchange identifier (OneRoster `sourcedId`), when the record came from or went to
    /// another system.
    pub external_id: Option<String>,
    #[sea_orm(unique)]
    pub name: String,
    pub starts_on: Date,
    pub ends_on: Date,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::semester::Entity")]
    Semester,
    #[sea_orm(has_many = "super::homeroom_class::Entity")]
    HomeroomClass,
}

impl Related<super::semester::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Semester.def()
    }
}

impl Related<super::homeroom_class::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::HomeroomClass.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
