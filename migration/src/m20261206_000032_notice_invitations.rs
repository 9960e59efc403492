//! Notices grow: invitations (a parents' meeting) with when and where, and each family's
//! reply per child (`notice_reply`); reminders sent about a notice (`notice_reminder`), told
//! to guardians as notifications that name the notice (`notification.notice_id`); more
//! audiences (a grade of a school, chosen students, the school's staff — the latter kept as
//! `notice_staff_delivery`); publishing at a later time (`notice.scheduled_for`, cleared
//! once its recipients are resolved); and the earlier wordings of an edited notice
//! (`notice_version`).

use crate::columns::{create_all, foreign, id, index, reference, reference_null};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    boolean, small_integer_null, string, string_null, text, text_null, timestamp_with_time_zone,
    timestamp_with_time_zone_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Columns added to `notice`: for an invitation, when and where; the grade level of a
/// grade's notice; until when publishing waits (null once published); when last edited.
fn notice_columns() -> Vec<ColumnDef> {
    vec![
        timestamp_with_time_zone_null("event_at"),
        string_null("place"),
        small_integer_null("grade_level"),
        timestamp_with_time_zone_null("scheduled_for"),
        timestamp_with_time_zone_null("edited_at"),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            Table::create()
                .table("notice_reply")
                .col(id())
                .col(reference("delivery_id"))
                .col(reference("notice_id"))
                .col(reference("school_id"))
                .col(reference("class_id"))
                .col(reference("student_id"))
                // the guardian who replied last
                .col(reference("guardian_id"))
                .col(boolean("attending"))
                .col(text_null("note"))
                .col(timestamp_with_time_zone("replied_at"))
                .foreign_key(&mut foreign("notice_reply", "delivery_id", "notice_delivery"))
                .foreign_key(&mut foreign("notice_reply", "guardian_id", "guardian"))
                .take(),
            Table::create()
                .table("notice_reminder")
                .col(id())
                .col(reference("notice_id"))
                .col(reference("staff_id"))
                .col(timestamp_with_time_zone("reminded_at"))
                .foreign_key(&mut foreign("notice_reminder", "notice_id", "notice"))
                .take(),
            Table::create()
                .table("notice_version")
                .col(id())
                .col(reference("notice_id"))
                .col(string("title"))
                .col(text("body"))
                .col(timestamp_with_time_zone_null("expires_at"))
                // when this wording was replaced, and by whom
                .col(timestamp_with_time_zone("edited_at"))
                .col(reference("edited_by_id"))
                .foreign_key(&mut foreign("notice_version", "notice_id", "notice"))
                .take(),
            Table::create()
                .table("notice_staff_delivery")
                .col(id())
                .col(reference("notice_id"))
                .col(reference("school_id"))
                .col(reference("staff_id"))
                .foreign_key(&mut foreign("notice_staff_delivery", "notice_id", "notice"))
                .foreign_key(&mut foreign("notice_staff_delivery", "staff_id", "staff"))
                .take(),
        ];
        let indexes = vec![
            index("notice_reply", &["delivery_id"], true),
            index("notice_reply", &["notice_id"], false),
            index("notice_reminder", &["notice_id", "reminded_at"], false),
            index("notice_version", &["notice_id", "edited_at"], false),
            index("notice_staff_delivery", &["notice_id", "staff_id"], true),
            index("notice_staff_delivery", &["staff_id", "notice_id"], false),
            index("notice", &["scheduled_for"], false),
        ];
        for column in notice_columns() {
            manager.alter_table(Table::alter().table("notice").add_column(column).to_owned()).await?;
        }
        let told = reference_null("notice_id");
        manager.alter_table(Table::alter().table("notification").add_column(told).to_owned()).await?;
        create_all(manager, tables, indexes).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["notice_staff_delivery", "notice_version", "notice_reminder", "notice_reply"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        manager.alter_table(Table::alter().table("notification").drop_column("notice_id").to_owned()).await?;
        for column in ["edited_at", "scheduled_for", "grade_level", "place", "event_at"] {
            manager.alter_table(Table::alter().table("notice").drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
