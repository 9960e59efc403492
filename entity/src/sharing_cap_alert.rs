//! `sharing_cap_alert`: a read refused because it would have crossed a sharing agreement's
//! daily cap; the agreement shares nothing more that day.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sharing_cap_alert")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub agreement_id: i64,
    /// The agreement's organisation.
    pub org_id: i64,
    /// The day in Vietnam.
    pub day: Date,
    pub cap: i64,
    /// Distinct students the refused read would have brought the day to.
    pub reached: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
