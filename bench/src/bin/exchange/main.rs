//! `exchange`: the OneRoster import and export on the ~20,000-student benchmark data set,
//! with a whole school year of results.
//!
//! It seeds the source database if it is empty, exports it with sensitive values to
//! `target/bench/oneroster`, adds the second semester's grade book to the package (see
//! [`second_semester`]; `--one-semester` leaves it out), imports that package into a fresh target database (a new
//! PostgreSQL database, or a new SQLite file), and reports the time of each, the rows per
//! file, and — as the floor the import is compared with — the time the target database
//! takes to write the same result rows with the same indexes and foreign keys by itself
//! (`INSERT INTO … SELECT`, no parsing, mapping, sealing or round trips).

mod second_semester;

use anyhow::Context as _;
use clap::Parser;
use emis::config::Config;
use emis::exchange::{ExportOptions, ImportOptions, ImportOutcome, Progress, Silent, export, import};
use emis::startup::build_state;
use emis_oneroster::FileKind;
use sea_orm::{ConnectionTrait as _, DbBackend, EntityTrait as _, PaginatorTrait as _, Statement};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;

#[derive(Debug, Parser)]
#[command(about = "Benchmark the OneRoster export and import")]
struct Args {
    /// The seeded source database (seeded with the benchmark preset when empty).
    #[arg(long, default_value = "sqlite://target/bench/emis-bench.db?mode=rwc")]
    database_url: String,
    /// The database the package is imported into: recreated empty. For PostgreSQL, a URL of
    /// a database the benchmark may drop.
    #[arg(long, default_value = "sqlite://target/bench/emis-import.db?mode=rwc")]
    target_url: String,
    /// Identity file of the source database (created when missing).
    #[arg(long, default_value = "target/bench/identity.txt")]
    identity_file: PathBuf,
    /// Where the package is written.
    #[arg(long, default_value = "target/bench/oneroster")]
    package: PathBuf,
    /// Import the export as it is: the seed's first semester of results only, instead of the
    /// whole year (the second semester's columns and results copied from the first).
    #[arg(long)]
    one_semester: bool,
}

/// Seconds and rows per file of an import: from a file's start to its end, its writes
/// included (files the import reads whole are written after their reading ends, so their
/// writing counts toward the next file).
#[derive(Default)]
struct Timing {
    current: Mutex<Option<(FileKind, Instant, u64)>>,
    done: Mutex<Vec<(FileKind, f64, u64)>>,
}

