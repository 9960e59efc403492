//! `attachment`: a file uploaded to be attached to a notice or a message — its name, the type read from
//! its bytes, its size and digest, the item it is attached to, and the store holding its
//! bytes. Reached only through the item it is attached to, or by its uploader until then.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attachment")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `staff` | `guardian`: the kind of account that uploaded it.
    pub uploader_kind: String,
    pub uploader_id: i64,
    /// `notice` | `message`; null until attached.
    pub owner_kind: Option<String>,
    pub owner_id: Option<i64>,
    /// The name the uploader gave, cleaned of paths and control characters.
    pub file_name: String,
    /// The media type read from the file's first bytes.
    pub content_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
    /// `database` | `folder` | `s3`.
    pub storage: String,
    /// Where the store keeps the bytes.
    pub storage_key: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
