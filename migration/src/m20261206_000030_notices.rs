//! Notices from a school to its families: the notice itself (`notice`), one delivery per
//! student it reached, resolved when it was published and kept (`notice_delivery`), and
//! each guardian's reading of a delivery (`notice_read`). Rows are never deleted: a notice
//! withdrawn keeps its row, marked withdrawn.

use crate::columns::{create_all, foreign, id, index, reference, reference_null};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{string, text, timestamp_with_time_zone, timestamp_with_time_zone_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            Table::create()
                .table("notice")
                .col(id())
                .col(reference("school_id"))
                .col(reference("author_staff_id"))
                // notice | document | news
                .col(string("kind"))
                .col(string("title"))
                .col(text("body"))
                // school | class
                .col(string("audience"))
                .col(reference_null("class_id"))
                .col(timestamp_with_time_zone("published_at"))
                .col(timestamp_with_time_zone_null("expires_at"))
                // set when withdrawn: the families then see that it was, not what it said
                .col(timestamp_with_time_zone_null("withdrawn_at"))
                .col(reference_null("withdrawn_by_id"))
                .foreign_key(&mut foreign("notice", "school_id", "org"))
                .foreign_key(&mut foreign("notice", "author_staff_id", "staff"))
                .take(),
            Table::create()
                .table("notice_delivery")
                .col(id())
                .col(reference("notice_id"))
                .col(reference("school_id"))
                // the class the student was in when the notice was published
                .col(reference("class_id"))
                .col(reference("student_id"))
                .foreign_key(&mut foreign("notice_delivery", "notice_id", "notice"))
                .foreign_key(&mut foreign("notice_delivery", "student_id", "student"))
                .foreign_key(&mut foreign("notice_delivery", "class_id", "homeroom_class"))
                .take(),
            Table::create()
                .table("notice_read")
                .col(id())
                .col(reference("delivery_id"))
                .col(reference("notice_id"))
                .col(reference("school_id"))
                .col(reference("class_id"))
                .col(reference("student_id"))
                .col(reference("guardian_id"))
                .col(timestamp_with_time_zone("read_at"))
                .foreign_key(&mut foreign("notice_read", "delivery_id", "notice_delivery"))
                .foreign_key(&mut foreign("notice_read", "guardian_id", "guardian"))
                .take(),
        ];
        let indexes = vec![
            index("notice", &["school_id", "published_at"], false),
            index("notice_delivery", &["notice_id", "student_id"], true),
            index("notice_delivery", &["student_id", "notice_id"], false),
            index("notice_read", &["delivery_id", "guardian_id"], true),
            index("notice_read", &["notice_id"], false),
        ];
        create_all(manager, tables, indexes).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("notice_read").to_owned()).await?;
        manager.drop_table(Table::drop().table("notice_delivery").to_owned()).await?;
        manager.drop_table(Table::drop().table("notice").to_owned()).await
    }
}
