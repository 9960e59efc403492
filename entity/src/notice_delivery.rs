//! `notice_delivery`: a notice reaching one student's family, resolved from the students
//! enrolled when it was published and kept, so a family that leaves keeps what it was sent
//! and one that arrives later does not see it. Read through the privacy layer as a record
//! about the student in that class.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notice_delivery")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub notice_id: i64,
    pub school_id: i64,
    /// The class the student was in when the notice was published.
    pub class_id: i64,
    pub student_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
