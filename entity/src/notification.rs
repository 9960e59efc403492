//! `notification`: something a guardian is told about their child — for now an absence,
//! on the day it is recorded. Read through the privacy layer like the record it is about,
//! so a guardian whose access ended reads none of them.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notification")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The guardian told.
    pub guardian_id: i64,
    pub school_id: i64,
    pub student_id: i64,
    pub class_id: i64,
    /// `absence`.
    pub kind: String,
    /// The roll-call entry of an absence.
    pub attendance_id: Option<i64>,
    pub date: Date,
    pub session: Option<String>,
    pub period: Option<i32>,
    /// The attendance status told.
    pub status: Option<String>,
    pub created_at: DateTimeUtc,
    pub read_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
