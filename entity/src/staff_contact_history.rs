//! `staff_contact_history`: each change a staff member made to their own phone or e-mail,
//! with the values before and after sealed under their data key like the values themselves.
//! Rows are only ever added.

use sea_orm::entity::prelude::*;

/// One change of contact details; a value not changed is stored as it was on both sides.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_contact_history")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub staff_id: i64,
    pub school_id: i64,
    pub old_phone_enc: Option<Vec<u8>>,
    pub new_phone_enc: Option<Vec<u8>>,
    pub old_email_enc: Option<Vec<u8>>,
    pub new_email_enc: Option<Vec<u8>>,
    /// The staff member who made the change (today always the staff member themselves).
    pub changed_by_id: i64,
    pub changed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::staff::Entity", from = "Column::StaffId", to = "super::staff::Column::Id")]
    Staff,
}

impl Related<super::staff::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Staff.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
