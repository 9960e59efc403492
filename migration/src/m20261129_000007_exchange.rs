//! What data exchange (OneRoster CSV) needs to keep: the exchange identifier (`sourcedId`) of
//! every record a package carries that had none — school years, semesters, enrollments,
//! teaching assignments, staff roles, assessment columns, results and attendance — so that
//! importing the same package twice changes nothing and an export gives back the identifiers
//! it was given; courses (a subject as an organisation offers it to a grade) and assessment
//! categories (a kind of column with its weight), which classes and columns refer to; and the
//! log of imports and exports (who, when, what scope, whether sensitive fields were written).
//!
//! Records created in EMIS itself have no exchange identifier; an export names them by table
//! and id.

use crate::columns::{create_all, foreign, id, index, reference, reference_null};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    boolean, double_null, small_integer_null, string, string_null, timestamp_with_time_zone,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tables that gain a nullable, unique `external_id`.
const IDENTIFIED: [&str; 7] =
    ["school_year", "semester", "enrollment", "teaching_assignment", "staff_role", "assessment", "attendance"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            Table::create()
                .table("course")
                .col(id())
                .col(string("external_id").unique_key())
                .col(reference("org_id"))
                .col(reference_null("school_year_id"))
                .col(string("title"))
                .col(string_null("code"))
                .col(small_integer_null("grade_level"))
                // null for a homeroom course
                .col(reference_null("subject_id"))
                .foreign_key(&mut foreign("course", "org_id", "org"))
                .foreign_key(&mut foreign("course", "subject_id", "subject"))
                .take(),
            Table::create()
                .table("assessment_category")
                .col(id())
                .col(string("external_id").unique_key())
                .col(string("title"))
                // regular | midterm | final
                .col(string("kind"))
                .col(double_null("weight"))
                .take(),
            Table::create()
                .table("exchange_log")
                .col(id())
                .col(timestamp_with_time_zone("at"))
                // import | export
                .col(string("direction"))
                // who ran it, as the command was told
                .col(string("actor"))
                // the school's external id, or "all"
                .col(string("scope"))
                .col(boolean("sensitive"))
                // counts per kind, e.g. "students=20160 results=1201200"
                .col(string("summary"))
                .take(),
        ];
        create_all(manager, tables, Vec::new()).await?;
        // SQLite alters one column per statement.
        for table in IDENTIFIED {
            add(manager, table, ColumnDef::new("external_id").string().null().take()).await?;
            manager.create_index(index(table, &["external_id"], true)).await?;
        }
        // A result is identified by its student and column; its exchange id is kept, not indexed.
        add(manager, "result", ColumnDef::new("external_id").string().null().take()).await?;
        add(manager, "assessment", ColumnDef::new("title").string().null().take()).await?;
        add(manager, "assessment", ColumnDef::new("category_id").big_integer().null().take()).await?;
        add(manager, "homeroom_class", ColumnDef::new("course_id").big_integer().null().take()).await?;
        add(manager, "section", ColumnDef::new("course_id").big_integer().null().take()).await
    }
}

async fn add(manager: &SchemaManager<'_>, table: &'static str, mut column: ColumnDef) -> Result<(), DbErr> {
    manager.alter_table(Table::alter().table(table).add_column(&mut column).take()).await
}
