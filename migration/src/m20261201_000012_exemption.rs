//! Exemptions (miễn giảm): a student excused from a section's assessments — for one semester
//! or the whole year — by the principal, for instance from physical education for health
//! reasons. An exempt student has no results in that subject and the subject is left out of
//! their learning result. Lifting an exemption keeps it on record.

use crate::columns::{create_all, foreign, id, index, reference, reference_null};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, timestamp_with_time_zone, timestamp_with_time_zone_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            Table::create()
                .table("exemption")
                .col(id())
                .col(reference("school_id"))
                .col(reference("student_id"))
                .col(reference("section_id"))
                .col(reference("class_id"))
                // null: the whole school year
                .col(reference_null("semester_id"))
                .col(big_integer("granted_by_id"))
                .col(timestamp_with_time_zone("granted_at"))
                .col(big_integer_null("lifted_by_id"))
                .col(timestamp_with_time_zone_null("lifted_at"))
                .foreign_key(&mut foreign("exemption", "student_id", "student"))
                .foreign_key(&mut foreign("exemption", "section_id", "section"))
                .take(),
        ];
        let indexes = vec![index("exemption", &["section_id", "student_id"], false)];
        create_all(manager, tables, indexes).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("exemption").to_owned()).await
    }
}
