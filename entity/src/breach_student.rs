//! `breach_student`: a student a breach affected.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "breach_student")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub breach_id: i64,
    pub student_id: i64,
    /// The student's school when the breach was recorded.
    pub school_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
