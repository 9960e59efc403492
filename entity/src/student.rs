//! `student`: a learner (học sinh) of one school, with sealed identity, address, background
//! and health fields.

use sea_orm::entity::prelude::*;

/// One student. `*_enc` columns hold ciphertext sealed under the student's data key;
/// `status` is a [`crate::StudentStatus`] value.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "student")]
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
    pub ethnicity_enc: Option<Vec<u8>>,
    pub religion_enc: Option<Vec<u8>>,
    pub health_enc: Option<Vec<u8>>,
    pub status: String,
    /// The sign-in name of the student's account (lower case), once the school gave one.
    #[sea_orm(unique)]
    pub username: Option<String>,
    /// Argon2id hash of the account's password; none until the account is activated.
    pub password_hash: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::org::Entity", from = "Column::SchoolId", to = "super::org::Column::Id")]
    School,
    #[sea_orm(has_many = "super::enrollment::Entity")]
    Enrollment,
    #[sea_orm(has_many = "super::guardianship::Entity")]
    Guardianship,
    #[sea_orm(has_many = "super::result::Entity")]
    Result,
    #[sea_orm(has_many = "super::attendance::Entity")]
    Attendance,
}

impl Related<super::org::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::School.def()
    }
}

impl Related<super::enrollment::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Enrollment.def()
    }
}

impl Related<super::guardianship::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Guardianship.def()
    }
}

impl Related<super::result::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Result.def()
    }
}

impl Related<super::attendance::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Attendance.def()
    }
}

/// Students to guardians, through `guardianship` (ignores dates and access status).
impl Related<super::guardian::Entity> for Entity {
    fn to() -> RelationDef {
        super::guardianship::Relation::Guardian.def()
    }
    fn via() -> Option<RelationDef> {
        Some(super::guardianship::Relation::Student.def().rev())
    }
}

impl ActiveModelBehavior for ActiveModel {}
