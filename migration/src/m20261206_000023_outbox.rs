//! The outbox: messages to people (activation codes, reset codes, absence notices) queued in
//! the same transaction as the change that causes them, and sent by a background worker with
//! retries. The destination phone and the body are sealed under the recipient's data key.

use crate::columns::{create_all, foreign, id, index, reference};
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
                .table("outbox_message")
                .col(id())
                // the sending school
                .col(reference("school_id"))
                // staff | guardian | student
                .col(string("recipient_kind"))
                .col(reference("recipient_id"))
                // activation_code | reset_code | absence_notice
                .col(string("purpose"))
                .col(blob("phone_enc"))
                .col(blob("body_enc"))
                // pending | sending | sent | failed
                .col(string("state"))
                .col(integer("attempts").default(0))
                // when a pending message is due, or when a sending one's lease ends
                .col(timestamp_with_time_zone("next_attempt_at"))
                // a short classified reason, never the phone or the body
                .col(string_null("last_error"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .foreign_key(&mut foreign("outbox_message", "school_id", "org"))
                .take(),
        ];
        let indexes = vec![
            index("outbox_message", &["state", "next_attempt_at"], false),
            index("outbox_message", &["school_id", "id"], false),
        ];
        create_all(manager, tables, indexes).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("outbox_message").to_owned()).await
    }
}
