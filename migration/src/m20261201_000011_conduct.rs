//! Conduct (kết quả rèn luyện): the level the homeroom teacher sets for each student of the
//! class per semester, with a comment and an optimistic-locking version. One row per student
//! and semester; every change is kept in `record_change`.

use crate::columns::{create_all, foreign, id, index, reference};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, integer, string, string_null, timestamp_with_time_zone};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            Table::create()
                .table("conduct")
                .col(id())
                .col(reference("school_id"))
                .col(reference("student_id"))
                .col(reference("class_id"))
                .col(reference("semester_id"))
                // tot | kha | dat | chua_dat
                .col(string("level"))
                .col(string_null("comment"))
                .col(integer("version"))
                .col(big_integer("updated_by_id"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut foreign("conduct", "student_id", "student"))
                .foreign_key(&mut foreign("conduct", "class_id", "homeroom_class"))
                .foreign_key(&mut foreign("conduct", "semester_id", "semester"))
                .take(),
        ];
        let indexes = vec![
            index("conduct", &["student_id", "semester_id"], true),
            index("conduct", &["class_id", "semester_id"], false),
        ];
        create_all(manager, tables, indexes).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("conduct").to_owned()).await
    }
}
