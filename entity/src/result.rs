//! `result`: one student's result in one assessment — a score in tenths for scored subjects,
//! Đạt / Chưa đạt for comment-only subjects — with an optimistic-locking version.

use sea_orm::entity::prelude::*;

/// One result. `score_tenths` is 0..=100 (7.5 is stored as 75); `passed` is set for
/// comment-only subjects instead; neither when `no_make_up` or `exempt` is set.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "result")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The exchange identifier (OneRoster `sourcedId`), when the record came from or went to
    /// another system.
    pub external_id: Option<String>,
    pub school_id: i64,
    pub section_id: i64,
    pub assessment_id: i64,
    /// The assessment's semester, kept on the result so a student's semester is one index walk.
    pub semester_id: i64,
    pub student_id: i64,
    pub score_tenths: Option<i16>,
    pub passed: Option<bool>,
    /// The teacher recorded that the student will not make this assessment up: no value,
    /// and it counts as 0 (Chưa đạt).
    pub no_make_up: bool,
    /// The student is excused from this one assessment (OneRoster `exempt`): no value, and
    /// it counts for them neither way.
    pub exempt: bool,
    pub comment: Option<String>,
    pub version: i32,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::org::Entity", from = "Column::SchoolId", to = "super::org::Column::Id")]
    School,
    #[sea_orm(belongs_to = "super::section::Entity", from = "Column::SectionId", to = "super::section::Column::Id")]
    Section,
    #[sea_orm(
        belongs_to = "super::assessment::Entity",
        from = "Column::AssessmentId",
        to = "super::assessment::Column::Id"
    )]
    Assessment,
    #[sea_orm(belongs_to = "super::student::Entity", from = "Column::StudentId", to = "super::student::Column::Id")]
    Student,
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

impl Related<super::assessment::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Assessment.def()
    }
}

impl Related<super::student::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Student.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
