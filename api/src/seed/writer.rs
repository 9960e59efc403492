//! Writing the generated rows: [`Rows`] queues them, [`Writer`] inserts them in foreign-key
//! order in batches of at most [`crate::db::INSERT_BATCH_ROWS`] inside the seed's transaction, counts them,
//! shows progress on a terminal, and finally moves PostgreSQL id sequences past the
//! explicit ids.

use super::SeedOptions;
use anyhow::Context as _;
use entity::{
    assessment, attendance, data_key, enrollment, guardian, guardianship, homeroom_class, org, org_parent, result,
    school_year, section, semester, staff, staff_role, staff_status_history, student, subject, teaching_assignment,
};
use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::{ConnectionTrait as _, DatabaseTransaction, DbBackend, EntityTrait, IntoActiveModel};
use std::collections::BTreeMap;
use std::io::IsTerminal as _;

/// Rows waiting to be inserted.
#[derive(Default)]
pub struct Rows {
    pub orgs: Vec<org::Model>,
    pub org_parents: Vec<org_parent::Model>,
    pub school_years: Vec<school_year::Model>,
    pub semesters: Vec<semester::Model>,
    pub subjects: Vec<subject::Model>,
    pub data_keys: Vec<data_key::Model>,
    pub staff: Vec<staff::Model>,
    pub staff_history: Vec<staff_status_history::Model>,
    pub staff_roles: Vec<staff_role::Model>,
    pub classes: Vec<homeroom_class::Model>,
    pub sections: Vec<section::Model>,
    pub assignments: Vec<teaching_assignment::Model>,
    pub students: Vec<student::Model>,
    pub guardians: Vec<guardian::Model>,
    pub guardianships: Vec<guardianship::Model>,
    pub enrollments: Vec<enrollment::Model>,
    pub assessments: Vec<assessment::Model>,
    pub results: Vec<result::Model>,
    pub attendance: Vec<attendance::Model>,
}

/// Inserts queued rows into the transaction and counts them per table.
pub struct Writer<'t> {
    txn: &'t DatabaseTransaction,
    counts: BTreeMap<&'static str, u64>,
    progress: ProgressBar,
}

impl<'t> Writer<'t> {
    pub fn new(txn: &'t DatabaseTransaction, opts: &SeedOptions) -> Self {
        let progress = if std::io::stderr().is_terminal() {
            let classes = opts.class_count();
            let style = ProgressStyle::with_template("{prefix} {wide_bar} {pos}/{len} lớp / classes")
                .unwrap_or_else(|_| ProgressStyle::default_bar());
            ProgressBar::new(u64::try_from(classes).unwrap_or(0)).with_style(style).with_prefix("seed")
        } else {
            ProgressBar::hidden()
        };
        Self { txn, counts: BTreeMap::new(), progress }
    }

    /// Inserts everything queued, parents before children.
    pub async fn flush(&mut self, rows: Rows) -> anyhow::Result<()> {
        self.insert::<org::Entity>(rows.orgs).await?;
        self.insert::<org_parent::Entity>(rows.org_parents).await?;
        self.insert::<school_year::Entity>(rows.school_years).await?;
        self.insert::<semester::Entity>(rows.semesters).await?;
        self.insert::<subject::Entity>(rows.subjects).await?;
        self.insert::<data_key::Entity>(rows.data_keys).await?;
        self.insert::<staff::Entity>(rows.staff).await?;
        self.insert::<staff_status_history::Entity>(rows.staff_history).await?;
        self.insert::<staff_role::Entity>(rows.staff_roles).await?;
        self.insert::<homeroom_class::Entity>(rows.classes).await?;
        self.insert::<section::Entity>(rows.sections).await?;
        self.insert::<teaching_assignment::Entity>(rows.assignments).await?;
        self.insert::<student::Entity>(rows.students).await?;
        self.insert::<guardian::Entity>(rows.guardians).await?;
        self.insert::<guardianship::Entity>(rows.guardianships).await?;
        self.insert::<enrollment::Entity>(rows.enrollments).await?;
        self.insert::<assessment::Entity>(rows.assessments).await?;
        self.insert::<result::Entity>(rows.results).await?;
        self.insert::<attendance::Entity>(rows.attendance).await
    }

    async fn insert<E>(&mut self, rows: Vec<E::Model>) -> anyhow::Result<()>
    where
        E: EntityTrait,
        E::Model: IntoActiveModel<E::ActiveModel>,
    {
        if rows.is_empty() {
            return Ok(());
        }
        let table = E::default().table_name();
        *self.counts.entry(table).or_default() += u64::try_from(rows.len()).unwrap_or(u64::MAX);
        crate::db::insert_in_batches::<E>(self.txn, rows).await.context("inserting demo rows")
    }

    /// One more class written.
    pub fn class_done(&self) {
        self.progress.inc(1);
    }

    /// Resets PostgreSQL id sequences past the explicit ids; returns the row counts.
    pub async fn finish(self) -> anyhow::Result<BTreeMap<&'static str, u64>> {
        self.progress.finish_and_clear();
        if self.txn.get_database_backend() == DbBackend::Postgres {
            for table in self.counts.keys() {
                let sql =
                    format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))");
                self.txn
                    .execute_unprepared(&sql)
                    .await
                    .with_context(|| format!("resetting the id sequence of {table}"))?;
            }
        }
        Ok(self.counts)
    }
}
