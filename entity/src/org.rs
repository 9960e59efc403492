//! `org`: an organisation (department, district office, commune office or school); the tree
//! of organisations lives in [`super::org_parent`] as dated parent links.

use sea_orm::entity::prelude::*;

/// One organisation. `kind` is an [`crate::OrgKind`] value; `school_level` a
/// [`crate::SchoolLevel`] value for schools and `None` otherwise.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "org")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Sector-database identifier; never changes, never reused.
    #[sea_orm(unique)]
    pub external_id: String,
    pub kind: String,
    pub name: String,
    pub school_level: Option<String>,
    pub sector_code: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::student::Entity")]
    Student,
    #[sea_orm(has_many = "super::staff::Entity")]
    Staff,
    #[sea_orm(has_many = "super::homeroom_class::Entity")]
    HomeroomClass,
}

impl Related<super::student::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Student.def()
    }
}

impl Related<super::staff::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Staff.def()
    }
}

impl Related<super::homeroom_class::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::HomeroomClass.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
