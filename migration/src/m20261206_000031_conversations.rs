//! Private conversations between a child's guardians and a teacher about that child: the
//! conversation (`conversation`, kept with the child, their school and the class they were
//! in when it was opened), the people in it with how far each has read (`conversation_member`),
//! its messages (`message`: a message deleted by its author keeps its row, its text erased)
//! and the reports of abuse made to the school (`message_report`). Every row carries the
//! conversation's student, school and class, so each is judged like the conversation.
//! People are named by account kind (`staff` or `guardian`) and id; no phone is kept here.

use crate::columns::{create_all, foreign, id, index, reference, reference_null};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{boolean, string, text, timestamp_with_time_zone, timestamp_with_time_zone_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The columns every table of a conversation carries, to be judged like it.
fn about(table: TableCreateStatement, name: &'static str) -> TableCreateStatement {
    let mut table = table;
    table
        .col(reference("school_id"))
        .col(reference("student_id"))
        .col(reference("class_id"))
        .foreign_key(&mut foreign(name, "school_id", "org"))
        .foreign_key(&mut foreign(name, "student_id", "student"))
        .foreign_key(&mut foreign(name, "class_id", "homeroom_class"));
    table
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conversation = Table::create()
            .table("conversation")
            .col(id())
            // who opened it: staff | guardian, and the account's id
            .col(string("opened_by_kind"))
            .col(reference("opened_by_id"))
            // open | closed
            .col(string("state"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("last_message_at"))
            .col(timestamp_with_time_zone_null("closed_at"))
            .take();
        let member = Table::create()
            .table("conversation_member")
            .col(id())
            .col(reference("conversation_id"))
            // staff | guardian, and the account's id
            .col(string("account_kind"))
            .col(reference("account_id"))
            // guardian | homeroom_teacher | subject_teacher
            .col(string("role"))
            .col(reference_null("last_read_message_id"))
            .col(boolean("muted").default(false))
            .col(timestamp_with_time_zone("joined_at"))
            .foreign_key(&mut foreign("conversation_member", "conversation_id", "conversation"))
            .take();
        let message = Table::create()
            .table("message")
            .col(id())
            .col(reference("conversation_id"))
            .col(string("author_kind"))
            .col(reference("author_id"))
            .col(text("body"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone_null("edited_at"))
            .col(timestamp_with_time_zone_null("deleted_at"))
            .foreign_key(&mut foreign("message", "conversation_id", "conversation"))
            .take();
        let report = Table::create()
            .table("message_report")
            .col(id())
            .col(reference("conversation_id"))
            .col(string("reporter_kind"))
            .col(reference("reporter_id"))
            .col(text("reason"))
            .col(timestamp_with_time_zone("created_at"))
            .foreign_key(&mut foreign("message_report", "conversation_id", "conversation"))
            .take();
        let tables = vec![
            about(conversation, "conversation"),
            about(member, "conversation_member"),
            about(message, "message"),
            about(report, "message_report"),
        ];
        let indexes = vec![
            index("conversation", &["student_id"], false),
            index("conversation_member", &["conversation_id", "account_kind", "account_id"], true),
            index("conversation_member", &["account_kind", "account_id", "conversation_id"], false),
            index("message", &["conversation_id", "id"], false),
            index("message_report", &["school_id", "conversation_id"], false),
            index("message_report", &["conversation_id"], false),
        ];
        create_all(manager, tables, indexes).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["message_report", "message", "conversation_member", "conversation"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
