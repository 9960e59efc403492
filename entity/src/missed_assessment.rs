//! `missed_assessment`: a student missed a held assessment and has not yet made it up, as a
//! grade book recorded it (a OneRoster result `not submitted`), with its note and date. The
//! make-up owed follows from the column being held and the student having no result there;
//! once a result is written, the result is what counts.

use sea_orm::entity::prelude::*;

/// One missed assessment.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "missed_assessment")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The exchange identifier (OneRoster `sourcedId`) of the result row that said so.
    pub external_id: Option<String>,
    pub school_id: i64,
    pub section_id: i64,
    pub assessment_id: i64,
    pub semester_id: i64,
    pub student_id: i64,
    /// Why, as recorded (e.g. "Vắng kiểm tra, chưa kiểm tra bù").
    pub comment: Option<String>,
    /// The day it was recorded (the row's `scoreDate`).
    pub missed_on: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::assessment::Entity",
        from = "Column::AssessmentId",
        to = "super::assessment::Column::Id"
    )]
    Assessment,
    #[sea_orm(belongs_to = "super::student::Entity", from = "Column::StudentId", to = "super::student::Column::Id")]
    Student,
}

impl Related<super::assessment::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Assessment.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
