//! Deterministic demo data: a realistic Ho Chi Minh City school system (department, offices
//! before and after the 2025 reform, primary and lower-secondary schools, staff, students,
//! guardians, grade book and roll-call records) written into an empty, migrated database.
//!
//! The same [`SeedOptions`] always produce the same rows — names, dates, scores, ids — except
//! what must be random or current: wrapped data keys and their `created_at`, ciphertext
//! nonces and the password salt (and `data_key` ids start after any key the vault stored).
//! Sensitive values go only through a [`Sealer`] and are never written in plaintext.
//! Everything is written in one transaction, so a failed seed leaves the database untouched.

mod allocation;
mod families;
mod orgs;
mod person;
mod records;
mod report;
mod staff;
mod students;
mod teaching;
mod vocab;
mod writer;

#[cfg(test)]
mod tests;

use anyhow::{Context as _, bail};
use chrono::NaiveDate;
use entity::{data_key, org};
use rand::SeedableRng as _;
use rand_chacha::ChaCha8Rng;
use sea_orm::{ConnectionTrait as _, QuerySelect as _, TransactionTrait as _};
use sea_orm::{DatabaseConnection, EntityTrait as _, PaginatorTrait as _, QueryOrder as _};

pub use report::{DemoAccount, SeedReport};

/// The password of every seeded account.
pub const DEMO_PASSWORD: &str = "emis-demo";

/// What the seed needs from the vault: fresh per-person data keys, sealing, blind indexes.
pub trait Sealer: Send + Sync {
    /// Creates a data key with id `key_id` (assigned by the seed, for scope "student:<id>",
    /// "guardian:<id>" or "staff:<id>"); returns the key and its wrapped (binary age) bytes.
    /// The seed inserts the `data_key` row itself with that explicit id.
    fn new_key(&self, key_id: i64) -> anyhow::Result<(emis_crypto::DataKey, Vec<u8>)>;
    /// Seals `plaintext` for `table.column` of row `row_id` (column: the `*_enc` column name)
    /// under `key`, the data key numbered `key_id`.
    fn seal(
        &self,
        key: &emis_crypto::DataKey,
        key_id: i64,
        table: &str,
        column: &str,
        row_id: i64,
        plaintext: &str,
    ) -> anyhow::Result<Vec<u8>> {
        let context = emis_crypto::FieldContext { table, column, row_id };
        Ok(emis_crypto::seal(key, u64::try_from(key_id)?, &context, plaintext.as_bytes())?)
    }
    /// The blind index of `value`; domains: "student.identity_no", "staff.identity_no",
    /// "guardian.identity_no", "staff.phone", "guardian.phone".
    fn blind(&self, domain: &str, value: &str) -> String;
}

/// How much to generate. Schools alternate primary (TH, grades 1–5) and lower secondary
/// (THCS, grades 6–9), starting with a primary school.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedOptions {
    /// Number of schools (at least 2: the demo accounts live in the first THCS school).
    pub schools: usize,
    /// Students in every class.
    pub students_per_class: usize,
    /// Classes in every grade.
    pub classes_per_grade: usize,
    /// Grades with classes per school, from the lowest of its level; `None`: all of them.
    pub grades_per_school: Option<usize>,
    /// Seed of the random generator: the same seed gives the same data.
    pub seed: u64,
}

impl Default for SeedOptions {
    fn default() -> Self {
        Self { schools: 4, students_per_class: 35, classes_per_grade: 2, grades_per_school: None, seed: 2026 }
    }
}

impl SeedOptions {
    /// About 20,000 students: 16 schools with 8 classes of 35 per grade (20,160 students).
    pub fn benchmark() -> Self {
        Self { schools: 16, classes_per_grade: 8, ..Self::default() }
    }

    /// A city's share, ten times the benchmark's district: 160 schools with 8 classes of 35 per
    /// grade (201,600 students).
    pub fn city() -> Self {
        Self { schools: 160, ..Self::benchmark() }
    }

    /// A small school system to click through: 4 schools (two TH, two THCS, so a student
    /// can move between lower-secondary schools), 2 classes of 30 per grade (1,080 students).
    pub fn demo() -> Self {
        Self { schools: 4, students_per_class: 30, ..Self::default() }
    }

    /// For tests: one TH school (grades 1–2) and one THCS school (grades 6–7), one class of 8
    /// per grade (32 students).
    pub fn tiny() -> Self {
        Self { schools: 2, students_per_class: 8, classes_per_grade: 1, grades_per_school: Some(2), ..Self::default() }
    }

