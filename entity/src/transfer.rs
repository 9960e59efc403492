//! `transfer`: a student's move to another school (chuyển trường). Released by the sending
//! school's principal (the enrollment there ends the day before `arrives_on`), then admitted
//! by the receiving school's principal into one of its classes from `arrives_on`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "transfer")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub student_id: i64,
    pub from_school_id: i64,
    /// The class the student left.
    pub from_class_id: i64,
    pub to_school_id: i64,
    /// The class the receiving school admitted the student into.
    pub to_class_id: Option<i64>,
    /// The first day at the receiving school.
    pub arrives_on: Date,
    pub reason: String,
    /// `pending` or `admitted`.
    pub status: String,
    pub released_by_id: i64,
    pub released_at: DateTimeUtc,
    pub admitted_by_id: Option<i64>,
    pub admitted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
