//! Data-subject requests. A `subject_request` is what a guardian asked about their child
//! (Law 91/2025): a copy of the child's data (`access`), a `correction`, a `restriction` of
//! processing, or a `deletion`; judged as a record about the child at the school they were in
//! (`school_id`). It keeps who asked, what, when it was received, the legal deadlines to
//! acknowledge (`acknowledge_by`) and to complete (`complete_by`), who acknowledged it, who
//! handles it (`assigned_to`), and how it ended (`status`, `outcome`, `completed_at`).

use crate::columns::{create_all, foreign, id, index, reference, reference_null};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{string_len, text, text_null, timestamp_with_time_zone, timestamp_with_time_zone_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            Table::create()
                .table("subject_request")
                .col(id())
                .col(reference("student_id"))
                .col(reference("school_id"))
                // access | correction | restriction | deletion
                .col(string_len("kind", 16))
                .col(text("details"))
                .col(reference("requested_by"))
                .col(timestamp_with_time_zone("received_at"))
                .col(timestamp_with_time_zone("acknowledge_by"))
                .col(timestamp_with_time_zone("complete_by"))
                .col(timestamp_with_time_zone_null("acknowledged_at"))
                .col(reference_null("assigned_to"))
                // received | acknowledged | completed | refused
                .col(string_len("status", 16))
                .col(text_null("outcome"))
                .col(timestamp_with_time_zone_null("completed_at"))
                .col(reference_null("completed_by"))
                .foreign_key(&mut foreign("subject_request", "student_id", "student"))
                .foreign_key(&mut foreign("subject_request", "requested_by", "guardian"))
                .foreign_key(&mut foreign("subject_request", "assigned_to", "staff"))
                .foreign_key(&mut foreign("subject_request", "completed_by", "staff"))
                .take(),
        ];
        let indexes = vec![
            index("subject_request", &["school_id", "status", "complete_by"], false),
            index("subject_request", &["student_id"], false),
        ];
        create_all(manager, tables, indexes).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("subject_request").to_owned()).await
    }
}
