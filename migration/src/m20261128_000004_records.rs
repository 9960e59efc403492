//! The books' records: assessment columns per section and semester, results (scores and
//! comments), and roll-call attendance.

use crate::columns::{create_all, foreign, id, index, reference};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    boolean_null, date, integer, integer_null, small_integer, small_integer_null, string, string_null,
    timestamp_with_time_zone,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            Table::create()
                .table("assessment")
                .col(id())
                .col(reference("school_id"))
                .col(reference("section_id"))
                .col(reference("semester_id"))
                // regular | midterm | final
                .col(string("kind"))
                // 1.. within the kind (regular assessments are numbered)
                .col(small_integer("sequence"))
                .foreign_key(&mut foreign("assessment", "section_id", "section"))
                .foreign_key(&mut foreign("assessment", "semester_id", "semester"))
                .take(),
            Table::create()
                .table("result")
                .col(id())
                .col(reference("school_id"))
                .col(reference("section_id"))
                .col(reference("assessment_id"))
                // the assessment's semester, so a student's semester is one index walk
                .col(reference("semester_id"))
                .col(reference("student_id"))
                // score in tenths (0..=100) for scored subjects
                .col(small_integer_null("score_tenths"))
                // Đạt (true) / Chưa đạt (false) for comment-only subjects
                .col(boolean_null("passed"))
                .col(string_null("comment"))
                .col(integer("version"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut foreign("result", "assessment_id", "assessment"))
                .foreign_key(&mut foreign("result", "student_id", "student"))
                .take(),
            Table::create()
                .table("attendance")
                .col(id())
                .col(reference("school_id"))
                .col(reference("student_id"))
                .col(reference("class_id"))
                .col(date("date"))
                // morning | afternoon
                .col(string("session"))
                .col(integer_null("period"))
                // present | excused | unexcused | late | left_period
                .col(string("status"))
                .col(string_null("note"))
                .foreign_key(&mut foreign("attendance", "student_id", "student"))
                .foreign_key(&mut foreign("attendance", "class_id", "homeroom_class"))
                .take(),
        ];
        let indexes = vec![
            index("assessment", &["section_id", "semester_id"], false),
            index("result", &["student_id", "assessment_id"], true),
            index("result", &["student_id", "semester_id"], false),
            index("result", &["section_id"], false),
            index("attendance", &["student_id", "date"], false),
            index("attendance", &["class_id", "date"], false),
        ];
        create_all(manager, tables, indexes).await
    }
}
