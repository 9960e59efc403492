//! Security state kept in the database (never in one server's memory, so many instances act
//! as one): age-wrapped data keys, sign-in sessions, sign-in throttling, and the append-only,
//! hash-chained disclosure log.

use crate::columns::{create_all, id, index, reference, reference_null};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    blob, integer, string, string_null, timestamp_with_time_zone, timestamp_with_time_zone_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            Table::create()
                .table("data_key")
                .col(id())
                // e.g. "school:12", "blind-index"
                .col(string("scope"))
                // a binary age file holding the 32-byte key, to the server identity
                .col(blob("wrapped"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("destroyed_at"))
                .take(),
            Table::create()
                .table("auth_session")
                .col(id())
                .col(string("access_hash").unique_key())
                .col(string("refresh_hash").unique_key())
                // staff | guardian
                .col(string("account_kind"))
                .col(reference("account_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("access_expires_at"))
                .col(timestamp_with_time_zone("refresh_expires_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .take(),
            Table::create()
                .table("sign_in_throttle")
                .col(string("key_hash").primary_key())
                .col(integer("failures"))
                .col(timestamp_with_time_zone("window_started_at"))
                .col(timestamp_with_time_zone_null("locked_until"))
                .take(),
            Table::create()
                .table("disclosure_log")
                .col(id())
                .col(timestamp_with_time_zone("at"))
                .col(string("actor_kind"))
                .col(reference("actor_id"))
                .col(reference_null("session_id"))
                .col(reference("student_id"))
                .col(reference("school_id"))
                // comma-free list of field groups, e.g. "result student.identity"
                .col(string("fields"))
                .col(string("purpose"))
                .col(string_null("prev_hash"))
                .col(string("hash"))
                .take(),
        ];
        let indexes = vec![
            index("data_key", &["scope"], false),
            index("auth_session", &["account_kind", "account_id"], false),
            index("disclosure_log", &["student_id", "at"], false),
        ];
        create_all(manager, tables, indexes).await
    }
}
