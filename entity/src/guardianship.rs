//! `guardianship`: the dated link between a guardian and a student, with its relationship and
//! access status (e.g. restricted by a court order).

use sea_orm::entity::prelude::*;

/// One guardianship. `relationship` is a [`crate::Relationship`] value, `access_status` an
/// [`crate::AccessStatus`] value; `ends_on` `None` = still in force.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "guardianship")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub guardian_id: i64,
    pub student_id: i64,
    pub school_id: i64,
    pub relationship: String,
    pub access_status: String,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::guardian::Entity", from = "Column::GuardianId", to = "super::guardian::Column::Id")]
    Guardian,
    #[sea_orm(belongs_to = "super::student::Entity", from = "Column::StudentId", to = "super::student::Column::Id")]
    Student,
    #[sea_orm(belongs_to = "super::org::Entity", from = "Column::SchoolId", to = "super::org::Column::Id")]
    School,
}

impl Related<super::guardian::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Guardian.def()
    }
}

impl Related<super::student::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Student.def()
    }
}

impl Related<super::org::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::School.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
