//! One stream of notifications for every kind a family is told of, and the ways each reaches
//! a phone. `notification` grows the references of its new kinds (a conversation's message,
//! a section's scores), whether the school marked it urgent, and when the outbox decided how
//! to send it (`dispatched_at`, null until then); a notice can be marked urgent; each
//! guardian chooses a channel per kind (`notification_channel`) and registers the devices
//! that take push notifications (`push_device`, the token sealed under the guardian's key
//! and found by its keyed hash); an outbox message says which channel it goes by and which
//! notification it tells of.

use crate::columns::{create_all, foreign, id, index, reference, reference_null};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    blob, boolean, string, string_len, timestamp_with_time_zone, timestamp_with_time_zone_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let added = [
            reference_null("conversation_id"),
            reference_null("section_id"),
            boolean("urgent").default(false).take(),
            timestamp_with_time_zone_null("dispatched_at"),
        ];
        for column in added {
            manager.alter_table(Table::alter().table("notification").add_column(column).to_owned()).await?;
        }
        let urgent = boolean("urgent").default(false).take();
        manager.alter_table(Table::alter().table("notice").add_column(urgent).to_owned()).await?;
        let channel = string_len("channel", 8).default("sms").take();
        manager.alter_table(Table::alter().table("outbox_message").add_column(channel).to_owned()).await?;
        let told = reference_null("notification_id");
        manager.alter_table(Table::alter().table("outbox_message").add_column(told).to_owned()).await?;
        let tables = vec![
            Table::create()
                .table("notification_channel")
                .col(id())
                .col(reference("guardian_id"))
                // absence | notice | message | score
                .col(string_len("kind", 16))
                // push | sms | none
                .col(string_len("channel", 8))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut foreign("notification_channel", "guardian_id", "guardian"))
                .take(),
            Table::create()
                .table("push_device")
                .col(id())
                .col(reference("guardian_id"))
                // sealed under the guardian's data key
                .col(blob("token_enc"))
                // keyed hash of the token, to find it again without opening every row
                .col(string_len("token_digest", 64))
                // android | ios | web
                .col(string("platform"))
                .col(timestamp_with_time_zone("registered_at"))
                .foreign_key(&mut foreign("push_device", "guardian_id", "guardian"))
                .take(),
        ];
        let indexes = vec![
            index("notification_channel", &["guardian_id", "kind"], true),
            index("push_device", &["token_digest"], true),
            index("push_device", &["guardian_id"], false),
            index("notification", &["dispatched_at", "id"], false),
            index("notification", &["guardian_id", "created_at"], false),
            index("notification", &["guardian_id", "read_at"], false),
            index("outbox_message", &["notification_id"], false),
        ];
        create_all(manager, tables, indexes).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["push_device", "notification_channel"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        for index in [
            "ix_notification_dispatched_at_id",
            "ix_notification_guardian_id_created_at",
            "ix_notification_guardian_id_read_at",
        ] {
            manager.drop_index(Index::drop().name(index).table("notification").to_owned()).await?;
        }
        manager
            .drop_index(Index::drop().name("ix_outbox_message_notification_id").table("outbox_message").to_owned())
            .await?;
        for column in ["notification_id", "channel"] {
            manager.alter_table(Table::alter().table("outbox_message").drop_column(column).to_owned()).await?;
        }
        manager.alter_table(Table::alter().table("notice").drop_column("urgent").to_owned()).await?;
        for column in ["dispatched_at", "urgent", "section_id", "conversation_id"] {
            manager.alter_table(Table::alter().table("notification").drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
