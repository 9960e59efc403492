//! Files attached to what a school publishes (and, later, to messages): `attachment` holds
//! what is known of a file — who uploaded it, its name, checked type, size and digest, what
//! it is attached to, and where its bytes are kept — and `attachment_blob` the bytes
//! themselves when the database is the store (the default). An upload is attached to at
//! most one item; until then only its uploader can reach it.

use crate::columns::{create_all, foreign, id, index, reference};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, big_integer_null, blob, string, string_null, timestamp_with_time_zone};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            Table::create()
                .table("attachment")
                .col(id())
                // staff | guardian: the account that uploaded it
                .col(string("uploader_kind"))
                .col(reference("uploader_id"))
                // notice (later: message); null until attached
                .col(string_null("owner_kind"))
                .col(big_integer_null("owner_id"))
                .col(string("file_name"))
                // the type read from the file's first bytes, never the one the client named
                .col(string("content_type"))
                .col(big_integer("size_bytes"))
                // SHA-256 of the bytes, hex
                .col(string("sha256"))
                // database | folder | s3: the store the bytes were written to
                .col(string("storage"))
                .col(string("storage_key"))
                .col(timestamp_with_time_zone("created_at"))
                .take(),
            Table::create()
                .table("attachment_blob")
                .col(id())
                .col(reference("attachment_id"))
                .col(blob("bytes"))
                .foreign_key(&mut foreign("attachment_blob", "attachment_id", "attachment"))
                .take(),
        ];
        let indexes = vec![
            index("attachment", &["owner_kind", "owner_id"], false),
            index("attachment", &["uploader_kind", "uploader_id", "created_at"], false),
            index("attachment_blob", &["attachment_id"], true),
        ];
        create_all(manager, tables, indexes).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("attachment_blob").to_owned()).await?;
        manager.drop_table(Table::drop().table("attachment").to_owned()).await
    }
}
