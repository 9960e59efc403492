//! Carrying out data-subject requests, and staff members' requests about themselves. A
//! request is now about a child (`student_id`, asked by a guardian: `requested_by`) or about
//! the staff member who asked (`staff_id`), so both are optional. A completed `restriction`
//! stands until it is lifted (`lifted_at`); a completed `deletion` keeps the report of what
//! was erased and what was kept, and why (`carried_out`, JSON). Indexes serve the
//! sub-selects of the people whose restriction stands.

use crate::columns::{foreign, id, index, reference, reference_null};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{string_len, text, text_null, timestamp_with_time_zone, timestamp_with_time_zone_null};
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: &str = "id, student_id, school_id, kind, details, requested_by, received_at, acknowledge_by, \
                       complete_by, acknowledged_at, assigned_to, status, outcome, completed_at, completed_by";

fn indexes() -> Vec<IndexCreateStatement> {
    vec![
        index("subject_request", &["school_id", "status", "complete_by"], false),
        index("subject_request", &["student_id"], false),
        index("subject_request", &["kind", "status", "student_id"], false),
        index("subject_request", &["staff_id", "kind", "status"], false),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = db.get_database_backend();
        if backend == DbBackend::Postgres {
            db.execute_unprepared(
                "ALTER TABLE subject_request ALTER COLUMN student_id DROP NOT NULL; \
                 ALTER TABLE subject_request ALTER COLUMN requested_by DROP NOT NULL; \
                 ALTER TABLE subject_request ADD COLUMN staff_id bigint NULL REFERENCES staff (id); \
                 ALTER TABLE subject_request ADD COLUMN lifted_at timestamp with time zone NULL; \
                 ALTER TABLE subject_request ADD COLUMN carried_out text NULL",
            )
            .await?;
            for statement in indexes().into_iter().skip(2) {
                manager.create_index(statement).await?;
            }
            return Ok(());
        }
        // SQLite cannot make a column nullable: the table is rebuilt, in one batch on one
        // connection (another connection of the pool could still see the old table).
        rebuild(manager, true).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DELETE FROM subject_request WHERE student_id IS NULL").await?;
        if db.get_database_backend() == DbBackend::Postgres {
            return db
                .execute_unprepared(
                    "DROP INDEX ix_subject_request_kind_status_student_id; \
                     DROP INDEX ix_subject_request_staff_id_kind_status; \
                     ALTER TABLE subject_request DROP COLUMN carried_out, DROP COLUMN lifted_at, \
                     DROP COLUMN staff_id, ALTER COLUMN student_id SET NOT NULL, \
                     ALTER COLUMN requested_by SET NOT NULL",
                )
                .await
                .map(drop);
        }
        rebuild(manager, false).await
    }
}

/// Rebuilds `subject_request` on SQLite with (`steps`) or without this migration's columns,
/// keeping the columns both have, in one batch.
async fn rebuild(manager: &SchemaManager<'_>, steps: bool) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let backend = db.get_database_backend();
    let (student, guardian) = if steps {
        (reference_null("student_id"), reference_null("requested_by"))
    } else {
        (reference("student_id"), reference("requested_by"))
    };
    let mut table = Table::create();
    table
        .table("subject_request_new")
        .col(id())
        .col(student)
        .col(reference("school_id"))
        .col(string_len("kind", 16))
        .col(text("details"))
        .col(guardian)
        .col(timestamp_with_time_zone("received_at"))
        .col(timestamp_with_time_zone("acknowledge_by"))
        .col(timestamp_with_time_zone("complete_by"))
        .col(timestamp_with_time_zone_null("acknowledged_at"))
        .col(reference_null("assigned_to"))
        .col(string_len("status", 16))
        .col(text_null("outcome"))
        .col(timestamp_with_time_zone_null("completed_at"))
        .col(reference_null("completed_by"))
        .foreign_key(&mut foreign("subject_request_new", "student_id", "student"))
        .foreign_key(&mut foreign("subject_request_new", "requested_by", "guardian"))
        .foreign_key(&mut foreign("subject_request_new", "assigned_to", "staff"))
        .foreign_key(&mut foreign("subject_request_new", "completed_by", "staff"));
    let mut indexes = indexes();
    if steps {
        table
            .col(reference_null("staff_id"))
            .col(timestamp_with_time_zone_null("lifted_at"))
            .col(text_null("carried_out"))
            .foreign_key(&mut foreign("subject_request_new", "staff_id", "staff"));
    } else {
        indexes.truncate(2);
    }
    let indexes: Vec<String> = indexes.iter().map(|statement| backend.build(statement).to_string()).collect();
    db.execute_unprepared(&format!(
        "{create};
         INSERT INTO subject_request_new ({COLUMNS}) SELECT {COLUMNS} FROM subject_request;
         DROP TABLE subject_request;
         ALTER TABLE subject_request_new RENAME TO subject_request;
         {indexes};",
        create = backend.build(&table),
        indexes = indexes.join(";\n"),
    ))
    .await?;
    Ok(())
}
