//! Tests of the seed against a fresh, migrated SQLite file: sizes, determinism, atomicity
//! and refusal to seed twice here; sealing and the demo accounts in [`sealed`]; the special
//! cases of the demo preset in [`cases`].

mod cases;
mod sealed;

use super::families::DEMO_PHONE;
use super::{Sealer, SeedOptions, SeedReport, seed};
use chrono::NaiveDate;
use emis_crypto::{BlindIndexer, DataKey, ServerIdentity};
use entity::prelude::*;
use entity::{guardian, student};
use migration::{Migrator, MigratorTrait as _};
use sea_orm::{Database, DatabaseConnection, EntityTrait as _, QueryOrder as _};

/// Seals with emis_crypto under a throw-away identity.
struct TestSealer {
    identity: ServerIdentity,
    blind: BlindIndexer,
}

impl TestSealer {
    fn new() -> Self {
        Self { identity: ServerIdentity::generate(), blind: BlindIndexer::new(DataKey::generate()) }
    }
}

impl Sealer for TestSealer {
    fn new_key(&self, _key_id: i64) -> anyhow::Result<(DataKey, Vec<u8>)> {
        let key = DataKey::generate();
        let wrapped = key.wrap(&self.identity)?;
        Ok((key, wrapped))
    }

    fn blind(&self, domain: &str, value: &str) -> String {
        self.blind.index(domain, value)
    }
}

async fn fresh_db(dir: &tempfile::TempDir) -> DatabaseConnection {
    let url = format!("sqlite://{}/t.db?mode=rwc", dir.path().display());
    let db = Database::connect(url).await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    db
}

async fn seeded(sealer: &TestSealer) -> (tempfile::TempDir, DatabaseConnection, SeedReport) {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(&dir).await;
    let report = seed(&db, sealer, &SeedOptions::tiny()).await.unwrap();
    (dir, db, report)
}

#[tokio::test]
async fn tiny_has_the_expected_size_and_accounts() {
    let sealer = TestSealer::new();
    let (_dir, db, report) = seeded(&sealer).await;
    let expected = [
        ("org", 5),
        ("school_year", 2),
        ("semester", 4),
        ("subject", 15),
        ("homeroom_class", 4),
        ("section", 2 * 4 + 2 * 12),
        ("student", 32),
        ("enrollment", 32),
        // per section: the regular assessments, a midterm and a final
        ("assessment", 2 * 18 + 2 * 58),
        // 8 students × (2 primary classes × 14 + 2 secondary classes × 46)
        ("result", 960),
    ];
    for (table, count) in expected {
        assert_eq!(report.count(table), count, "{table}");
    }
    let people = report.count("student") + report.count("guardian") + report.count("staff");
    assert_eq!(report.count("data_key"), people);
    assert!(report.count("guardianship") >= 32);
    assert_eq!(Student::find().all(&db).await.unwrap().len(), 32);
    let roles: Vec<&str> = report.accounts.iter().map(|a| a.role).collect();
    assert_eq!(
        roles,
        [
            "principal",
            "principal",
            "vice_principal",
            "homeroom_teacher",
            "homeroom_teacher",
            "subject_teacher",
            "clerk",
            "district_officer",
            "privacy_officer",
            "operator",
            "guardian",
            "student"
        ]
    );
    let names: Vec<&str> = report.accounts.iter().map(|a| a.username.as_str()).collect();
    assert_eq!(&names[..5], ["hieutruong", "hieutruong.th", "phohieutruong", "gvcn", "gvcn.th"]);
    assert_eq!(report.account("student").map(|a| a.username.as_str()), Some("hocsinh"));
    let text = report.to_string();
    assert!(text.contains("hieutruong") && text.contains(DEMO_PHONE), "{text}");
    // the tables the seed leaves empty still match their entities
    assert!(AuthSession::find().all(&db).await.unwrap().is_empty());
    assert!(SignInThrottle::find().all(&db).await.unwrap().is_empty());
    assert!(DisclosureLog::find().all(&db).await.unwrap().is_empty());
}

/// Students (id, name, birth date) and guardian names, in id order.
async fn people(db: &DatabaseConnection) -> (Vec<(i64, String, Option<NaiveDate>)>, Vec<String>) {
    let students = Student::find().order_by_asc(student::Column::Id).all(db).await.unwrap();
    let guardians = Guardian::find().order_by_asc(guardian::Column::Id).all(db).await.unwrap();
    (
        students.into_iter().map(|s| (s.id, s.full_name, s.birth_date)).collect(),
        guardians.into_iter().map(|g| g.full_name).collect(),
    )
}

#[tokio::test]
async fn the_same_options_give_the_same_people() {
    let sealer = TestSealer::new();
    let (_a, first, _) = seeded(&sealer).await;
    let (_b, second, _) = seeded(&sealer).await;
    let (students, guardians) = people(&first).await;
    assert_eq!(students.len(), 32);
    assert_eq!((students, guardians), people(&second).await);
    let dir = tempfile::tempdir().unwrap();
    let other = fresh_db(&dir).await;
    let opts = SeedOptions { seed: 7, ..SeedOptions::tiny() };
    seed(&other, &sealer, &opts).await.unwrap();
    assert_ne!(people(&first).await.0, people(&other).await.0);
}

/// A sealer that fails on the 40th data key.
struct FailingSealer(TestSealer);

impl Sealer for FailingSealer {
    fn new_key(&self, key_id: i64) -> anyhow::Result<(DataKey, Vec<u8>)> {
        anyhow::ensure!(key_id < 40, "the vault is gone");
        self.0.new_key(key_id)
    }

    fn blind(&self, domain: &str, value: &str) -> String {
        self.0.blind(domain, value)
    }
}

#[tokio::test]
async fn a_failed_seed_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(&dir).await;
    let err = seed(&db, &FailingSealer(TestSealer::new()), &SeedOptions::tiny()).await.unwrap_err();
    assert!(format!("{err:#}").contains("the vault is gone"), "{err:#}");
    assert!(Org::find().all(&db).await.unwrap().is_empty());
    assert!(Staff::find().all(&db).await.unwrap().is_empty());
    seed(&db, &TestSealer::new(), &SeedOptions::tiny()).await.unwrap();
}

#[tokio::test]
async fn a_database_with_data_is_refused() {
    let sealer = TestSealer::new();
    let (_dir, db, _) = seeded(&sealer).await;
    let err = seed(&db, &sealer, &SeedOptions::tiny()).await.unwrap_err();
    assert!(err.to_string().contains("not empty"), "{err}");
    assert_eq!(Student::find().all(&db).await.unwrap().len(), 32);
}

#[test]
fn the_city_is_ten_districts() {
    assert_eq!(SeedOptions::benchmark().student_count(), 20_160);
    assert_eq!(SeedOptions::city().student_count(), 10 * SeedOptions::benchmark().student_count());
}

/// `cargo test -p emis --lib seed::tests::timing -- --ignored --nocapture`: seeds every
/// preset and prints their reports and durations.
#[tokio::test]
#[ignore = "slow; prints timings"]
async fn timing() {
    let sealer = TestSealer::new();
    let presets =
        [("tiny", SeedOptions::tiny()), ("demo", SeedOptions::demo()), ("benchmark", SeedOptions::benchmark())];
    for (name, opts) in presets {
        let dir = tempfile::tempdir().unwrap();
        let db = fresh_db(&dir).await;
        let started = std::time::Instant::now();
        let report = seed(&db, &sealer, &opts).await.unwrap();
        println!("{name}: {:?}\n{report}", started.elapsed());
    }
}
