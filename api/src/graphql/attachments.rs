//! Files attached to what a school publishes, as GraphQL shows them: name, checked type,
//! size, digest, and where to download them (`GET /attachments/{id}`, see
//! `crate::attachments::routes`). Which files a caller sees is decided by the item they are
//! attached to.

use super::ids;
use async_graphql::{ID, SimpleObject};
use entity::attachment;

/// A file attached to a notice.
#[derive(SimpleObject)]
pub struct Attachment {
    /// The attachment's global id.
    pub id: ID,
    /// The name it was uploaded under.
    pub file_name: String,
    /// The media type read from its bytes.
    pub content_type: String,
    /// Its size in bytes.
    pub size: i64,
    /// SHA-256 of its bytes, lowercase hex.
    pub sha256: String,
    /// Where to download it (`GET`, with the bearer token), relative to the server.
    pub url: String,
}

impl From<attachment::Model> for Attachment {
    fn from(row: attachment::Model) -> Self {
        let id = ids::encode("Attachment", row.id);
        let url = format!("/attachments/{}", id.0);
        Self {
            id,
            file_name: row.file_name,
            content_type: row.content_type,
            size: row.size_bytes,
            sha256: row.sha256,
            url,
        }
    }
}
