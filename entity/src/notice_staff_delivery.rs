//! `notice_staff_delivery`: a notice to a school's staff reaching one staff member, resolved
//! from those working there when it was published. Read through the privacy layer as a
//! record about the staff member at that school.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notice_staff_delivery")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub notice_id: i64,
    pub school_id: i64,
    pub staff_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
