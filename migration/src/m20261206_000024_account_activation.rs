//! Activation and recovery of accounts: the one-time codes issued to a staff member or
//! guardian (to activate an account that has no password yet, or to reset a forgotten
//! one), stored only as keyed hashes, and the audit of every step taken on an account
//! (who, when, which account, what — never a code or a password).

use crate::columns::{create_all, id, index, reference};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer_null, string, string_null, timestamp_with_time_zone, timestamp_with_time_zone_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            Table::create()
                .table("account_code")
                .col(id())
                // staff | guardian (text, so other kinds of account fit later)
                .col(string("account_kind"))
                .col(reference("account_id"))
                // activation | reset
                .col(string("purpose"))
                // a keyed hash of the account, purpose and code
                .col(string("code_hash"))
                // `staff:<id>` of who issued it; null when the owner asked for it
                .col(string_null("issued_by"))
                .col(timestamp_with_time_zone("issued_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("used_at"))
                .take(),
            Table::create()
                .table("account_event")
                .col(id())
                .col(string("account_kind"))
                .col(reference("account_id"))
                // code_issued | activated | password_changed | reset_requested | reset_done |
                // access_reset | refused
                .col(string("event"))
                // what the event concerned: a code's purpose and delivery, or why refused
                .col(string_null("detail"))
                .col(string_null("actor_kind"))
                .col(big_integer_null("actor_id"))
                .col(timestamp_with_time_zone("at"))
                .take(),
        ];
        let indexes = vec![
            // one live code per account and purpose: a new one replaces the old
            index("account_code", &["account_kind", "account_id", "purpose"], true),
            index("account_event", &["account_kind", "account_id"], false),
        ];
        create_all(manager, tables, indexes).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["account_event", "account_code"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
