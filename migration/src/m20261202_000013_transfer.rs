//! Transfers between schools (chuyển trường): the sending school's principal releases a
//! student to another school from a date — their enrollment there ends the day before —
//! and the receiving school's principal admits them into one of its classes from that date.
//! Moves between classes of one school need no table of their own: the old enrollment ends
//! and a new one starts.

use crate::columns::{create_all, foreign, id, index, reference, reference_null};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, date, string, text, timestamp_with_time_zone, timestamp_with_time_zone_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            Table::create()
                .table("transfer")
                .col(id())
                .col(reference("student_id"))
                .col(reference("from_school_id"))
                .col(reference("from_class_id"))
                .col(reference("to_school_id"))
                // set when the receiving school admits the student
                .col(reference_null("to_class_id"))
                // the first day at the receiving school
                .col(date("arrives_on"))
                .col(text("reason"))
                // pending | admitted
                .col(string("status"))
                .col(big_integer("released_by_id"))
                .col(timestamp_with_time_zone("released_at"))
                .col(big_integer_null("admitted_by_id"))
                .col(timestamp_with_time_zone_null("admitted_at"))
                .foreign_key(&mut foreign("transfer", "student_id", "student"))
                .foreign_key(&mut foreign("transfer", "from_school_id", "org"))
                .foreign_key(&mut foreign("transfer", "to_school_id", "org"))
                .take(),
        ];
        let indexes = vec![
            index("transfer", &["to_school_id", "status"], false),
            index("transfer", &["from_school_id", "status"], false),
            index("transfer", &["student_id"], false),
        ];
        create_all(manager, tables, indexes).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("transfer").to_owned()).await
    }
}
