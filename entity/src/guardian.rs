//! `guardian`: a parent or legal guardian (cha mẹ học sinh / người giám hộ), who may sign in;
//! contact and identity fields are sealed.

use sea_orm::entity::prelude::*;

/// One guardian. `*_enc` columns hold ciphertext sealed under the guardian's data key;
/// `status` is a [`crate::GuardianStatus`] value.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "guardian")]
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
    #[sea_orm(has_many = "super::guardianship::Entity")]
    Guardianship,
}

impl Related<super::guardianship::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Guardianship.def()
    }
}

/// Guardians to students, through `guardianship` (ignores dates and access status).
impl Related<super::student::Entity> for Entity {
    fn to() -> RelationDef {
        super::guardianship::Relation::Student.def()
    }
    fn via() -> Option<RelationDef> {
        Some(super::guardianship::Relation::Guardian.def().rev())
    }
}

impl ActiveModelBehavior for ActiveModel {}
