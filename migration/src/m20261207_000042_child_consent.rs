//! A child's own decision on consent. From the age of 7 a child is asked too (Law 91/2025):
//! `sharing_consent` now records who decided (`decided_by`: the guardian, or the child), and
//! its `guardian_id` is empty when the child decided in their own app (it names the guardian
//! when the child's answer was given through the guardian's). Every decision made before
//! was a guardian's.

use crate::columns::{foreign, id, index, reference, reference_null};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{string_len, timestamp_with_time_zone, timestamp_with_time_zone_null};
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: &str =
    "id, student_id, school_id, purpose, decision, guardian_id, channel, text_version, decided_at, superseded_at";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if db.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared(
                "ALTER TABLE sharing_consent ALTER COLUMN guardian_id DROP NOT NULL; \
                 ALTER TABLE sharing_consent ADD COLUMN decided_by varchar(16) NOT NULL DEFAULT 'guardian'",
            )
            .await?;
            return Ok(());
        }
        // SQLite cannot make a column nullable: the table is rebuilt, in one batch on one
        // connection (another connection of the pool could still see the old table).
        let backend = db.get_database_backend();
        let table = Table::create()
            .table("sharing_consent_new")
            .col(id())
            .col(reference("student_id"))
            .col(reference("school_id"))
            .col(string_len("purpose", 64))
            .col(string_len("decision", 16))
            .col(reference_null("guardian_id"))
            .col(string_len("channel", 16))
            .col(string_len("text_version", 64))
            .col(timestamp_with_time_zone("decided_at"))
            .col(timestamp_with_time_zone_null("superseded_at"))
            // guardian | child
            .col(string_len("decided_by", 16).default("guardian"))
            .foreign_key(&mut foreign("sharing_consent_new", "student_id", "student"))
            .foreign_key(&mut foreign("sharing_consent_new", "guardian_id", "guardian"))
            .take();
        let by_purpose = backend.build(&index("sharing_consent", &["purpose", "student_id"], false));
        let by_student = backend.build(&index("sharing_consent", &["student_id"], false));
        db.execute_unprepared(&format!(
            "{create};
             INSERT INTO sharing_consent_new ({COLUMNS}, decided_by) SELECT {COLUMNS}, 'guardian' FROM sharing_consent;
             DROP TABLE sharing_consent;
             ALTER TABLE sharing_consent_new RENAME TO sharing_consent;
             {by_purpose};
             {by_student};",
            create = backend.build(&table),
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DELETE FROM sharing_consent WHERE decided_by <> 'guardian'").await?;
        manager.alter_table(Table::alter().table("sharing_consent").drop_column("decided_by").to_owned()).await
    }
}
