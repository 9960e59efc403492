//! `primary_nomination`: the class's nomination of a primary student for Học sinh Tiêu biểu
//! (Circular 27/2020) in a school year, on the ground of an outstanding subject or of clear
//! progress, with a note and a version for optimistic concurrency. A withdrawn nomination
//! keeps its row (`withdrawn_at`). Every change is kept in `record_change`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "primary_nomination")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub school_id: i64,
    pub student_id: i64,
    /// The class that made (or last changed) the nomination.
    pub class_id: i64,
    pub school_year_id: i64,
    /// `subject` (an outstanding subject) or `progress` (clear progress).
    pub ground: String,
    /// The outstanding subject, for the ground `subject`.
    pub subject_id: Option<i64>,
    pub note: Option<String>,
    pub version: i32,
    pub updated_by_id: i64,
    pub updated_at: DateTimeUtc,
    /// When the nomination was withdrawn; `None` while it stands.
    pub withdrawn_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
