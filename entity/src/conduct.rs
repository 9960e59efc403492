//! `conduct`: the conduct level (kết quả rèn luyện) the homeroom teacher set for a student in
//! a semester — one row per student and semester, with an optimistic-locking version. The
//! year's conduct is derived from the two semesters', never stored.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "conduct")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub school_id: i64,
    pub student_id: i64,
    /// The class the level was set in.
    pub class_id: i64,
    pub semester_id: i64,
    /// A [`crate::ConductLevel`] value.
    pub level: String,
    pub comment: Option<String>,
    pub version: i32,
    /// The staff member who set it last.
    pub updated_by_id: i64,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