    /// Grades of a school of `level` that get classes.
    fn grades(&self, level: entity::SchoolLevel) -> Vec<i16> {
        let all = level.grades();
        let count = self.grades_per_school.unwrap_or(all.len());
        all.take(count).collect()
    }

    /// School levels in order: TH, THCS, TH, THCS…
    fn level(index: usize) -> entity::SchoolLevel {
        if index.is_multiple_of(2) { entity::SchoolLevel::Th } else { entity::SchoolLevel::Thcs }
    }

    /// The number of classes these options create.
    pub fn class_count(&self) -> usize {
        (0..self.schools).map(|i| self.classes_per_grade * self.grades(Self::level(i)).len()).sum()
    }

    /// The number of students these options create.
    pub fn student_count(&self) -> usize {
        self.class_count() * self.students_per_class
    }

    fn check(&self) -> anyhow::Result<()> {
        if self.schools < 2 {
            bail!("the seed needs at least 2 schools (one primary, one lower secondary)");
        }
        if self.classes_per_grade == 0 || self.students_per_class < 2 {
            bail!("the seed needs at least 1 class per grade and 2 students per class");
        }
        if self.classes_per_grade * self.grades(entity::SchoolLevel::Thcs).len() < 2 {
            bail!("the seed needs at least 2 classes per school for the demo accounts");
        }
        Ok(())
    }
}

/// "Today" for the demo data: classes, enrollments and assignments of 2026-2027 are current.
pub const TODAY: NaiveDate = date(2026, 11, 28);

/// A date known at compile time.
const fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(day) => day,
        None => panic!("invalid date constant"),
    }
}

/// A date computed at run time.
fn ymd(year: i32, month: u32, day: u32) -> anyhow::Result<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| anyhow::anyhow!("invalid date {year}-{month}-{day}"))
}

/// Fills an empty, migrated database with demo data; refuses when `org` has rows.
pub async fn seed(db: &DatabaseConnection, sealer: &dyn Sealer, opts: &SeedOptions) -> anyhow::Result<SeedReport> {
    opts.check()?;
    if org::Entity::find().count(db).await.context("reading org")? > 0 {
        bail!(
            "Cơ sở dữ liệu đã có dữ liệu / the database is not empty (table org has rows): the seed only fills an empty database"
        );
    }
    let first_key_id = next_data_key_id(db).await?;
    let password_hash = person::password_hash()?;
    let txn = db.begin().await.context("starting the seed transaction")?;
    let mut out = writer::Writer::new(&txn, opts);
    let mut ctx = person::Ctx::new(ChaCha8Rng::seed_from_u64(opts.seed), sealer, password_hash, first_key_id);
    let base = orgs::base(&mut ctx, opts)?;
    out.flush(std::mem::take(&mut ctx.rows)).await?;
    let mut families = families::Families::default();
    for school in &base.schools {
        let classes = teaching::school(&mut ctx, &base, school, opts)?;
        out.flush(std::mem::take(&mut ctx.rows)).await?;
        for (index, class) in classes.iter().enumerate() {
            let roster = students::class(&mut ctx, &mut families, school, (index, class), opts)?;
            records::class(&mut ctx, &base, school, class, &roster);
            out.flush(std::mem::take(&mut ctx.rows)).await?;
            out.class_done();
        }
    }
    let counts = out.finish().await?;
    txn.commit().await.context("committing the seed")?;
    // Fresh statistics, so the planner uses the indexes on the bulk-loaded tables at once;
    // on PostgreSQL also the visibility map, without which no index-only scan is chosen.
    let refresh = match db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => "VACUUM ANALYZE",
        _ => "ANALYZE",
    };
    db.execute_unprepared(refresh).await.context("analyzing the seeded tables")?;
    Ok(SeedReport::new(counts, ctx.take_accounts()))
}

/// The first free `data_key` id: the vault may already have stored its blind-index key.
async fn next_data_key_id(db: &DatabaseConnection) -> anyhow::Result<i64> {
    let last: Option<i64> = data_key::Entity::find()
        .select_only()
        .column(data_key::Column::Id)
        .order_by_desc(data_key::Column::Id)
        .into_tuple()
        .one(db)
        .await
        .context("reading data_key")?;
    Ok(last.unwrap_or(0) + 1)
}
