//! `conversation`: a private conversation between a child's guardians and a teacher about
//! that child, kept with the child, their school and the class they were in when it was
//! opened (what it is judged on). Who is in it is in `conversation_member`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "conversation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Who opened it: `staff` or `guardian`.
    pub opened_by_kind: String,
    pub opened_by_id: i64,
    /// `open` or `closed` (closed: readable, no more messages).
    pub state: String,
    pub created_at: DateTimeUtc,
    /// When the newest message was written (the opening, before any).
    pub last_message_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
    pub school_id: i64,
    pub student_id: i64,
    /// The class the student was in when it was opened.
    pub class_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
