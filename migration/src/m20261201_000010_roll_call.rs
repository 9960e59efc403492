//! The roll-call book's exchanges with families: a guardian's leave request (đơn xin phép)
//! for their child, decided by the homeroom teacher, and the notifications that tell
//! guardians of an absence on the day. Rows are never deleted.

use crate::columns::{create_all, foreign, id, index, reference, reference_null};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer_null, date, integer_null, string, string_null, timestamp_with_time_zone, timestamp_with_time_zone_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            Table::create()
                .table("leave_request")
                .col(id())
                .col(reference("school_id"))
                .col(reference("student_id"))
                // the class the student was in when the request was made
                .col(reference("class_id"))
                .col(reference("guardian_id"))
                .col(date("from_date"))
                .col(date("to_date"))
                // morning | afternoon | all
                .col(string("sessions"))
                .col(string("reason"))
                // pending | accepted | rejected
                .col(string("status"))
                .col(timestamp_with_time_zone("submitted_at"))
                .col(big_integer_null("decided_by_id"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(string_null("decision_note"))
                .foreign_key(&mut foreign("leave_request", "student_id", "student"))
                .foreign_key(&mut foreign("leave_request", "guardian_id", "guardian"))
                .foreign_key(&mut foreign("leave_request", "class_id", "homeroom_class"))
                .take(),
            Table::create()
                .table("notification")
                .col(id())
                .col(reference("guardian_id"))
                .col(reference("school_id"))
                .col(reference("student_id"))
                .col(reference("class_id"))
                // absence (later: score, notice, meeting)
                .col(string("kind"))
                .col(reference_null("attendance_id"))
                .col(date("date"))
                .col(string_null("session"))
                .col(integer_null("period"))
                .col(string_null("status"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("read_at"))
                .foreign_key(&mut foreign("notification", "guardian_id", "guardian"))
                .foreign_key(&mut foreign("notification", "student_id", "student"))
                .take(),
        ];
        let indexes = vec![
            index("leave_request", &["student_id", "from_date"], false),
            index("leave_request", &["class_id", "status"], false),
            index("notification", &["guardian_id", "id"], false),
        ];
        create_all(manager, tables, indexes).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("notification").to_owned()).await?;
        manager.drop_table(Table::drop().table("leave_request").to_owned()).await
    }
}
