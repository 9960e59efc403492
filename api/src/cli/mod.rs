//! The `emis` command line: `serve` (optionally `--demo`), `migrate`, `seed`, `keygen`,
//! `policy check|test|diff|impact|explain`, `audit verify`, `keys rotate`, `schema`, `import oneroster`, `export oneroster`, `activation-code`,
//! `retention`: the commands and their dispatch here, the longer ones in [`tasks`]. Messages
//! to people are in Vietnamese and English.

mod audit;
mod policy;
mod tasks;

use policy::PolicyAction;

use crate::config::Config;
use crate::seed::{SeedOptions, seed};
use crate::startup::build_state;
use clap::{Parser, Subcommand, ValueEnum};
use emis_crypto::ServerIdentity;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(name = "emis", version, about = "EMIS: school information API with privacy by policy")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the API server.
    Serve {
        #[command(flatten)]
        config: Config,
        /// Start on a fresh SQLite file with demo data and a new key (ignores the database
        /// and identity settings) and print how to sign in.
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations.
    Migrate {
        #[command(flatten)]
        config: Config,
    },
    /// Fill an empty database with deterministic demo data.
    Seed {
        #[command(flatten)]
        config: Config,
        /// Size of the data set.
        #[arg(long, value_enum, default_value_t = Preset::Demo)]
        preset: Preset,
    },
    /// Write a new age identity file for the server (refuses to overwrite).
    Keygen {
        /// Where to write it.
        #[arg(long, default_value = "emis-identity.txt")]
        out: PathBuf,
    },
    /// Rotate the server identity.
    Keys {
        #[command(subcommand)]
        action: KeysAction,
    },
    /// Check the disclosure log.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
    /// Check, compare and explain the policy files.
    Policy {
        #[command(subcommand)]
        action: PolicyAction,
    },
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Bring data in from another system.
    Import {
        #[command(subcommand)]
        format: ImportFormat,
    },
    /// Print an activation code for a staff member without a password (a school's first
    /// principal), named by their exchange identifier; it works once, for 14 days.
    ActivationCode {
        #[command(flatten)]
        config: Config,
        /// The staff member's exchange identifier (OneRoster `sourcedId`).
        #[arg(long)]
        staff: String,
    },
    /// Write data out for another system.
    Export {
        #[command(subcommand)]
        format: ExportFormat,
    },
    /// Forget the notices, conversations, notifications and sent messages past their
    /// retention (`EMIS_KEEP_*`) and crypto-shred the sealed fields of people long gone, as
    /// the running server does every six hours.
    Retention {
        #[command(flatten)]
        config: Config,
        /// Only tell what would be forgotten.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Subcommand)]
enum ExportFormat {
    /// A OneRoster 1.2 CSV package (bulk) in a folder. Sensitive values only with
    /// --sensitive; every export is recorded with who ran it and its scope.
    Oneroster {
        #[command(flatten)]
        config: Config,
        /// The folder to write (created if missing).
        path: PathBuf,
        /// Only this school (its exchange identifier), with the organisations above it.
        #[arg(long)]
        school: Option<String>,
        /// Also write identity numbers, addresses, phones, e-mails, ethnicity, religion and
        /// health notes.
        #[arg(long)]
        sensitive: bool,
        /// Who runs the export, for the exchange log.
        #[arg(long = "as", env = "USER", default_value = "unknown")]
        actor: String,
    },
}

#[derive(Debug, Subcommand)]
enum ImportFormat {
    /// A OneRoster 1.2 CSV package: a folder or a .zip with manifest.csv. The import is
    /// whole or nothing; every problem is listed with its file, line and column.
    Oneroster {
        #[command(flatten)]
        config: Config,
        /// The folder or .zip file.
        path: PathBuf,
        /// Who runs the import, for the exchange log.
        #[arg(long = "as", env = "USER", default_value = "unknown")]
        actor: String,
    },
}

#[derive(Debug, Subcommand)]
enum KeysAction {
    /// Wrap every data key again to the keys the identity file holds (and the escrow
    /// recipient), opening each with any of them; servers keep running. See README.md for
    /// the whole procedure.
    Rotate {
        #[command(flatten)]
        config: Config,
        /// Only open every key, proving the identity file opens them all.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Subcommand)]
enum AuditAction {
    /// Check every link of the disclosure log's chain with the chain key (the identity
    /// file opens it) and name the first broken entry.
    Verify {
        #[command(flatten)]
        config: Config,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Preset {
    /// A few students per class: for tests.
    Tiny,
    /// Two schools: for trying the API.
    Demo,
    /// About 20,000 students: for benchmarks.
    Benchmark,
    /// About 200,000 students, ten times the benchmark: for city-scale benchmarks.
    City,
}

impl Preset {
    fn options(self) -> SeedOptions {
        match self {
            Self::Tiny => SeedOptions::tiny(),
            Self::Demo => SeedOptions::demo(),
            Self::Benchmark => SeedOptions::benchmark(),
            Self::City => SeedOptions::city(),
        }
    }
}

/// Runs the command line; the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("Không khởi động được / cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("Lỗi / error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve { config, demo } => tasks::serve(config, demo).await,
        Command::Migrate { config } => {
            let (db, _) = crate::db::connect(&config.database_url, 1, config.db_acquire_timeout()).await?;
            crate::db::migrate(&db).await?;
            println!("Đã cập nhật cơ sở dữ liệu / database migrated");
            Ok(ExitCode::SUCCESS)
        }
        Command::Retention { config, dry_run } => {
            let state = build_state(config).await?;
            let retention = &state.config.retention;
            let swept =
                crate::retention::sweep(&state.db, &state.attachments, retention, chrono::Utc::now(), dry_run).await?;
            println!("{}", crate::retention::report(swept, dry_run));
            Ok(ExitCode::SUCCESS)
        }
        Command::Seed { config, preset } => {
            let state = build_state(config).await?;
            let report = seed(&state.db, state.vault.as_ref(), &preset.options()).await?;
            println!("{report}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Keygen { out } => {
            let public = ServerIdentity::write_new_file(&out)?;
            println!("Đã tạo khóa / identity written: {} (public key {public})", out.display());
            println!(
                "Hãy sao lưu tệp này an toàn / keep a safe backup of this file: without it encrypted data cannot be read."
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Policy { action } => policy::run(action).await,
        Command::Audit { action: AuditAction::Verify { config } } => audit::verify(config).await,
        Command::Keys { action: KeysAction::Rotate { config, dry_run } } => audit::rotate(config, dry_run).await,
        Command::Schema => {
            print!("{}", crate::graphql::sdl());
            Ok(ExitCode::SUCCESS)
        }
        Command::Import { format: ImportFormat::Oneroster { config, path, actor } } => {
            tasks::import_oneroster(config, &path, actor).await
        }
        Command::ActivationCode { config, staff } => {
            use crate::accounts::first::{FirstCode, staff_code};
            let state = build_state(config).await?;
            match staff_code(&state.db, &state.vault, &staff).await? {
                FirstCode::Issued { code, sign_in_with, expires_at } => {
                    println!("{sign_in_with}: {code} (hết hạn / expires {expires_at})");
                    Ok(ExitCode::SUCCESS)
                }
                FirstCode::NoSuchStaff => anyhow::bail!("không có cán bộ {staff} / no staff member {staff}"),
                FirstCode::NotNeeded => anyhow::bail!(
                    "tài khoản đã có mật khẩu hoặc không được đăng nhập / the account has a password or may not sign in"
                ),
            }
        }
        Command::Export { format: ExportFormat::Oneroster { config, path, school, sensitive, actor } } => {
            let state = build_state(config).await?;
            let options = crate::exchange::ExportOptions { actor, school, sensitive };
            let report = crate::exchange::export(&state.db, &state.vault, &path, &options).await?;
            println!("Đã xuất / exported to {}", path.display());
            for (file, rows) in &report {
                println!("{:<24} {rows:>10}", file.file_name());
            }
            if sensitive {
                println!("Gói này chứa dữ liệu cá nhân nhạy cảm / this package holds sensitive personal data");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;

    #[test]
    fn the_command_line_is_well_formed() {
        // Every flag and variable of every command, the flattened settings included, has a
        // name of its own: clap refuses duplicates only when the command line is built.
        super::Cli::command().debug_assert();
    }
}
