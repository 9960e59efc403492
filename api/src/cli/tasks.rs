//! The longer commands of the command line: importing a OneRoster package (with its
//! mappings, warnings and counts) and serving (the demo included).

use crate::config::Config;
use crate::seed::{SeedOptions, seed};
use crate::startup::{Application, build_state};
use emis_crypto::ServerIdentity;
use std::process::ExitCode;

pub(super) async fn import_oneroster(
    config: Config,
    path: &std::path::Path,
    actor: String,
) -> anyhow::Result<ExitCode> {
    use crate::exchange::{ImportOptions, ImportOutcome, import};
    let state = build_state(config).await?;
    let options = ImportOptions { actor, today: crate::clock::today() };
    let progress = crate::exchange::Bars::on_terminal();
    match import(&state.db, &state.vault, path, &options, &progress).await? {
        ImportOutcome::Imported { counts, warnings, mappings } => {
            for warning in &warnings {
                eprintln!("{warning}");
            }
            for (mapping, count) in &mappings {
                let crate::exchange::Mapping { column, value, canonical } = mapping;
                println!("Đã hiểu / mapped {column}: \"{value}\" → {canonical} ×{count}");
            }
            println!("Đã nhập / imported {}", path.display());
            println!("{:<24} {:>12} {:>14} {:>17}", "bảng / table", "thêm / new", "sửa / changed", "kết thúc / ended");
            for (table, counts) in &counts {
                println!("{table:<24} {:>12} {:>14} {:>17}", counts.created, counts.updated, counts.ended);
            }
            Ok(ExitCode::SUCCESS)
        }
        ImportOutcome::Refused { problems } => {
            for problem in &problems {
                eprintln!("{problem}");
            }
            let errors = problems.iter().filter(|problem| problem.is_error()).count();
            eprintln!("Không nhập gì: {errors} lỗi / nothing imported: {errors} error(s); the database is unchanged");
            Ok(ExitCode::FAILURE)
        }
    }
}

pub(super) async fn serve(mut config: Config, demo: bool) -> anyhow::Result<ExitCode> {
    let telemetry = crate::telemetry::init(&config.log_format, config.otlp_endpoint.as_deref())?;
    if demo {
        let dir = std::env::temp_dir().join(format!("emis-demo-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let identity = dir.join("identity.txt");
        ServerIdentity::write_new_file(&identity)?;
        config.database_url = format!("sqlite://{}?mode=rwc", dir.join("emis-demo.db").display());
        config.identity_file = Some(identity);
        config.introspection = true;
        let state = build_state(config.clone()).await?;
        let report = seed(&state.db, state.vault.as_ref(), &SeedOptions::demo()).await?;
        println!("Dữ liệu mẫu / demo data in {}\n{report}", dir.display());
    }
    let app = Application::build(config).await?;
    println!("EMIS đang chạy / listening on http://{}/graphql", app.local_addr()?);
    app.run().await?;
    telemetry.shutdown();
    Ok(ExitCode::SUCCESS)
}
