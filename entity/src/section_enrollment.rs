//! `section_enrollment`: what an imported package said of a student's enrollment in a
//! scheduled class (section). The enrollment itself follows from the student's homeroom
//! enrollment (`enrollment_id`) in the section's class; this row keeps its exchange
//! identifier, dates and `primary` flag so an export writes them back unchanged.

use sea_orm::entity::prelude::*;

/// One kept identifier of a derived enrollment; dates `None` = the homeroom enrollment's.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "section_enrollment")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The OneRoster `sourcedId` the package gave.
    pub external_id: String,
    pub school_id: i64,
    pub enrollment_id: i64,
    pub section_id: i64,
    pub student_id: i64,
    pub is_primary: Option<bool>,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::enrollment::Entity",
        from = "Column::EnrollmentId",
        to = "super::enrollment::Column::Id"
    )]
    Enrollment,
    #[sea_orm(belongs_to = "super::section::Entity", from = "Column::SectionId", to = "super::section::Column::Id")]
    Section,
    #[sea_orm(belongs_to = "super::student::Entity", from = "Column::StudentId", to = "super::student::Column::Id")]
    Student,
}

impl Related<super::enrollment::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Enrollment.def()
    }
}

impl Related<super::section::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Section.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