impl Progress for Timing {
    fn start(&self, file: FileKind) {
        if let Ok(mut current) = self.current.lock() {
            *current = Some((file, Instant::now(), 0));
        }
    }
    fn advance(&self, rows: u64) {
        if let Ok(mut current) = self.current.lock()
            && let Some((_, _, count)) = current.as_mut()
        {
            *count += rows;
        }
    }
    fn finish(&self) {
        if let (Ok(mut current), Ok(mut done)) = (self.current.lock(), self.done.lock())
            && let Some((file, started, rows)) = current.take()
        {
            done.push((file, started.elapsed().as_secs_f64(), rows));
        }
    }
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn config(url: &str, identity: &std::path::Path) -> Config {
    let mut config = Config::for_database(url.to_owned(), PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../policy"));
    config.identity_file = Some(identity.to_owned());
    config
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    std::fs::create_dir_all("target/bench")?;
    if !args.identity_file.exists() {
        emis_crypto::ServerIdentity::write_new_file(&args.identity_file)?;
    }
    let source = build_state(config(&args.database_url, &args.identity_file)).await?;
    if entity::org::Entity::find().count(&source.db).await? == 0 {
        let started = Instant::now();
        emis::seed::seed(&source.db, source.vault.as_ref(), &emis::seed::SeedOptions::benchmark()).await?;
        eprintln!("seeded in {:.1} s", started.elapsed().as_secs_f64());
    }
    let _ = std::fs::remove_dir_all(&args.package);
    let started = Instant::now();
    let options = ExportOptions { actor: "benchmark".into(), school: None, sensitive: true };
    let mut files = export(&source.db, &source.vault, &args.package, &options).await?;
    let exported = started.elapsed().as_secs_f64();
    println!("export: {exported:.1} s");
    if !args.one_semester {
        let (line_items, results) = second_semester::add(&args.package)?;
        *files.entry(FileKind::LineItems).or_default() += line_items;
        *files.entry(FileKind::Results).or_default() += results;
        println!("added the second semester: {line_items} line items, {results} results");
    }
    println!("| file | rows |\n|---|---|");
    for (file, rows) in &files {
        println!("| {} | {rows} |", file.file_name());
    }

    recreate(&args.target_url).await?;
    let target = build_state(config(&args.target_url, &args.identity_file)).await?;
    let started = Instant::now();
    let options = ImportOptions { actor: "benchmark".into(), today: emis::clock::today() };
    let timing = Timing::default();
    let outcome = import(&target.db, &target.vault, &args.package, &options, &timing).await?;
    let imported = started.elapsed().as_secs_f64();
    println!("| file | read s | rows |\n|---|---|---|");
    for (file, seconds, rows) in timing.done.lock().map(|done| done.clone()).unwrap_or_default() {
        println!("| {} | {seconds:.2} | {rows} |", file.file_name());
    }
    let ImportOutcome::Imported { counts, .. } = outcome else {
        anyhow::bail!("the import was refused: {outcome:?}");
    };
    let written: u64 = counts.values().map(|c| c.created + c.updated).sum();
    let read: u64 = files.values().sum();
    println!(
        "import: {imported:.1} s — {read} rows read ({:.0} rows/s), {written} rows written",
        read as f64 / imported
    );
    let started = Instant::now();
    let again = import(&target.db, &target.vault, &args.package, &options, &Silent).await?;
    println!("import again (nothing to change): {:.1} s", started.elapsed().as_secs_f64());
    anyhow::ensure!(matches!(again, ImportOutcome::Imported { ref counts, .. } if counts.is_empty()));
    let floor = floor(&target.db).await?;
    println!(
        "floor: the database writes the same {} results with the same indexes and foreign keys in {floor:.1} s",
        counts["result"].created
    );
    Ok(())
}

/// Drops and creates the target database (PostgreSQL) or removes its file (SQLite).
async fn recreate(url: &str) -> anyhow::Result<()> {
    if let Some(path) = url.strip_prefix("sqlite://").and_then(|rest| rest.split('?').next()) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
        return Ok(());
    }
    let (base, rest) = url.rsplit_once('/').context("a PostgreSQL URL ends with /DATABASE")?;
    let name = rest.split('?').next().unwrap_or(rest);
    anyhow::ensure!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "unusual database name {name}");
    let admin = sea_orm::Database::connect(format!("{base}/postgres")).await?;
    admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await?;
    admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await?;
    Ok(())
}

/// Seconds the database takes to copy the `result` rows into a new table with the same
/// columns, indexes and foreign keys, by itself.
async fn floor(db: &sea_orm::DatabaseConnection) -> anyhow::Result<f64> {
    let backend = db.get_database_backend();
    db.execute_unprepared("DROP TABLE IF EXISTS floor_result").await?;
    if backend == DbBackend::Postgres {
        db.execute_unprepared("CREATE TABLE floor_result (LIKE result INCLUDING ALL)").await?;
        // LIKE copies no foreign keys; the import pays for them, so the floor does too.
        let keys = db
            .query_all_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'result'::regclass AND contype = 'f'",
            ))
            .await?;
        for key in keys {
            let definition: String = key.try_get("", "def")?;
            db.execute_unprepared(&format!("ALTER TABLE floor_result ADD {definition}")).await?;
        }
    } else {
        let rows = db
            .query_all_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT sql FROM sqlite_master WHERE tbl_name = 'result' AND sql IS NOT NULL ORDER BY type DESC",
            ))
            .await?;
        for row in rows {
            let sql: String = row.try_get("", "sql")?;
            let sql = sql.replace("\"result\"", "\"floor_result\"").replace("\"ix_result_", "\"ix_floor_result_");
            db.execute_unprepared(&sql).await?;
        }
    }
    let started = Instant::now();
    db.execute_unprepared("INSERT INTO floor_result SELECT * FROM result").await?;
    let seconds = started.elapsed().as_secs_f64();
    db.execute_unprepared("DROP TABLE floor_result").await?;
    Ok(seconds)
}
