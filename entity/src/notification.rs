//! `notification`: something a guardian is told about their child — an absence, on the day
//! it is recorded, or a reminder of a notice sent for the child that is still unread or
//! unanswered. Read through the privacy layer like the record it is about,
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
    /// `absence` | `notice_reminder`.
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
    /// The notice a `notice_reminder` reminds of.
    pub notice_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
