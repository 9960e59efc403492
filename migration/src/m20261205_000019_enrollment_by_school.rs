//! Enrollments by school and end date: the students enrolled at a school today or before
//! (the policy's `current_student` and `former_student` for a principal) are read from this
//! index alone instead of every enrollment.

use crate::columns::index;
use sea_orm_migration::prelude::*;

const COLUMNS: [&str; 4] = ["school_id", "ends_on", "starts_on", "student_id"];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_index(index("enrollment", &COLUMNS, false)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let name = format!("ix_enrollment_{}", COLUMNS.join("_"));
        manager.drop_index(Index::drop().name(name).table("enrollment").to_owned()).await
    }
}
