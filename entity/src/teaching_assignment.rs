//! `teaching_assignment`: a dated assignment of a staff member as subject teacher of a section
//! or homeroom teacher of a class.

use sea_orm::entity::prelude::*;

/// One assignment. `kind` is a [`crate::TeachingKind`] value: `subject` sets `section_id`,
/// `homeroom` sets `class_id`. `ends_on` `None` = still assigned.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "teaching_assignment")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The exchange identifier (OneRoster `sourcedId`), when the record came from or went to
    /// another system.
    pub external_id: Option<String>,
    pub school_id: i64,
    pub staff_id: i64,
    pub kind: String,
    pub section_id: Option<i64>,
    pub class_id: Option<i64>,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    /// OneRoster's `primary` flag, as an imported package gave it.
    pub is_primary: Option<bool>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::org::Entity", from = "Column::SchoolId", to = "super::org::Column::Id")]
    School,
    #[sea_orm(belongs_to = "super::staff::Entity", from = "Column::StaffId", to = "super::staff::Column::Id")]
    Staff,
    #[sea_orm(belongs_to = "super::section::Entity", from = "Column::SectionId", to = "super::section::Column::Id")]
    Section,
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

impl Related<super::staff::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Staff.def()
    }
}

impl Related<super::section::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Section.def()
    }
}

impl Related<super::homeroom_class::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::HomeroomClass.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
