//! Locking the books: the principal locks a section's semester, or a whole school's, and
//! after that a change is only a request — with its reason — until the principal approves
//! it. `book_lock` keeps every lock and its lifting; `change_request` keeps every request
//! and its decision. Rows are never deleted.

use crate::columns::{create_all, foreign, id, index, reference, reference_null};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, boolean_null, integer_null, small_integer_null, string, string_null,
    timestamp_with_time_zone, timestamp_with_time_zone_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            Table::create()
                .table("book_lock")
                .col(id())
                .col(reference("school_id"))
                .col(reference("semester_id"))
                // null: every section of the school in that semester
                .col(reference_null("section_id"))
                .col(big_integer("locked_by_id"))
                .col(timestamp_with_time_zone("locked_at"))
                .col(big_integer_null("unlocked_by_id"))
                .col(timestamp_with_time_zone_null("unlocked_at"))
                .foreign_key(&mut foreign("book_lock", "school_id", "org"))
                .foreign_key(&mut foreign("book_lock", "semester_id", "semester"))
                .foreign_key(&mut foreign("book_lock", "section_id", "section"))
                .take(),
            Table::create()
                .table("change_request")
                .col(id())
                .col(reference("school_id"))
                .col(reference("student_id"))
                // result (later: conduct | attendance)
                .col(string("kind"))
                .col(reference_null("section_id"))
                .col(reference_null("class_id"))
                .col(reference("semester_id"))
                .col(reference_null("assessment_id"))
                // the result's version the request was made against; null when it had none
                .col(integer_null("expected_version"))
                .col(small_integer_null("score_tenths"))
                .col(boolean_null("passed"))
                .col(string_null("comment"))
                // the values as the books show them
                .col(string_null("old_value"))
                .col(string("new_value"))
                .col(string("reason"))
                // pending | approved | rejected
                .col(string("status"))
                .col(big_integer("requested_by_id"))
                .col(timestamp_with_time_zone("requested_at"))
                .col(big_integer_null("decided_by_id"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(string_null("decision_note"))
                .foreign_key(&mut foreign("change_request", "student_id", "student"))
                .foreign_key(&mut foreign("change_request", "assessment_id", "assessment"))
                .take(),
        ];
        let indexes = vec![
            index("book_lock", &["school_id", "semester_id"], false),
            index("change_request", &["school_id", "status", "requested_at"], false),
            index("change_request", &["assessment_id", "student_id"], false),
        ];
        create_all(manager, tables, indexes).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("change_request").to_owned()).await?;
        manager.drop_table(Table::drop().table("book_lock").to_owned()).await
    }
}
