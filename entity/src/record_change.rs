//! `record_change`: one change to a record of the books — who made it, when, the old and the
//! new value as the books show them, and the reason. Rows are only ever added.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "record_change")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub school_id: i64,
    pub student_id: i64,
    /// The kind of record: `result`.
    pub kind: String,
    /// The changed row of that kind's table.
    pub record_id: i64,
    pub section_id: Option<i64>,
    pub class_id: Option<i64>,
    /// `None` when the record was created by this change.
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: Option<String>,
    /// `staff` or `guardian`.
    pub changed_by_kind: String,
    pub changed_by_id: i64,
    pub changed_at: DateTimeUtc,
    /// The staff member (a principal) who approved a change made after the book was locked.
    pub approved_by_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::student::Entity", from = "Column::StudentId", to = "super::student::Column::Id")]
    Student,
}

impl Related<super::student::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Student.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
