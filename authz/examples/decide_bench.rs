//! Times one cold load of the shipped policy and 1,000,000 cached
//! `Policy::decide` calls, and prints the figures.
//!
//! Run with `cargo run --release -p emis-authz --example decide_bench`
//! (optionally passing the policy folder; default: the repository's
//! `policy/`).

use std::hint::black_box;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use emis_authz::{Action, Kind, Policy, PolicyFiles, Relationship, Role, read_cases};

const CALLS: usize = 1_000_000;

fn policy_dir() -> PathBuf {
    std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../policy"), PathBuf::from)
}

/// A spread of requests, some allowed and some denied.
fn requests() -> Vec<(Role, Kind, Action, Relationship)> {
    let mut all = Vec::new();
    for &role in Role::ALL {
        for &kind in Kind::ALL {
            for &rel in kind.relationships() {
                all.push((role, kind, Action::Read, rel));
            }
        }
    }
    all
}

/// Times `CALLS` decisions, all already cached.
fn time_cached(policy: &Policy, requests: &[(Role, Kind, Action, Relationship)]) {
    let started = Instant::now();
    let mut allowed = 0usize;
    for i in 0..CALLS {
        let (role, kind, action, rel) = requests[i % requests.len()];
        allowed += usize::from(policy.decide(black_box(role), kind, action, rel));
    }
    let cached = started.elapsed();
    println!(
        "cached: {CALLS} decide() calls in {cached:?} ({:.1} ns each), {allowed} allowed",
        cached.as_nanos() as f64 / CALLS as f64
    );
}

#[tokio::main]
async fn main() -> ExitCode {
    let files = PolicyFiles::in_dir(&policy_dir());
    let started = Instant::now();
    let policy = match Policy::load(&files).await {
        Ok(policy) => policy,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    let load = started.elapsed();
    println!("cold load: {load:?} ({} lines)", policy.line_count());

    if let Ok(cases) = read_cases(&files.cases) {
        let started = Instant::now();
        let report = policy.check_cases(&cases);
        println!(
            "{} cases (uncached, then cached): {:?}, {} failed",
            cases.len(),
            started.elapsed(),
            report.failures.len()
        );
    }

    let requests = requests();
    let started = Instant::now();
    let warm = requests.iter().filter(|r| policy.decide(r.0, r.1, r.2, r.3)).count();
    let fill = started.elapsed();
    println!(
        "first decisions (casbin): {} requests in {fill:?} ({:?} each), {warm} allowed",
        requests.len(),
        fill / u32::try_from(requests.len()).unwrap_or(u32::MAX)
    );

    time_cached(&policy, &requests);
    ExitCode::SUCCESS
}
