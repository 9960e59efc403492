//! `notification`: something a guardian is told about their child — an absence, on the day
//! it is recorded; a notice published for the child, or a reminder of one still unread or
//! unanswered; a message in a conversation about the child; scores recorded in one of the
//! child's sections. Read through the privacy layer like the record it is about, so a
//! guardian whose access ended reads none of them. The outbox decides once how each reaches
//! a phone (`dispatched_at`).

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
    /// `absence` | `notice` | `notice_reminder` | `message` | `score`.
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
    /// The notice a `notice` or `notice_reminder` tells of.
    pub notice_id: Option<i64>,
    /// The conversation a `message` was written in.
    pub conversation_id: Option<i64>,
    /// The section whose scores a `score` tells of.
    pub section_id: Option<i64>,
    /// Marked urgent by the school: only such may go by SMS.
    pub urgent: bool,
    /// When the outbox decided how it reaches the guardian's phone; null until then.
    pub dispatched_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
