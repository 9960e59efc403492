//! `staff_availability`: one weekly window when a staff member takes notifications on their
//! phone, on Vietnam's clock. A staff member with no window follows the school hours.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_availability")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub staff_id: i64,
    /// 1 (Monday) to 7 (Sunday).
    pub weekday: i32,
    /// `HH:MM`, included.
    pub starts: String,
    /// `HH:MM`, excluded.
    pub ends: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
