//! Where attachments' bytes are kept. The database (the default: the bytes sit in
//! `attachment_blob`, written in the same transaction as their `attachment` row, so the
//! embedded set-up needs nothing more), a folder, or an S3-compatible store — the last two
//! through `object_store`, under keys that are random and say nothing of the file.

use super::Settings;
use entity::attachment_blob;
use object_store::ObjectStore;
use object_store::path::Path;
use sea_orm::{ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _};
use sea_orm::{DbErr, QueryFilter as _};
use std::sync::Arc;

/// A store of attachments' bytes.
pub enum Store {
    /// In the database, in `attachment_blob`.
    Database,
    /// Outside the database: a folder or an S3-compatible store.
    Objects {
        /// `folder` or `s3`, as kept in `attachment.storage`.
        name: &'static str,
        objects: Arc<dyn ObjectStore>,
        /// Prepended to every key.
        prefix: String,
    },
}

/// Why bytes could not be kept or read.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(#[from] DbErr),
    #[error("object store: {0}")]
    Objects(#[from] object_store::Error),
}

impl Store {
    /// The store `settings` name, with its folder created.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        let named = settings.store.trim();
        if named == "database" {
            return Ok(Self::Database);
        }
        if let Some(folder) = named.strip_prefix("folder:").map(str::trim).filter(|folder| !folder.is_empty()) {
            std::fs::create_dir_all(folder).map_err(|error| {
                anyhow::anyhow!(
                    "không tạo được thư mục tệp đính kèm {folder:?} / cannot create the attachments folder {folder:?}: \
                     {error}"
                )
            })?;
            let objects = object_store::local::LocalFileSystem::new_with_prefix(folder)?;
            return Ok(Self::Objects { name: "folder", objects: Arc::new(objects), prefix: String::new() });
        }
        if let Some(rest) = named.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                anyhow::bail!("EMIS_ATTACHMENT_STORE: thiếu tên bucket / the bucket name is missing");
            }
            return Ok(Self::Objects { name: "s3", objects: s3(settings, bucket)?, prefix: prefix.to_owned() });
        }
        anyhow::bail!(
            "EMIS_ATTACHMENT_STORE phải là database, folder:<thư mục> hoặc s3://<bucket> / EMIS_ATTACHMENT_STORE must \
             be database, folder:<path> or s3://<bucket>"
        )
    }

    /// `database`, `folder` or `s3`, as kept in `attachment.storage`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Database => "database",
            Self::Objects { name, .. } => name,
        }
    }

    /// Keeps `bytes` under `key` for attachment `attachment`: in the database, through `db`
    /// (the transaction writing the attachment's row), or in the object store.
    pub async fn put(
        &self,
        db: &impl ConnectionTrait,
        attachment: i64,
        key: &str,
        bytes: Vec<u8>,
    ) -> Result<(), StoreError> {
        match self {
            Self::Database => {
                let blob = attachment_blob::ActiveModel {
                    attachment_id: Set(attachment),
                    bytes: Set(bytes),
                    ..Default::default()
                };
                blob.insert(db).await?;
            }
            Self::Objects { objects, prefix, .. } => {
                objects.put(&location(prefix, key), bytes.into()).await?;
            }
        }
        Ok(())
    }

    /// The bytes of attachment `attachment`, kept under `key`; `None` when they are gone.
    pub async fn get(
        &self,
        db: &impl ConnectionTrait,
        attachment: i64,
        key: &str,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        match self {
            Self::Database => {
                let blob = attachment_blob::Entity::find()
                    .filter(attachment_blob::Column::AttachmentId.eq(attachment))
                    .one(db)
                    .await?;
                Ok(blob.map(|blob| blob.bytes))
            }
            Self::Objects { objects, prefix, .. } => match objects.get(&location(prefix, key)).await {
                Ok(found) => Ok(Some(found.bytes().await?.to_vec())),
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(error) => Err(error.into()),
            },
        }
    }

    /// Forgets the bytes of attachment `attachment`, kept under `key` (already gone is fine).
    pub async fn delete(&self, db: &impl ConnectionTrait, attachment: i64, key: &str) -> Result<(), StoreError> {
        match self {
            Self::Database => {
                attachment_blob::Entity::delete_many()
                    .filter(attachment_blob::Column::AttachmentId.eq(attachment))
                    .exec(db)
                    .await?;
            }
            Self::Objects { objects, prefix, .. } => match objects.delete(&location(prefix, key)).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(error) => return Err(error.into()),
            },
        }
        Ok(())
    }
}

/// Where `key` is kept under `prefix`.
fn location(prefix: &str, key: &str) -> Path {
    let prefix = prefix.trim_matches('/');
    if prefix.is_empty() { Path::from(key) } else { Path::from(format!("{prefix}/{key}")) }
}

/// The S3-compatible store of `bucket`.
fn s3(settings: &Settings, bucket: &str) -> anyhow::Result<Arc<dyn ObjectStore>> {
    let mut builder = object_store::aws::AmazonS3Builder::new()
        .with_bucket_name(bucket)
        .with_region(&settings.s3_region)
        .with_access_key_id(&settings.s3_access_key_id)
        .with_secret_access_key(&settings.s3_secret_access_key.0);
    if let Some(endpoint) = settings.s3_endpoint.as_deref().map(str::trim).filter(|url| !url.is_empty()) {
        let parsed = reqwest::Url::parse(endpoint).ok();
        if !parsed.as_ref().is_some_and(crate::outbox::encrypted_or_local) {
            anyhow::bail!(
                "EMIS_S3_ENDPOINT phải là một địa chỉ https:// (http:// chỉ dùng được với địa chỉ loopback) / \
                 EMIS_S3_ENDPOINT must be an https:// address (http:// only to a loopback address)"
            );
        }
        let plain = parsed.is_some_and(|url| url.scheme() == "http");
        builder = builder.with_endpoint(endpoint).with_allow_http(plain).with_virtual_hosted_style_request(false);
    }
    Ok(Arc::new(builder.build()?))
}
