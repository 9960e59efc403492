//! Database migrations of EMIS, written with SeaQuery's schema builders so the same
//! migration runs on SQLite and PostgreSQL. Migrations never use the live entity types, so an
//! old migration keeps its meaning when the entities change.
//!
//! Conventions: every id is a 64-bit integer; people and organisations also carry an
//! immutable `external_id` (the sector database / OneRoster `sourcedId`); every school-owned
//! row carries `school_id` so data can later be partitioned by school; records are never
//! hard-deleted, statuses and end dates change instead; sensitive values are stored only as
//! ciphertext (`*_enc`) with, where exact look-up is needed, a keyed hash (`*_blind`).

pub use sea_orm_migration::prelude::*;

mod columns;
mod m20261128_000001_organisations;
mod m20261128_000002_people;
mod m20261128_000003_teaching;
mod m20261128_000004_records;
mod m20261128_000005_security;
mod m20261129_000006_student_search;
mod m20261129_000007_exchange;
mod m20261129_000008_record_change;
mod m20261201_000009_book_locks;
mod m20261201_000010_roll_call;
mod m20261201_000011_conduct;
mod m20261201_000012_exemption;
mod m20261202_000013_transfer;
mod m20261202_000014_primary_book;
mod m20261202_000015_conduct_requests;
mod m20261202_000016_partial_exemption;
mod m20261205_000017_attendance_requests;
mod m20261205_000018_primary_nomination;
mod m20261205_000019_enrollment_by_school;
mod m20261205_000020_disclosure_per_request;
mod m20261206_000021_sign_in_and_sessions;
mod m20261206_000022_missing_assessments;
mod m20261206_000023_outbox;
mod m20261206_000024_account_activation;
mod m20261206_000025_staff_lifecycle;
mod m20261206_000027_student_accounts;
mod m20261206_000028_section_enrollments;
mod m20261206_000029_missed_and_excused;
mod m20261206_000030_notices;
mod m20261206_000031_conversations;
mod m20261206_000032_notice_invitations;
mod m20261206_000033_attachments;
mod m20261206_000034_notification_channels;
mod m20261207_000035_staff_delivery;
mod m20261207_000036_vendor_sharing;
mod m20261207_000037_sharing_consent;
mod m20261207_000038_sharing_caps;
mod m20261207_000039_sharing_cap_notifications;
mod m20261207_000040_policy_changes;
mod m20261207_000041_breaches;
mod m20261207_000042_child_consent;
mod m20261207_000043_subject_requests;
mod m20261207_000044_subject_request_steps;
mod m20261207_000045_signals;
mod m20261207_000046_replica_reads;

/// The expression PostgreSQL indexes the disclosure log's student lists by; a query must
/// use it verbatim for the index to serve it.
pub use m20261205_000020_disclosure_per_request::STUDENTS_ARRAY as DISCLOSURE_STUDENTS_ARRAY;

/// Runs the migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_organisations::Migration),
            Box::new(m20261128_000002_people::Migration),
            Box::new(m20261128_000003_teaching::Migration),
            Box::new(m20261128_000004_records::Migration),
            Box::new(m20261128_000005_security::Migration),
            Box::new(m20261129_000006_student_search::Migration),
            Box::new(m20261129_000007_exchange::Migration),
            Box::new(m20261129_000008_record_change::Migration),
            Box::new(m20261201_000009_book_locks::Migration),
            Box::new(m20261201_000010_roll_call::Migration),
            Box::new(m20261201_000011_conduct::Migration),
            Box::new(m20261201_000012_exemption::Migration),
            Box::new(m20261202_000013_transfer::Migration),
            Box::new(m20261202_000014_primary_book::Migration),
            Box::new(m20261202_000015_conduct_requests::Migration),
            Box::new(m20261202_000016_partial_exemption::Migration),
            Box::new(m20261205_000017_attendance_requests::Migration),
            Box::new(m20261205_000018_primary_nomination::Migration),
            Box::new(m20261205_000019_enrollment_by_school::Migration),
            Box::new(m20261205_000020_disclosure_per_request::Migration),
            Box::new(m20261206_000021_sign_in_and_sessions::Migration),
            Box::new(m20261206_000022_missing_assessments::Migration),
            Box::new(m20261206_000023_outbox::Migration),
            Box::new(m20261206_000024_account_activation::Migration),
            Box::new(m20261206_000025_staff_lifecycle::Migration),
            Box::new(m20261206_000027_student_accounts::Migration),
            Box::new(m20261206_000028_section_enrollments::Migration),
            Box::new(m20261206_000029_missed_and_excused::Migration),
            Box::new(m20261206_000030_notices::Migration),
            Box::new(m20261206_000031_conversations::Migration),
            Box::new(m20261206_000032_notice_invitations::Migration),
            Box::new(m20261206_000033_attachments::Migration),
            Box::new(m20261206_000034_notification_channels::Migration),
            Box::new(m20261207_000035_staff_delivery::Migration),
            Box::new(m20261207_000036_vendor_sharing::Migration),
            Box::new(m20261207_000037_sharing_consent::Migration),
            Box::new(m20261207_000038_sharing_caps::Migration),
            Box::new(m20261207_000039_sharing_cap_notifications::Migration),
            Box::new(m20261207_000040_policy_changes::Migration),
            Box::new(m20261207_000041_breaches::Migration),
            Box::new(m20261207_000042_child_consent::Migration),
            Box::new(m20261207_000043_subject_requests::Migration),
            Box::new(m20261207_000044_subject_request_steps::Migration),
            Box::new(m20261207_000045_signals::Migration),
            Box::new(m20261207_000046_replica_reads::Migration),
        ]
    }
}
