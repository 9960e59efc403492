//! `leave_request`: a guardian's request (đơn xin phép) that their child be excused for some
//! days and sessions, decided by the homeroom teacher. Accepting it makes the child's
//! absences in that time excused, those recorded before and those recorded after.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "leave_request")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub school_id: i64,
    pub student_id: i64,
    /// The student's class when the request was made.
    pub class_id: i64,
    /// The guardian who asked.
    pub guardian_id: i64,
    pub from_date: Date,
    pub to_date: Date,
    /// `morning`, `afternoon` or `all`.
    pub sessions: String,
    pub reason: String,
    /// `pending`, `accepted` or `rejected`.
    pub status: String,
    pub submitted_at: DateTimeUtc,
    pub decided_by_id: Option<i64>,
    pub decided_at: Option<DateTimeUtc>,
    pub decision_note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
