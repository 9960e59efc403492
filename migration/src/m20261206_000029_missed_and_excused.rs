//! What a grade book says of an assessment a student has no value in. `missed_assessment`
//! keeps that a student missed a held assessment and has not yet made it up (a OneRoster
//! result `not submitted`), with the note and date it was recorded with; the make-up owed
//! itself follows from the column being held and the student having no result. A result
//! marked `exempt` excuses the student from that one assessment: it counts for them neither
//! way, and their average is taken over the others.

use crate::columns::{create_all, foreign, id, index, reference};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{boolean, date_null, string_null, text_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            Table::create()
                .table("missed_assessment")
                .col(id())
                .col(string_null("external_id"))
                .col(reference("school_id"))
                .col(reference("section_id"))
                .col(reference("assessment_id"))
                .col(reference("semester_id"))
                .col(reference("student_id"))
                .col(text_null("comment"))
                .col(date_null("missed_on"))
                .foreign_key(&mut foreign("missed_assessment", "assessment_id", "assessment"))
                .foreign_key(&mut foreign("missed_assessment", "student_id", "student"))
                .take(),
        ];
        let indexes = vec![
            index("missed_assessment", &["assessment_id", "student_id"], true),
            index("missed_assessment", &["school_id"], false),
        ];
        create_all(manager, tables, indexes).await?;
        let exempt = boolean("exempt").default(false).to_owned();
        manager.alter_table(Table::alter().table("result").add_column(exempt).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("result").drop_column("exempt").to_owned()).await?;
        manager.drop_table(Table::drop().table("missed_assessment").to_owned()).await
    }
}
