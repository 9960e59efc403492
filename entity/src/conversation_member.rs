//! `conversation_member`: one person in a conversation (a staff member or a guardian, by
//! account kind and id), their part in it, and the last message they have read.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "conversation_member")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub conversation_id: i64,
    /// `staff` or `guardian`.
    pub account_kind: String,
    pub account_id: i64,
    /// `guardian`, `homeroom_teacher` or `subject_teacher`.
    pub role: String,
    /// The newest message they have read; `None`: none yet.
    pub last_read_message_id: Option<i64>,
    pub muted: bool,
    pub joined_at: DateTimeUtc,
    pub school_id: i64,
    pub student_id: i64,
    pub class_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
