//! `emis policy …`: the privacy officer's commands. `check` and `test` validate the files
//! (with the lint's findings, and the expected-decision cases); `diff` shows the grants a
//! change adds and removes, against the version the server runs or another file; `impact`
//! counts on live data who gains or loses access to whom; `explain` tells why an account may
//! or may not see a student's records.

use crate::policy_changes::{explain, impact, last_applied, policy_of};
use clap::{Args, Subcommand};
use emis_authz::{Action, Kind, Policy, PolicyDiff, PolicyFiles, read_cases};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Subcommand)]
pub(super) enum PolicyAction {
    /// Validate model and policy lines, and list the lint's findings.
    Check {
        #[arg(long, default_value = "policy")]
        dir: PathBuf,
    },
    /// Validate, list the lint's findings, then run the expected-decision cases.
    Test {
        #[arg(long, default_value = "policy")]
        dir: PathBuf,
    },
    /// The grants the files in --dir add and remove, against the version the server runs
    /// (recorded in the database) or another policy file; sensitive kinds flagged.
    Diff {
        #[command(flatten)]
        against: Against,
    },
    /// How many people gain or lose access to how many students' records, on live data, for
    /// each grant the files in --dir add or remove.
    Impact {
        #[command(flatten)]
        against: Against,
    },
    /// Which relationships hold today between an account and a student, and which line
    /// allows each kind of the student's records or why nothing does.
    Explain {
        #[arg(long, default_value = "policy")]
        dir: PathBuf,
        /// The account's username.
        #[arg(long = "as")]
        account: String,
        /// The student's exchange identifier (OneRoster sourcedId).
        #[arg(long)]
        student: String,
        /// Only this kind (e.g. student.health).
        #[arg(long)]
        kind: Option<Kind>,
        /// The action (default read).
        #[arg(long)]
        action: Option<Action>,
        #[arg(long, env = "EMIS_DATABASE_URL", default_value = "sqlite://emis.db?mode=rwc")]
        database_url: String,
    },
}

/// The changed files and what they are compared with.
#[derive(Debug, Args)]
pub(super) struct Against {
    /// The folder with the changed files.
    #[arg(long, default_value = "policy")]
    dir: PathBuf,
    /// `running` (the version the server last applied, read from the database) or the path
    /// of another policy.csv (read with the model in --dir).
    #[arg(long, default_value = "running")]
    against: String,
    #[arg(long, env = "EMIS_DATABASE_URL", default_value = "sqlite://emis.db?mode=rwc")]
    database_url: String,
}

async fn connect(url: &str) -> anyhow::Result<sea_orm::DatabaseConnection> {
    Ok(crate::db::connect(url, 4, Duration::from_secs(5)).await?.0)
}

/// Loads the files in `dir`, printing why not.
async fn load(dir: &Path) -> Option<Policy> {
    match Policy::load(&PolicyFiles::in_dir(dir)).await {
        Ok(policy) => Some(policy),
        Err(error) => {
            eprintln!("{error}");
            None
        }
    }
}

/// The policy a change is compared with.
async fn baseline(against: &Against) -> anyhow::Result<Policy> {
    let files = PolicyFiles::in_dir(&against.dir);
    if against.against != "running" {
        let model = tokio::fs::read_to_string(&files.model).await?;
        let text = tokio::fs::read_to_string(&against.against).await?;
        let other = PolicyFiles { policy: PathBuf::from(&against.against), ..files };
        return Policy::from_texts(&other, &model, &text).await.map_err(|error| anyhow::anyhow!("{error}"));
    }
    let db = connect(&against.database_url).await?;
    let Some(row) = last_applied(&db).await? else {
        anyhow::bail!(
            "cơ sở dữ liệu chưa ghi phiên bản chính sách nào (máy chủ chưa chạy trên đó) \
             / the database records no policy version (no server has run on it)"
        );
    };
    match policy_of(&files, &row).await {
        Some(policy) => Ok(policy),
        None => anyhow::bail!(
            "phiên bản đang chạy {0} không còn đọc được / the running version {0} no longer loads",
            row.version
        ),
    }
}

pub(super) async fn run(action: PolicyAction) -> anyhow::Result<ExitCode> {
    match action {
        PolicyAction::Check { dir } => check(&dir, false).await,
        PolicyAction::Test { dir } => check(&dir, true).await,
        PolicyAction::Diff { against } => {
            let Some(changed) = load(&against.dir).await else { return Ok(ExitCode::FAILURE) };
            let running = baseline(&against).await?;
            let diff = PolicyDiff::between(&running, &changed);
            println!("{} → {}", running.version(), changed.version());
            println!("Quyền / grants:");
            print!("{diff}");
            println!("Dòng / lines:");
            print!("{}", emis_authz::LineDiff::between(running.text(), changed.text()));
            let sensitive = diff.sensitive_added();
            if !sensitive.is_empty() {
                println!(
                    "Thay đổi thêm {n} quyền nhạy cảm: máy chủ giữ lại đến khi {file} có dòng \"{v}, <người xác nhận>\" \
                     / the change adds {n} sensitive grant(s): the server holds it until {file} has the line \
                     \"{v}, <who confirms>\"",
                    n = sensitive.len(),
                    file = emis_authz::CONFIRMATIONS,
                    v = changed.version()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        PolicyAction::Impact { against } => {
            let Some(changed) = load(&against.dir).await else { return Ok(ExitCode::FAILURE) };
            let running = Arc::new(baseline(&against).await?);
            let changed = Arc::new(changed);
            let diff = PolicyDiff::between(&running, &changed);
            let db = connect(&against.database_url).await?;
            let started = std::time::Instant::now();
            let found = impact::impact(&db, &running, &changed, &diff, crate::clock::today()).await?;
            println!("{} → {}", running.version(), changed.version());
            print!("{found}");
            println!("({:.1} s)", started.elapsed().as_secs_f64());
            Ok(ExitCode::SUCCESS)
        }
        PolicyAction::Explain { dir, account, student, kind, action, database_url } => {
            let Some(policy) = load(&dir).await else { return Ok(ExitCode::FAILURE) };
            let db = connect(&database_url).await?;
            let question = explain::Question { account: &account, student: &student, kind, action };
            print!("{}", explain::explain(&db, Arc::new(policy), &question, crate::clock::today()).await?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `check` and `test`: validates, lists the findings, and with `run_cases` runs the cases.
async fn check(dir: &Path, run_cases: bool) -> anyhow::Result<ExitCode> {
    let files = PolicyFiles::in_dir(dir);
    let Some(policy) = load(dir).await else { return Ok(ExitCode::FAILURE) };
    println!("Chính sách hợp lệ / policy valid: {} lines, version {}", policy.line_count(), policy.version());
    let cases = read_cases(&files.cases).map_err(|error| anyhow::anyhow!("{error}"));
    for finding in policy.lint(cases.as_ref().ok().map(Vec::as_slice)) {
        println!("{finding}");
    }
    let consent = policy.purposes().iter().filter(|purpose| purpose.needs_consent()).count();
    println!("Mục đích / purposes: {} ({consent} cần đồng ý / needing consent)", policy.purposes().len());
    if !run_cases {
        return Ok(ExitCode::SUCCESS);
    }
    let report = policy.check_cases(&cases?);
    for failure in &report.failures {
        eprintln!("{failure}");
    }
    println!(
        "{} đạt, {} không đạt / {} passed, {} failed",
        report.passed,
        report.failures.len(),
        report.passed,
        report.failures.len()
    );
    Ok(if report.failures.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
