//! `vendor`: a vendor's client paging through the ~20,000-student benchmark district's
//! roster over the OneRoster 1.2 REST binding (`/students?limit=100`, then
//! `/enrollments?limit=100`, then the first `--result-pages` pages of the gradebook's
//! `/results?limit=100`), under an agreement covering every school, against the same pages
//! served without the privacy layer ([`plain`]) — in one run, on the same data.
//!
//! It seeds the database if it is empty, registers the client and its agreement directly in
//! the database (with a token), starts the real server in-process on a loopback port and the
//! plain server beside it, then walks every page of each collection `--passes` times on each
//! server in turn, one request after another as a vendor's sync does, and reports pages a
//! second, p50/p99 per page and the time of a whole pass. Traffic goes to 127.0.0.1 only.

mod plain;

use clap::Parser;
use emis::config::Config;
use emis::seed::SeedOptions;
use emis::startup::Application;
use sea_orm::{ActiveValue::Set, EntityTrait as _, PaginatorTrait as _};
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Debug, Parser)]
#[command(about = "Benchmark a vendor paging through the district roster over OneRoster REST")]
struct Args {
    /// Database to benchmark; seeded with the benchmark preset when empty.
    #[arg(long, default_value = "sqlite://target/bench/emis-bench.db?mode=rwc")]
    database_url: String,
    /// Identity file for the database's keys (created when missing).
    #[arg(long, default_value = "target/bench/identity.txt")]
    identity_file: PathBuf,
    /// Whole passes over each collection, per server.
    #[arg(long, default_value_t = 3)]
    passes: usize,
    /// Page size.
    #[arg(long, default_value_t = 100)]
    limit: u64,
    /// Pages of results read per pass (the seed holds about 600,000 results; offset paging
    /// through all of them reads the table quadratically on either server).
    #[arg(long, default_value_t = 300)]
    result_pages: u64,
}

/// The same allocator as the `emis` binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ROSTERING: &str = "/ims/oneroster/rostering/v1p2";
const GRADEBOOK: &str = "/ims/oneroster/gradebook/v1p2";
const SCOPES: &str = "https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly \
                      https://purl.imsglobal.org/spec/or/v1p2/scope/gradebook.readonly";

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(run(&args))
}

