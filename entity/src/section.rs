//! `section`: one subject taught to one class in one school year (lớp–môn), with its yearly
//! number of periods.

use sea_orm::entity::prelude::*;

/// One section.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "section")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub external_id: String,
    pub school_id: i64,
    pub class_id: i64,
    pub subject_id: i64,
    pub school_year_id: i64,
    /// Decides the number of regular assessments per semester.
    pub periods_per_year: i32,
    /// The [`crate::course`] the section teaches, when it came from an exchange.
    pub course_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::org::Entity", from = "Column::SchoolId", to = "super::org::Column::Id")]
    School,
    #[sea_orm(
        belongs_to = "super::homeroom_class::Entity",
        from = "Column::ClassId",
        to = "super::homeroom_class::Column::Id"
    )]
    HomeroomClass,
    #[sea_orm(belongs_to = "super::subject::Entity", from = "Column::SubjectId", to = "super::subject::Column::Id")]
    Subject,
    #[sea_orm(
        belongs_to = "super::school_year::Entity",
        from = "Column::SchoolYearId",
        to = "super::school_year::Column::Id"
    )]
    SchoolYear,
    #[sea_orm(has_many = "super::assessment::Entity")]
    Assessment,
    #[sea_orm(has_many = "super::teaching_assignment::Entity")]
    TeachingAssignment,
}

impl Related<super::org::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::School.def()
    }
}

impl Related<super::homeroom_class::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::HomeroomClass.def()
    }
}

impl Related<super::subject::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Subject.def()
    }
}

impl Related<super::school_year::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::SchoolYear.def()
    }
}

impl Related<super::assessment::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Assessment.def()
    }
}

impl Related<super::teaching_assignment::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::TeachingAssignment.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
