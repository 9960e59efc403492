//! `assessment`: one assessment column of a section in a semester (regular, midterm or final).

use sea_orm::entity::prelude::*;

/// One assessment; `kind` is an [`crate::AssessmentKind`] value and `sequence` numbers the
/// assessments of one kind from 1.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assessment")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The exchange identifier (OneRoster `sourcedId`), when the record came from or went to
    /// another system.
    pub external_id: Option<String>,
    /// The column's title as exchanged, e.g. `Kiểm tra thường xuyên 1`.
    pub title: Option<String>,
    /// Its [`crate::assessment_category`], when it came from an exchange.
    pub category_id: Option<i64>,
    pub school_id: i64,
    pub section_id: i64,
    pub semester_id: i64,
    pub kind: String,
    pub sequence: i16,
    /// Marked held by its teacher: the column counts even before anyone has a result in it
    /// (one with a result counts anyway).
    pub held: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::org::Entity", from = "Column::SchoolId", to = "super::org::Column::Id")]
    School,
    #[sea_orm(belongs_to = "super::section::Entity", from = "Column::SectionId", to = "super::section::Column::Id")]
    Section,
    #[sea_orm(belongs_to = "super::semester::Entity", from = "Column::SemesterId", to = "super::semester::Column::Id")]
    Semester,
    #[sea_orm(has_many = "super::result::Entity")]
    Result,
}

impl Related<super::org::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::School.def()
    }
}

impl Related<super::section::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Section.def()
    }
}

impl Related<super::semester::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Semester.def()
    }
}

impl Related<super::result::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Result.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
