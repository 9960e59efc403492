//! `enrollment`: a dated membership of a student in a homeroom class.

use sea_orm::entity::prelude::*;

/// One enrollment; `ends_on` `None` = still enrolled.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "enrollment")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The exchange identifier (OneRoster `sourcedId`), when the record came from or went to
    /// another system.
    pub external_id: Option<String>,
    pub school_id: i64,
    pub student_id: i64,
    pub class_id: i64,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    /// OneRoster's `primary` flag, as an imported package gave it.
    pub is_primary: Option<bool>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::org::Entity", from = "Column::SchoolId", to = "super::org::Column::Id")]
    School,
    #[sea_orm(belongs_to = "super::student::Entity", from = "Column::StudentId", to = "super::student::Column::Id")]
    Student,
    #[sea_orm(
        belongs_to = "super::homeroom_class::Entity",
        from = "Column::ClassId",
        to = "super::homeroom_class::Column::Id"
    )]
    HomeroomClass,
}

impl Related<super::org::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::School.def()
    }
}

impl Related<super::student::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Student.def()
    }
}

impl Related<super::homeroom_class::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::HomeroomClass.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
