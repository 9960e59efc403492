//! Personal-data breaches. A `breach` is what a school's privacy officer recorded: the
//! school (`org_id`, on which it is judged), who recorded it, what happened, when it was
//! found (`discovered_at`) and the deadline to notify the authority (`notify_by`, 72 hours
//! later), when that was done (`notified_at`), and, when the breach is a reader's reads, the
//! reader and the time window the disclosure log was searched for. `breach_student` lists the
//! students it affected, each with their school.

use crate::columns::{create_all, foreign, id, index, reference, reference_null};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{string_null, text, timestamp_with_time_zone, timestamp_with_time_zone_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            Table::create()
                .table("breach")
                .col(id())
                .col(reference("org_id"))
                .col(reference("recorded_by"))
                .col(text("description"))
                .col(timestamp_with_time_zone("discovered_at"))
                .col(timestamp_with_time_zone("notify_by"))
                .col(timestamp_with_time_zone_null("notified_at"))
                .col(string_null("reader_kind"))
                .col(reference_null("reader_id"))
                .col(timestamp_with_time_zone_null("window_from"))
                .col(timestamp_with_time_zone_null("window_to"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut foreign("breach", "org_id", "org"))
                .foreign_key(&mut foreign("breach", "recorded_by", "staff"))
                .take(),
            Table::create()
                .table("breach_student")
                .col(id())
                .col(reference("breach_id"))
                .col(reference("student_id"))
                .col(reference("school_id"))
                .foreign_key(&mut foreign("breach_student", "breach_id", "breach"))
                .foreign_key(&mut foreign("breach_student", "student_id", "student"))
                .take(),
        ];
        let indexes = vec![
            index("breach", &["org_id"], false),
            index("breach_student", &["breach_id", "student_id"], true),
            index("breach_student", &["student_id"], false),
        ];
        create_all(manager, tables, indexes).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["breach_student", "breach"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
