//! `org_parent`: a dated link from an organisation to its parent, so the tree before and after
//! the 2025 local-government reform both fit (`valid_to` `None` = still valid).

use sea_orm::entity::prelude::*;

/// One dated parent link.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "org_parent")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub org_id: i64,
    pub parent_id: i64,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
}

/// Both ends point at `org`, so there is no `Related` impl; join with the relation you mean.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::org::Entity", from = "Column::OrgId", to = "super::org::Column::Id")]
    Org,
    #[sea_orm(belongs_to = "super::org::Entity", from = "Column::ParentId", to = "super::org::Column::Id")]
    Parent,
}

impl ActiveModelBehavior for ActiveModel {}
