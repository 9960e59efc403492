//! `emis-bench`: load benchmark of the EMIS API on the ~20,000-student seed data set.
//!
//! It seeds the database if it is empty, starts the real server in-process on a loopback
//! port, signs in a sample of users of each role, and drives four request shapes at 1 and 16
//! concurrent connections for a fixed time each, reporting requests per second, p50/p99
//! latency, the SQL statements and SQL time per request (from the server's counters) and
//! the CPU time per request of the server, PostgreSQL and the load generator, as a
//! Markdown table. With `--baseline`, each measurement is followed by the same one against a
//! reference server with no privacy layer ([`baseline`]) on the same data, so the privacy
//! layer's cost is read within one run; with `--floor`, by the reference's statements run
//! straight on the database ([`floor`]). Traffic goes to 127.0.0.1 only.

mod baseline;
mod books;
mod cpu;
mod family;
mod floor;
mod scenarios;

use anyhow::Context as _;
use clap::Parser;
use emis::config::Config;
use emis::seed::SeedOptions;
use emis::startup::Application;
use scenarios::Scenario;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Debug, Parser)]
#[command(about = "Benchmark the EMIS API on seeded data")]
struct Args {
    /// Database to benchmark; seeded with the benchmark preset when empty.
    #[arg(long, default_value = "sqlite://target/bench/emis-bench.db?mode=rwc")]
    database_url: String,
    /// Identity file for the database's keys (created when missing).
    #[arg(long, default_value = "target/bench/identity.txt")]
    identity_file: PathBuf,
    /// Seconds each (scenario, concurrency) pair runs.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Concurrent connections to measure.
    #[arg(long, value_delimiter = ',', default_value = "1,16")]
    concurrency: Vec<usize>,
    /// Only the scenarios whose name starts with one of these letters (a–i); all when empty.
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// Database pool size of the server.
    #[arg(long, default_value_t = 16)]
    pool: u32,
    /// Also measure the reference server with no privacy layer after each measurement.
    #[arg(long)]
    baseline: bool,
    /// Also measure the SQL floor after each measurement: the reference's statements run
    /// straight on the database at the same concurrency.
    #[arg(long)]
    floor: bool,
    /// Schools seeded into an empty database (the benchmark preset: 16).
    #[arg(long, default_value_t = 16)]
    seed_schools: usize,
    /// Classes per grade seeded into an empty database (the benchmark preset: 8; 12 makes
    /// the primary schools 2,100 students).
    #[arg(long, default_value_t = 8)]
    seed_classes_per_grade: usize,
}

/// The same allocator as the `emis` binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let server = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let client = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name(format!("{}client", cpu::LOAD_THREAD_PREFIX))
        .enable_all()
        .build()?;
    let (address, state) = server.block_on(start(&args))?;
    let mut prepared = server.block_on(scenarios::prepare(&state))?;
    let reference =
        if args.baseline { Some(server.block_on(baseline::start(&state, prepared.callers.clone()))?) } else { None };
    let emis_counters = || state.sql_metrics.snapshot();
    let reference_statements = server.block_on(baseline::statements::Statements::today(&state))?;
    let mut floor_statements = std::collections::HashMap::new();
    for scenario in &prepared.scenarios {
        let found = floor::statements(scenario.name, &scenario.requests, &prepared.callers, &reference_statements)?;
        floor_statements.extend(found.map(|statements| (scenario.name, statements)));
    }
    println!(
        "| scenario | conns | req/s | p50 ms | p99 ms | SQL stmts/req | SQL ms/req | CPU ms/req: server | PostgreSQL | load |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let chosen = |scenario: &Scenario| {
        args.only.is_empty() || args.only.iter().any(|only| scenario.name[1..].starts_with(only.as_str()))
    };
    let duration = Duration::from_secs(args.seconds);
    for scenario in prepared.scenarios.iter_mut().filter(|scenario| chosen(scenario)) {
        for &connections in &args.concurrency {
            server.block_on(settle(&state));
            let row = client.block_on(measure(&address, scenario, connections, duration, &emis_counters))?;
            println!("| {} {row}", scenario.name);
            if let Some((reference_address, counters)) = reference.as_ref().filter(|_| scenario.has_baseline) {
                server.block_on(settle(&state));
                let counters = || counters.snapshot();
                let row = client.block_on(measure(reference_address, scenario, connections, duration, &counters))?;
                println!("| {} — no privacy layer {row}", scenario.name);
            }
            if let Some(statements) = floor_statements.get(scenario.name).filter(|_| args.floor) {
                server.block_on(settle(&state));
                let cpu_before = cpu::sample();
                let (latencies, elapsed) = server.block_on(floor::run(&state.db, statements, connections, duration))?;
                let cpu = cpu::sample().since(cpu_before);
                let micros = latencies.iter().map(|latency| latency.as_micros() as u64).sum();
                let count = latencies.len() as u64;
                let row = summary(connections, latencies, elapsed, (count, micros), &cpu);
                println!("| {} — SQL floor {row}", scenario.name);
            }
        }
    }
    Ok(())
}

