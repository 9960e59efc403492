//! Students' enrollments in scheduled classes as another system named them. In EMIS a
//! student studies every section of their homeroom class, so these enrollments follow from
//! the homeroom enrollment; `section_enrollment` keeps only what an imported package said of
//! each — its `sourcedId`, dates and `primary` flag — so an export gives them back unchanged.
//! `is_primary` (OneRoster's `primary`) is kept on enrollments and teaching assignments too.

use crate::columns::{create_all, foreign, id, index, reference};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{boolean_null, date_null, string};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            Table::create()
                .table("section_enrollment")
                .col(id())
                .col(string("external_id"))
                .col(reference("school_id"))
                .col(reference("enrollment_id"))
                .col(reference("section_id"))
                .col(reference("student_id"))
                .col(boolean_null("is_primary"))
                .col(date_null("starts_on"))
                .col(date_null("ends_on"))
                .foreign_key(&mut foreign("section_enrollment", "enrollment_id", "enrollment"))
                .foreign_key(&mut foreign("section_enrollment", "section_id", "section"))
                .foreign_key(&mut foreign("section_enrollment", "student_id", "student"))
                .take(),
        ];
        let indexes = vec![
            index("section_enrollment", &["external_id"], true),
            index("section_enrollment", &["enrollment_id", "section_id"], true),
            index("section_enrollment", &["school_id"], false),
        ];
        create_all(manager, tables, indexes).await?;
        // SQLite adds one column per statement.
        for table in ["enrollment", "teaching_assignment"] {
            let add = Table::alter().table(table).add_column(boolean_null("is_primary")).to_owned();
            manager.alter_table(add).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["teaching_assignment", "enrollment"] {
            manager.alter_table(Table::alter().table(table).drop_column("is_primary").to_owned()).await?;
        }
        manager.drop_table(Table::drop().table("section_enrollment").to_owned()).await
    }
}
