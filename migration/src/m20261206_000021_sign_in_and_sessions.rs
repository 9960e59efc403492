//! Sign-in and sessions hardened: the refresh tokens a session has rotated out (so a reused
//! one is recognised, and ends its session), why a session was ended, the addresses each
//! account has signed in from (where its owner keeps signing in while the account is under
//! attack), and an index to forget throttle windows that have passed.

use crate::columns::{create_all, index, reference};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{string, string_null, timestamp_with_time_zone};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // refresh_reuse | sign_out | sign_out_everywhere; null while the session lives
        let reason = Table::alter().table("auth_session").add_column(string_null("revoked_reason")).to_owned();
        manager.alter_table(reason).await?;
        let tables = vec![
            Table::create()
                .table("auth_session_retired")
                // the hash of a refresh token the session rotated out
                .col(string("refresh_hash").primary_key())
                .col(reference("session_id"))
                .col(timestamp_with_time_zone("retired_at"))
                .take(),
            Table::create()
                .table("sign_in_known_address")
                // a keyed hash of the account and the client address
                .col(string("key_hash").primary_key())
                .col(timestamp_with_time_zone("last_signed_in_at"))
                .take(),
        ];
        let indexes = vec![
            index("auth_session_retired", &["session_id"], false),
            index("sign_in_throttle", &["window_started_at"], false),
        ];
        create_all(manager, tables, indexes).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let throttle_index =
            Index::drop().name("ix_sign_in_throttle_window_started_at").table("sign_in_throttle").to_owned();
        manager.drop_index(throttle_index).await?;
        for table in ["sign_in_known_address", "auth_session_retired"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        manager.alter_table(Table::alter().table("auth_session").drop_column("revoked_reason").to_owned()).await
    }
}
