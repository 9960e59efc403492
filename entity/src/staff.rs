//! `staff`: a staff member (cán bộ, giáo viên, nhân viên) of one school, with sign-in
//! credentials and sealed contact and identity fields.

use sea_orm::entity::prelude::*;

/// One staff member. `*_enc` columns hold ciphertext sealed under the person's data key;
/// `*_blind` columns hold keyed hashes for exact look-up. `status` is a
/// [`crate::StaffStatus`] value.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub external_id: String,
    pub family_name: String,
    pub given_name: String,
    pub full_name: String,
    /// Lower-case, diacritics removed.
    pub search_name: String,
    /// Given name first, folded.
    pub sort_name: String,
    pub gender: Option<String>,
    pub birth_date: Option<Date>,
    pub identity_no_enc: Option<Vec<u8>>,
    pub identity_no_blind: Option<String>,
    pub address_enc: Option<Vec<u8>>,
    pub school_id: i64,
    #[sea_orm(unique)]
    pub username: Option<String>,
    /// Argon2id PHC string.
    pub password_hash: Option<String>,
    pub phone_enc: Option<Vec<u8>>,
    pub phone_blind: Option<String>,
    pub email_enc: Option<Vec<u8>>,
    pub status: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::org::Entity", from = "Column::SchoolId", to = "super::org::Column::Id")]
    School,
    #[sea_orm(has_many = "super::staff_role::Entity")]
    StaffRole,
    #[sea_orm(has_many = "super::staff_status_history::Entity")]
    StaffStatusHistory,
    #[sea_orm(has_many = "super::teaching_assignment::Entity")]
    TeachingAssignment,
}

impl Related<super::org::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::School.def()
    }
}

impl Related<super::staff_role::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::StaffRole.def()
    }
}

impl Related<super::staff_status_history::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::StaffStatusHistory.def()
    }
}

impl Related<super::teaching_assignment::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::TeachingAssignment.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
