//! `staff_status_history`: each change of a staff member's employment status, kept forever.

use sea_orm::entity::prelude::*;

/// One status change; `status` is a [`crate::StaffStatus`] value.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_status_history")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub staff_id: i64,
    pub school_id: i64,
    pub status: String,
    pub effective_from: Date,
    pub recorded_at: DateTimeUtc,
    /// Why, as the principal wrote it.
    pub note: Option<String>,
    /// The school a transferred staff member went to.
    pub to_school_id: Option<i64>,
    /// The staff member who recorded the change through the API; `None` for an import or
    /// the seed.
    pub recorded_by_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::staff::Entity", from = "Column::StaffId", to = "super::staff::Column::Id")]
    Staff,
    #[sea_orm(belongs_to = "super::org::Entity", from = "Column::SchoolId", to = "super::org::Column::Id")]
    School,
}

impl Related<super::staff::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Staff.def()
    }
}

impl Related<super::org::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::School.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
