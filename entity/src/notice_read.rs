//! `notice_read`: a guardian's reading of a notice delivered for their child (a read
//! receipt), with the delivery's student, class and school so it is judged like it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notice_read")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub delivery_id: i64,
    pub notice_id: i64,
    pub school_id: i64,
    pub class_id: i64,
    pub student_id: i64,
    /// The guardian who read it.
    pub guardian_id: i64,
    pub read_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
