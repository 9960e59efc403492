//! `notice_reply`: a family's reply to an invitation for one child it was delivered for —
//! attending or not, with an optional note — changeable until the event; with the delivery's
//! student, class and school so it is judged like it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notice_reply")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub delivery_id: i64,
    pub notice_id: i64,
    pub school_id: i64,
    pub class_id: i64,
    pub student_id: i64,
    /// The guardian who replied last.
    pub guardian_id: i64,
    pub attending: bool,
    /// Plain text, optional.
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    pub replied_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