async fn start(args: &Args) -> anyhow::Result<(String, std::sync::Arc<emis::state::AppState>)> {
    if let Some(parent) = args.identity_file.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let sqlite_file = args.database_url.strip_prefix("sqlite://").and_then(|rest| rest.split('?').next());
    if let Some(parent) = sqlite_file.and_then(|path| PathBuf::from(path).parent().map(PathBuf::from)) {
        std::fs::create_dir_all(parent)?;
    }
    if !args.identity_file.exists() {
        emis_crypto_identity(&args.identity_file)?;
    }
    let mut config =
        Config::for_database(args.database_url.clone(), PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../policy"));
    config.identity_file = Some(args.identity_file.clone());
    config.db_max_connections = args.pool;
    config.introspection = false;
    let app = Application::build(config).await?;
    let state = app.state();
    let seed = SeedOptions {
        schools: args.seed_schools,
        classes_per_grade: args.seed_classes_per_grade,
        ..SeedOptions::benchmark()
    };
    seed_if_empty(&state, &seed).await?;
    let address = format!("http://{}/graphql", app.local_addr()?);
    tokio::spawn(app.run());
    Ok((address, state))
}

/// Lets the database settle before a measurement: the disclosure log written and, on
/// PostgreSQL, a checkpoint, so that one measurement's writes are not flushed to disk during
/// the next one.
async fn settle(state: &emis::state::AppState) {
    use sea_orm::ConnectionTrait as _;
    state.disclosures.flush().await;
    if state.db.get_database_backend() == sea_orm::DatabaseBackend::Postgres
        && let Err(error) = state.db.execute_unprepared("CHECKPOINT").await
    {
        eprintln!("no checkpoint before the measurement ({error}); figures may include earlier writes");
    }
}

fn emis_crypto_identity(path: &std::path::Path) -> anyhow::Result<()> {
    emis_crypto::ServerIdentity::write_new_file(path)?;
    Ok(())
}

async fn seed_if_empty(state: &emis::state::AppState, seed: &SeedOptions) -> anyhow::Result<()> {
    use sea_orm::{EntityTrait as _, PaginatorTrait as _};
    if entity::org::Entity::find().count(&state.db).await? > 0 {
        return Ok(());
    }
    let started = Instant::now();
    let report = emis::seed::seed(&state.db, state.vault.as_ref(), seed).await?;
    eprintln!("seeded in {:.1} s\n{report}", started.elapsed().as_secs_f64());
    Ok(())
}

async fn measure(
    address: &str,
    scenario: &mut Scenario,
    connections: usize,
    duration: Duration,
    sql_counters: &dyn Fn() -> (u64, u64),
) -> anyhow::Result<String> {
    let client = reqwest::Client::builder().pool_max_idle_per_host(connections).build()?;
    let writing = scenario.requests.iter().any(|request| request.writes.is_some());
    anyhow::ensure!(
        !writing || scenario.requests.len() >= connections,
        "{}: {} writers for {connections} connections",
        scenario.name,
        scenario.requests.len()
    );
    // Warm-up: every read once, so keys and caches are as in steady state (writers warm up
    // in their own first calls).
    for request in scenario.requests.iter().filter(|request| request.writes.is_none()) {
        scenarios::send(&client, address, &request.token, &request.body).await?;
    }
    let (statements_before, micros_before) = sql_counters();
    let cpu_before = cpu::sample();
    let deadline = Instant::now() + duration;
    let started = Instant::now();
    let latencies = drive(&client, address, scenario, connections, deadline, writing).await?;
    let elapsed = started.elapsed().as_secs_f64();
    let (statements_after, micros_after) = sql_counters();
    let cpu = cpu::sample().since(cpu_before);
    let sql = (statements_after - statements_before, micros_after - micros_before);
    Ok(summary(connections, latencies, elapsed, sql, &cpu))
}

/// Sends `scenario`'s requests on `connections` concurrent connections until `deadline`:
/// a writer keeps to its own request, reads go round the users. The latency of each
/// request; each writer's request comes back to `scenario` with the versions it was last
/// answered.
async fn drive(
    client: &reqwest::Client,
    address: &str,
    scenario: &mut Scenario,
    connections: usize,
    deadline: Instant,
    writing: bool,
) -> anyhow::Result<Vec<Duration>> {
    let mut workers = Vec::new();
    for worker in 0..connections {
        let client = client.clone();
        let address = address.to_owned();
        let mut requests = scenario.requests.clone();
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut index = worker;
            let mut round = 0;
            while Instant::now() < deadline {
                // A writer keeps to its own request; reads go round the users.
                let at = if writing { worker } else { index % requests.len() };
                let request = &mut requests[at];
                let body = request.writes.as_ref().map_or_else(|| request.body.clone(), |writes| writes.body(round));
                let sent = Instant::now();
                let answer = scenarios::send(&client, &address, &request.token, &body).await?;
                latencies.push(sent.elapsed());
                if let Some(writes) = request.writes.as_mut() {
                    writes.answered(&answer)?;
                }
                index += connections;
                round += 1;
            }
            // A writer hands its request back, with the versions it was last answered.
            let written = writing.then(|| requests.swap_remove(worker));
            Ok::<_, anyhow::Error>((latencies, written))
        }));
    }
    let mut latencies = Vec::new();
    for (worker, handle) in workers.into_iter().enumerate() {
        let (times, written) = handle.await.context("worker panicked")??;
        latencies.extend(times);
        if let Some(request) = written {
            scenario.requests[worker] = request;
        }
    }
    Ok(latencies)
}

/// One row of the table: throughput, latency percentiles, and per request the SQL
/// statements and time (`sql`: totals over the run) and the CPU time of each party.
fn summary(
    connections: usize,
    mut latencies: Vec<Duration>,
    elapsed: f64,
    (statements, micros): (u64, u64),
    cpu: &cpu::CpuSplit,
) -> String {
    latencies.sort_unstable();
    let count = latencies.len().max(1);
    let percentile = |p: f64| latencies[((count as f64 * p) as usize).min(count - 1)].as_secs_f64() * 1000.0;
    format!(
        "| {} | {:.0} | {:.1} | {:.1} | {:.1} | {:.2} | {:.2} | {:.2} | {:.2} |",
        connections,
        latencies.len() as f64 / elapsed,
        percentile(0.50),
        percentile(0.99),
        statements as f64 / count as f64,
        micros as f64 / 1000.0 / count as f64,
        cpu.server * 1000.0 / count as f64,
        cpu.postgres * 1000.0 / count as f64,
        cpu.load * 1000.0 / count as f64,
    )
}
