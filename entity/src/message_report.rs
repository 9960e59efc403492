//! `message_report`: a member's report that a conversation holds abusive content, with the
//! reason; a reported conversation can be read by whoever moderates the school's.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "message_report")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub conversation_id: i64,
    /// `staff` or `guardian`.
    pub reporter_kind: String,
    pub reporter_id: i64,
    pub reason: String,
    pub created_at: DateTimeUtc,
    pub school_id: i64,
    pub student_id: i64,
    pub class_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
