//! Who studies and teaches where: homeroom classes per school year, sections (class × subject
//! × year), dated teaching assignments (subject teacher of a section, homeroom teacher of a
//! class) and dated enrollments of students in classes.

use crate::columns::{create_all, foreign, id, index, reference, reference_null};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{date, date_null, integer, small_integer, string};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            Table::create()
                .table("homeroom_class")
                .col(id())
                .col(string("external_id").unique_key())
                .col(reference("school_id"))
                .col(reference("school_year_id"))
                .col(small_integer("grade_level"))
                .col(string("name"))
                .foreign_key(&mut foreign("homeroom_class", "school_id", "org"))
                .foreign_key(&mut foreign("homeroom_class", "school_year_id", "school_year"))
                .take(),
            Table::create()
                .table("section")
                .col(id())
                .col(string("external_id").unique_key())
                .col(reference("school_id"))
                .col(reference("class_id"))
                .col(reference("subject_id"))
                .col(reference("school_year_id"))
                .col(integer("periods_per_year"))
                .foreign_key(&mut foreign("section", "class_id", "homeroom_class"))
                .foreign_key(&mut foreign("section", "subject_id", "subject"))
                .take(),
            Table::create()
                .table("teaching_assignment")
                .col(id())
                .col(reference("school_id"))
                .col(reference("staff_id"))
                // subject: teaches `section_id`; homeroom: homeroom teacher of `class_id`
                .col(string("kind"))
                .col(reference_null("section_id"))
                .col(reference_null("class_id"))
                .col(date("starts_on"))
                .col(date_null("ends_on"))
                .foreign_key(&mut foreign("teaching_assignment", "staff_id", "staff"))
                .foreign_key(&mut foreign("teaching_assignment", "section_id", "section"))
                .foreign_key(&mut foreign("teaching_assignment", "class_id", "homeroom_class"))
                .take(),
            Table::create()
                .table("enrollment")
                .col(id())
                .col(reference("school_id"))
                .col(reference("student_id"))
                .col(reference("class_id"))
                .col(date("starts_on"))
                .col(date_null("ends_on"))
                .foreign_key(&mut foreign("enrollment", "student_id", "student"))
                .foreign_key(&mut foreign("enrollment", "class_id", "homeroom_class"))
                .take(),
        ];
        let indexes = vec![
            index("homeroom_class", &["school_id", "school_year_id"], false),
            index("section", &["class_id"], false),
            index("teaching_assignment", &["staff_id"], false),
            index("teaching_assignment", &["section_id"], false),
            index("teaching_assignment", &["class_id"], false),
            index("enrollment", &["class_id", "student_id"], false),
            index("enrollment", &["student_id"], false),
        ];
        create_all(manager, tables, indexes).await
    }
}