async fn run(args: &Args) -> anyhow::Result<()> {
    if let Some(parent) = args.identity_file.parent() {
        std::fs::create_dir_all(parent)?;
    }
    if let Some(file) = args.database_url.strip_prefix("sqlite://").and_then(|rest| rest.split('?').next())
        && let Some(parent) = PathBuf::from(file).parent()
    {
        std::fs::create_dir_all(parent)?;
    }
    if !args.identity_file.exists() {
        emis_crypto::ServerIdentity::write_new_file(&args.identity_file)?;
    }
    let mut config =
        Config::for_database(args.database_url.clone(), PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../policy"));
    config.identity_file = Some(args.identity_file.clone());
    config.db_max_connections = 16;
    config.sharing.requests_per_minute = 100_000;
    config.sharing.daily_student_cap = 10_000_000;
    let app = Application::build(config).await?;
    let state = app.state();
    if entity::org::Entity::find().count(&state.db).await? == 0 {
        let started = Instant::now();
        emis::seed::seed(&state.db, state.vault.as_ref(), &SeedOptions::benchmark()).await?;
        eprintln!("seeded in {:.1} s", started.elapsed().as_secs_f64());
    }
    let token = register_vendor(&state.db).await?;
    let emis_origin = format!("http://{}", app.local_addr()?);
    tokio::spawn(app.run());
    let plain_address = plain::start(state.db.clone()).await?;
    let students = entity::student::Entity::find().count(&state.db).await?;
    let enrollments = entity::enrollment::Entity::find().count(&state.db).await?;
    let results = entity::result::Entity::find().count(&state.db).await?;
    println!(
        "{students} students, {enrollments} enrollments, {results} results; pages of {}, {} passes each ({} pages of \
         results)",
        args.limit, args.passes, args.result_pages
    );
    println!("| collection | server | pages/s | p50 ms | p99 ms | s per pass | records per pass |");
    println!("|---|---|---|---|---|---|---|");
    let client = reqwest::Client::new();
    for (root, collection, pages) in [
        (ROSTERING, "students", u64::MAX),
        (ROSTERING, "enrollments", u64::MAX),
        (GRADEBOOK, "results", args.result_pages),
    ] {
        let emis = format!("{emis_origin}{root}");
        for (name, base, bearer) in
            [("EMIS", emis.as_str(), Some(token.as_str())), ("no privacy layer", plain_address.as_str(), None)]
        {
            let mut latencies = Vec::new();
            let mut passes = Vec::new();
            let mut records = 0;
            for _ in 0..args.passes {
                let started = Instant::now();
                let url = format!("{base}/{collection}");
                records = walk(&client, &url, bearer, args.limit, pages, &mut latencies).await?;
                passes.push(started.elapsed());
                state.disclosures.flush().await;
            }
            latencies.sort_unstable();
            let total: Duration = latencies.iter().sum();
            let pages_per_second = latencies.len() as f64 / total.as_secs_f64();
            let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
            let pass = passes.iter().sum::<Duration>().as_secs_f64() / passes.len() as f64;
            println!(
                "| {collection} | {name} | {pages_per_second:.0} | {:.1} | {:.1} | {pass:.2} | {records} |",
                at(0.5).as_secs_f64() * 1e3,
                at(0.99).as_secs_f64() * 1e3,
            );
        }
    }
    Ok(())
}

/// Reads every page of `url` (at most `pages`), recording each page's latency; the records
/// read.
async fn walk(
    client: &reqwest::Client,
    url: &str,
    bearer: Option<&str>,
    limit: u64,
    pages: u64,
    latencies: &mut Vec<Duration>,
) -> anyhow::Result<usize> {
    let mut offset = 0;
    let mut records = 0;
    for _ in 0..pages {
        let mut request = client.get(format!("{url}?limit={limit}&offset={offset}"));
        if let Some(bearer) = bearer {
            request = request.bearer_auth(bearer);
        }
        let started = Instant::now();
        let response = request.send().await?;
        anyhow::ensure!(response.status().is_success(), "{url} at {offset}: {}", response.status());
        let total: u64 =
            response.headers().get("x-total-count").and_then(|v| v.to_str().ok()?.parse().ok()).unwrap_or(0);
        let body: serde_json::Value = response.json().await?;
        latencies.push(started.elapsed());
        let page = body.as_object().and_then(|o| o.values().next()).and_then(|v| v.as_array()).map_or(0, Vec::len);
        records += page;
        offset += limit;
        if offset >= total || page == 0 {
            break;
        }
    }
    Ok(records)
}

/// A client with an agreement in force covering every school for the rostering core, and a
/// token for it, registered directly in the database; the token.
async fn register_vendor(db: &sea_orm::DatabaseConnection) -> anyhow::Result<String> {
    use entity::{org, sharing_agreement, sharing_agreement_place, staff, vendor_client, vendor_token};
    use sea_orm::{ColumnTrait as _, QueryFilter as _};
    let now = chrono::Utc::now();
    let schools = org::Entity::find().filter(org::Column::Kind.eq("school")).all(db).await?;
    let office = org::Entity::find().filter(org::Column::Kind.ne("school")).one(db).await?;
    let holder = office.map_or(schools[0].id, |office| office.id);
    let someone = staff::Entity::find().one(db).await?.map_or(0, |person| person.id);
    let client = vendor_client::Entity::insert(vendor_client::ActiveModel {
        org_id: Set(holder),
        name: Set(format!("Benchmark vendor {}", now.timestamp_micros())),
        client_id: Set(format!("emis_vc_bench_{}", now.timestamp_micros())),
        secret_hash: Set("0".repeat(64)),
        status: Set("active".to_owned()),
        registered_by: Set(someone),
        created_at: Set(now),
        secret_rotated_at: Set(now),
        suspended_at: Set(None),
        ..Default::default()
    })
    .exec(db)
    .await?
    .last_insert_id;
    let agreement = sharing_agreement::Entity::insert(sharing_agreement::ActiveModel {
        vendor_client_id: Set(client),
        org_id: Set(holder),
        purpose: Set("learning_platform".to_owned()),
        legal_basis: Set("benchmark".to_owned()),
        reference: Set("benchmark".to_owned()),
        starts_on: Set(emis::clock::today()),
        ends_on: Set(None),
        consent_required: Set(false),
        scopes: Set(SCOPES.to_owned()),
        // Without sections and staff, `/enrollments` is the students' homeroom enrollments, the
        // same records the reference serves.
        field_groups: Set("school,class,student,enrollment,result".to_owned()),
        made_by: Set(someone),
        created_at: Set(now),
        ended_at: Set(None),
        ended_reason: Set(None),
        daily_student_cap: Set(None),
        ..Default::default()
    })
    .exec(db)
    .await?
    .last_insert_id;
    for school in &schools {
        sharing_agreement_place::Entity::insert(sharing_agreement_place::ActiveModel {
            agreement_id: Set(agreement),
            school_id: Set(school.id),
            class_id: Set(None),
            ..Default::default()
        })
        .exec(db)
        .await?;
    }
    let token = format!("emis_atv_bench{}", now.timestamp_micros());
    vendor_token::Entity::insert(vendor_token::ActiveModel {
        vendor_client_id: Set(client),
        token_hash: Set(emis::auth::token::digest(&token)),
        scopes: Set(SCOPES.to_owned()),
        created_at: Set(now),
        expires_at: Set(now + chrono::Duration::hours(6)),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(token)
}
