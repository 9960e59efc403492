//! Staff (with employment status history and dated roles), students and guardians. Sensitive
//! values are ciphertext columns (`*_enc`); exact look-ups use keyed hashes (`*_blind`).

use crate::columns::{create_all, foreign, id, index, reference};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{blob_null, date, date_null, string, string_null, timestamp_with_time_zone};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Columns every person shares: names, sign-in and the sealed identity fields.
fn person(table: &'static str) -> TableCreateStatement {
    Table::create()
        .table(table)
        .col(id())
        .col(string("external_id").unique_key())
        .col(string("family_name"))
        .col(string("given_name"))
        .col(string("full_name"))
        // lower-case, diacritics removed: the column name search runs on
        .col(string("search_name"))
        // given name first, folded: the order Vietnamese rosters are read in
        .col(string("sort_name"))
        .col(string_null("gender"))
        .col(date_null("birth_date"))
        .col(blob_null("identity_no_enc"))
        .col(string_null("identity_no_blind"))
        .col(blob_null("address_enc"))
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut staff = person("staff");
        staff
            .col(reference("school_id"))
            .col(string_null("username").unique_key())
            .col(string_null("password_hash"))
            .col(blob_null("phone_enc"))
            .col(string_null("phone_blind"))
            .col(blob_null("email_enc"))
            // active | on_leave | transferred | left
            .col(string("status"))
            .foreign_key(&mut foreign("staff", "school_id", "org"));
        let mut student = person("student");
        student
            .col(reference("school_id"))
            .col(blob_null("ethnicity_enc"))
            .col(blob_null("religion_enc"))
            .col(blob_null("health_enc"))
            // studying | transferred | graduated | dropped_out
            .col(string("status"))
            .foreign_key(&mut foreign("student", "school_id", "org"));
        let mut guardian = person("guardian");
        guardian
            .col(string_null("username").unique_key())
            .col(string_null("password_hash"))
            .col(blob_null("phone_enc"))
            .col(string_null("phone_blind"))
            .col(blob_null("email_enc"))
            // active | disabled
            .col(string("status"));
        let tables = vec![
            staff,
            Table::create()
                .table("staff_status_history")
                .col(id())
                .col(reference("staff_id"))
                .col(reference("school_id"))
                .col(string("status"))
                .col(date("effective_from"))
                .col(timestamp_with_time_zone("recorded_at"))
                .foreign_key(&mut foreign("staff_status_history", "staff_id", "staff"))
                .take(),
            Table::create()
                .table("staff_role")
                .col(id())
                .col(reference("staff_id"))
                // the organisation the role is held at: a school, or an office for officers
                .col(reference("org_id"))
                // principal | vice_principal | clerk | district_officer | privacy_officer | operator
                .col(string("role"))
                .col(date("starts_on"))
                .col(date_null("ends_on"))
                .foreign_key(&mut foreign("staff_role", "staff_id", "staff"))
                .foreign_key(&mut foreign("staff_role", "org_id", "org"))
                .take(),
            student,
            guardian,
            Table::create()
                .table("guardianship")
                .col(id())
                .col(reference("guardian_id"))
                .col(reference("student_id"))
                .col(reference("school_id"))
                // father | mother | guardian
                .col(string("relationship"))
                // active | restricted
                .col(string("access_status"))
                .col(date("starts_on"))
                .col(date_null("ends_on"))
                .foreign_key(&mut foreign("guardianship", "guardian_id", "guardian"))
                .foreign_key(&mut foreign("guardianship", "student_id", "student"))
                .take(),
        ];
        let indexes = vec![
            index("staff", &["school_id", "search_name"], false),
            index("staff", &["phone_blind"], false),
            index("staff_status_history", &["staff_id"], false),
            index("staff_role", &["staff_id"], false),
            index("student", &["school_id", "sort_name", "id"], false),
            index("student", &["search_name"], false),
            index("student", &["identity_no_blind"], false),
            index("guardian", &["phone_blind"], false),
            index("guardianship", &["guardian_id"], false),
            index("guardianship", &["student_id"], false),
        ];
        create_all(manager, tables, indexes).await
    }
}
