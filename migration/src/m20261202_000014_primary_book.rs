//! The primary summary book (Circular 27/2020): per student, class and checkpoint
//! (mid-semester I, end of semester I, mid-semester II, end of year), each subject's level
//! T/H/C with its periodic test score where the subject has one, and each quality's and
//! competency's rating Tốt/Đạt/Cần cố gắng, with comments. One row per evaluated item; the
//! year result, grade and programme completion and awards are computed, never stored.

use crate::columns::{create_all, foreign, id, index, reference, reference_null};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, integer, small_integer_null, string, text_null, timestamp_with_time_zone,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            Table::create()
                .table("primary_evaluation")
                .col(id())
                .col(reference("school_id"))
                .col(reference("student_id"))
                .col(reference("class_id"))
                // the subject's section; null for a quality or competency
                .col(reference_null("section_id"))
                // mid_1 | end_1 | mid_2 | end_year
                .col(string("checkpoint"))
                // the subject's code, or a quality's (pc.*) or competency's (nl.*) code
                .col(string("item"))
                // T | H | C for a subject; tot | dat | can_co_gang for a quality or competency
                .col(string("level"))
                .col(small_integer_null("test_score"))
                .col(text_null("comment"))
                .col(integer("version"))
                .col(big_integer("updated_by_id"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut foreign("primary_evaluation", "student_id", "student"))
                .foreign_key(&mut foreign("primary_evaluation", "class_id", "homeroom_class"))
                .take(),
        ];
        let indexes = vec![
            index("primary_evaluation", &["student_id", "class_id", "checkpoint", "item"], true),
            index("primary_evaluation", &["class_id", "checkpoint"], false),
        ];
        create_all(manager, tables, indexes).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("primary_evaluation").to_owned()).await
    }
}
