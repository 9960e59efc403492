//! Delivery to staff. A staff member is told of what reaches them (`staff_notification`: a
//! guardian's message in a conversation they are in, a notice to the school's staff), with
//! the references that let the privacy layer judge each row as what it tells of, when they
//! read it, when the outbox decided how it reaches their phone (`dispatched_at`), and until
//! when it is held because they are not available (`held_until`). Staff register the devices
//! that take push notifications (`staff_push_device`, the token sealed under the staff
//! member's key and found by its keyed hash), and may set the hours they are available
//! (`staff_availability`: weekly windows on Vietnam's clock); without any, the school hours
//! apply. An outbox message says which staff notification it tells of.

use crate::columns::{create_all, foreign, id, index, reference, reference_null};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    blob, integer, string, string_len, timestamp_with_time_zone, timestamp_with_time_zone_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let told = reference_null("staff_notification_id");
        manager.alter_table(Table::alter().table("outbox_message").add_column(told).to_owned()).await?;
        let tables = vec![
            Table::create()
                .table("staff_notification")
                .col(id())
                .col(reference("staff_id"))
                .col(reference("school_id"))
                // message | notice
                .col(string_len("kind", 16))
                // for a message: the conversation's child and class
                .col(reference_null("student_id"))
                .col(reference_null("class_id"))
                .col(reference_null("conversation_id"))
                .col(reference_null("notice_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("read_at"))
                .col(timestamp_with_time_zone_null("dispatched_at"))
                .col(timestamp_with_time_zone_null("held_until"))
                .foreign_key(&mut foreign("staff_notification", "staff_id", "staff"))
                .take(),
            Table::create()
                .table("staff_push_device")
                .col(id())
                .col(reference("staff_id"))
                // the staff member's school when registered, which judges who reads the row
                .col(reference("school_id"))
                // sealed under the staff member's data key
                .col(blob("token_enc"))
                .col(string_len("token_digest", 64))
                // android | ios | web
                .col(string("platform"))
                .col(timestamp_with_time_zone("registered_at"))
                .foreign_key(&mut foreign("staff_push_device", "staff_id", "staff"))
                .take(),
            Table::create()
                .table("staff_availability")
                .col(id())
                .col(reference("staff_id"))
                // 1 (Monday) to 7 (Sunday)
                .col(integer("weekday"))
                // HH:MM on Vietnam's clock, from (included) to (excluded)
                .col(string_len("starts", 5))
                .col(string_len("ends", 5))
                .foreign_key(&mut foreign("staff_availability", "staff_id", "staff"))
                .take(),
        ];
        let indexes = vec![
            index("staff_notification", &["staff_id", "created_at"], false),
            index("staff_notification", &["staff_id", "read_at"], false),
            index("staff_notification", &["dispatched_at", "id"], false),
            index("staff_push_device", &["token_digest"], true),
            index("staff_push_device", &["staff_id"], false),
            index("staff_availability", &["staff_id"], false),
            index("outbox_message", &["staff_notification_id"], false),
        ];
        create_all(manager, tables, indexes).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["staff_availability", "staff_push_device", "staff_notification"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        manager
            .drop_index(
                Index::drop().name("ix_outbox_message_staff_notification_id").table("outbox_message").to_owned(),
            )
            .await?;
        manager
            .alter_table(Table::alter().table("outbox_message").drop_column("staff_notification_id").to_owned())
            .await?;
        Ok(())
    }
}
