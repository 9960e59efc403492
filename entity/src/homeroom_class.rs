//! `homeroom_class`: a class (lớp, e.g. 6A1) of one school in one school year — a fixed group
//! of students that takes all subjects together.

use sea_orm::entity::prelude::*;

/// One homeroom class.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "homeroom_class")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub external_id: String,
    pub school_id: i64,
    pub school_year_id: i64,
    /// 1..=12.
    pub grade_level: i16,
    pub name: String,
    /// The [`crate::course`] the class follows, when it came from an exchange.
    pub course_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::org::Entity", from = "Column::SchoolId", to = "super::org::Column::Id")]
    School,
    #[sea_orm(
        belongs_to = "super::school_year::Entity",
        from = "Column::SchoolYearId",
        to = "super::school_year::Column::Id"
    )]
    SchoolYear,
    #[sea_orm(has_many = "super::section::Entity")]
    Section,
    #[sea_orm(has_many = "super::enrollment::Entity")]
    Enrollment,
    #[sea_orm(has_many = "super::attendance::Entity")]
    Attendance,
}

impl Related<super::org::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::School.def()
    }
}

impl Related<super::school_year::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::SchoolYear.def()
    }
}

impl Related<super::section::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Section.def()
    }
}

impl Related<super::enrollment::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Enrollment.def()
    }
}

impl Related<super::attendance::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Attendance.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
