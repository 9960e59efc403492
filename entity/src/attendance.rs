//! `attendance`: the roll-call book — one row per student, date and half-day session (and
//! optionally period) that was recorded as other than plain presence; an entry corrected
//! back to presence keeps its row, with status `present`.

use sea_orm::entity::prelude::*;

/// One roll-call entry. `session` is a [`crate::DaySession`] value and `status` an
/// [`crate::AttendanceStatus`] value.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attendance")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The exchange identifier (OneRoster `sourcedId`), when the record came from or went to
    /// another system.
    pub external_id: Option<String>,
    pub school_id: i64,
    pub student_id: i64,
    pub class_id: i64,
    pub date: Date,
    pub session: String,
    pub period: Option<i32>,
    pub status: String,
    pub note: Option<String>,
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
