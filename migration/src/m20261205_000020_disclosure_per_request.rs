//! One disclosure-log entry per request (and school and set of field groups) instead of one
//! per student: the entry lists its students in `students` (ascending ids, space-separated).
//! Existing entries keep their hash: an entry of one student hashes exactly as before.
//!
//! Looking entries up by student: on PostgreSQL a GIN index over the list as an array; on
//! SQLite (one school's data) by scanning the school's entries.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

/// The index expression `Student.disclosures` looks entries up by on PostgreSQL.
pub const STUDENTS_ARRAY: &str = "(string_to_array(students, ' ')::bigint[])";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("ALTER TABLE disclosure_log ADD COLUMN students TEXT NOT NULL DEFAULT ''").await?;
        db.execute_unprepared("UPDATE disclosure_log SET students = CAST(student_id AS TEXT)").await?;
        db.execute_unprepared("DROP INDEX ix_disclosure_log_student_id_at").await?;
        db.execute_unprepared("ALTER TABLE disclosure_log DROP COLUMN student_id").await?;
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared(&format!(
                    "CREATE INDEX ix_disclosure_log_students ON disclosure_log USING gin ({STUDENTS_ARRAY})"
                ))
                .await?;
            }
            _ => {
                db.execute_unprepared("CREATE INDEX ix_disclosure_log_school_id ON disclosure_log (school_id)").await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let index = match manager.get_database_backend() {
            DatabaseBackend::Postgres => "ix_disclosure_log_students",
            _ => "ix_disclosure_log_school_id",
        };
        db.execute_unprepared(&format!("DROP INDEX {index}")).await?;
        // An entry of several students goes back as its first student's.
        db.execute_unprepared("ALTER TABLE disclosure_log ADD COLUMN student_id BIGINT NOT NULL DEFAULT 0").await?;
        let first = match manager.get_database_backend() {
            DatabaseBackend::Postgres => "CAST(split_part(students, ' ', 1) AS BIGINT)",
            _ => "CAST(students AS INTEGER)",
        };
        db.execute_unprepared(&format!("UPDATE disclosure_log SET student_id = {first}")).await?;
        db.execute_unprepared("ALTER TABLE disclosure_log DROP COLUMN students").await?;
        db.execute_unprepared("CREATE INDEX ix_disclosure_log_student_id_at ON disclosure_log (student_id, at)")
            .await?;
        Ok(())
    }
}
