//! Families' consent to sharing that needs it. When a sharing agreement asks for consent, a
//! child's records reach the vendor only while a guardian's consent to the agreement's
//! purpose is in force. Every decision is kept as proof (`sharing_consent`: who decided, for
//! which child and purpose, given, refused or withdrawn, when, through which channel and on
//! which text); a later decision supersedes the earlier one, which stays.

use crate::columns::{create_all, foreign, id, index, reference};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{string_len, timestamp_with_time_zone, timestamp_with_time_zone_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            Table::create()
                .table("sharing_consent")
                .col(id())
                .col(reference("student_id"))
                // the child's school when decided, on which the decision is judged
                .col(reference("school_id"))
                // a code of the privacy officer's list (policy/purposes.csv)
                .col(string_len("purpose", 64))
                // given | refused | withdrawn
                .col(string_len("decision", 16))
                .col(reference("guardian_id"))
                // app | paper (entered by the school)
                .col(string_len("channel", 16))
                // the version of the text the guardian was shown
                .col(string_len("text_version", 64))
                .col(timestamp_with_time_zone("decided_at"))
                // when a later decision replaced this one; null while it stands
                .col(timestamp_with_time_zone_null("superseded_at"))
                .foreign_key(&mut foreign("sharing_consent", "student_id", "student"))
                .foreign_key(&mut foreign("sharing_consent", "guardian_id", "guardian"))
                .take(),
        ];
        let indexes = vec![
            index("sharing_consent", &["purpose", "student_id"], false),
            index("sharing_consent", &["student_id"], false),
        ];
        create_all(manager, tables, indexes).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("sharing_consent").to_owned()).await
    }
}
