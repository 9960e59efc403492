//! The class's nomination of a primary student for Học sinh Tiêu biểu (Circular 27/2020):
//! per student and school year, made by the homeroom teacher at the end of the year, on the
//! ground of an outstanding subject (which one) or of clear progress, with a short note. A
//! withdrawn nomination keeps its row with the time it was withdrawn; nominating again
//! reopens it. The award itself is computed, never stored.

use crate::columns::{create_all, foreign, id, index, reference, reference_null};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, integer, string, text_null, timestamp_with_time_zone, timestamp_with_time_zone_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            Table::create()
                .table("primary_nomination")
                .col(id())
                .col(reference("school_id"))
                .col(reference("student_id"))
                // the class that nominated (the student's class when it was last changed)
                .col(reference("class_id"))
                .col(reference("school_year_id"))
                // subject | progress
                .col(string("ground"))
                // the outstanding subject, for the ground `subject`
                .col(reference_null("subject_id"))
                .col(text_null("note"))
                .col(integer("version"))
                .col(big_integer("updated_by_id"))
                .col(timestamp_with_time_zone("updated_at"))
                // set while the nomination is withdrawn
                .col(timestamp_with_time_zone_null("withdrawn_at"))
                .foreign_key(&mut foreign("primary_nomination", "student_id", "student"))
                .foreign_key(&mut foreign("primary_nomination", "class_id", "homeroom_class"))
                .foreign_key(&mut foreign("primary_nomination", "school_year_id", "school_year"))
                .foreign_key(&mut foreign("primary_nomination", "subject_id", "subject"))
                .take(),
        ];
        let indexes = vec![
            index("primary_nomination", &["student_id", "school_year_id"], true),
            index("primary_nomination", &["class_id"], false),
        ];
        create_all(manager, tables, indexes).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("primary_nomination").to_owned()).await
    }
}
