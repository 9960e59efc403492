//! The history of the books: every change to a score (later: conduct, attendance) keeps who
//! made it, when, the old and the new value and the reason, so that the principal and the
//! homeroom teacher can follow a record's story. Rows are only ever added.

use crate::columns::{create_all, foreign, id, index, reference, reference_null};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, big_integer_null, string, string_null, timestamp_with_time_zone};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            Table::create()
                .table("record_change")
                .col(id())
                .col(reference("school_id"))
                .col(reference("student_id"))
                // result (later: conduct | attendance)
                .col(string("kind"))
                // the changed row of the table `kind` names
                .col(big_integer("record_id"))
                .col(reference_null("section_id"))
                .col(reference_null("class_id"))
                // the values as the books show them, e.g. "8.5" or "Đạt", with the comment
                .col(string_null("old_value"))
                .col(string_null("new_value"))
                .col(string_null("reason"))
                // the account that made the change: staff | guardian, and its id
                .col(string("changed_by_kind"))
                .col(big_integer("changed_by_id"))
                .col(timestamp_with_time_zone("changed_at"))
                // the principal who approved a change made after the book was locked
                .col(big_integer_null("approved_by_id"))
                .foreign_key(&mut foreign("record_change", "student_id", "student"))
                .take(),
        ];
        let indexes = vec![
            index("record_change", &["kind", "record_id"], false),
            index("record_change", &["student_id", "changed_at"], false),
        ];
        create_all(manager, tables, indexes).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("record_change").to_owned()).await
    }
}
