//! The one typed configuration of the server, read once at start from flags and environment
//! variables (every flag has an `EMIS_*` variable). Nothing else reads the environment.

use clap::Args;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The heaviest request a signed-in caller may send, by default (see [`Config::max_complexity`]).
pub const DEFAULT_MAX_COMPLEXITY: usize = 20_000;

/// Settings of a running server.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Database URL: `sqlite://PATH?mode=rwc` or `postgres://USER@HOST/DB`.
    #[arg(long, env = "EMIS_DATABASE_URL", default_value = "sqlite://emis.db?mode=rwc")]
    pub database_url: String,

    /// Largest number of pooled database connections.
    #[arg(long, env = "EMIS_DB_MAX_CONNECTIONS", default_value_t = 16)]
    pub db_max_connections: u32,

    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "EMIS_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// The age identity file that unwraps the data keys (written by `emis keygen`).
    #[arg(long, env = "EMIS_IDENTITY_FILE")]
    pub identity_file: Option<PathBuf>,

    /// Folder holding `model.conf`, `policy.csv` and `cases.csv`.
    #[arg(long, env = "EMIS_POLICY_DIR", default_value = "policy")]
    pub policy_dir: PathBuf,

    /// Seconds between checks of the policy files for changes; 0 turns reloading off.
    #[arg(long, env = "EMIS_POLICY_RELOAD_SECS", default_value_t = 5)]
    pub policy_reload_secs: u64,

    /// Minutes an access token lives.
    #[arg(long, env = "EMIS_ACCESS_TOKEN_MINUTES", default_value_t = 15)]
    pub access_token_minutes: i64,

    /// Days a refresh token lives.
    #[arg(long, env = "EMIS_REFRESH_TOKEN_DAYS", default_value_t = 30)]
    pub refresh_token_days: i64,

    /// Days a session lasts at most from sign-in, however often it is refreshed (1–3650).
    #[arg(long, env = "EMIS_SESSION_MAX_DAYS", default_value_t = 90,
          value_parser = clap::value_parser!(i64).range(1..=3650))]
    pub session_max_days: i64,

    /// Limits of sign-in attempts.
    #[command(flatten)]
    pub sign_in: crate::auth::throttle::Settings,

    /// Serve GraphQL introspection (and so GraphiQL's documentation pane).
    #[arg(long, env = "EMIS_INTROSPECTION", default_value_t = false)]
    pub introspection: bool,

    /// Deepest nesting of data fields accepted (introspection has its own bound: as deep as
    /// GraphiQL's schema query).
    #[arg(long, env = "EMIS_MAX_DEPTH", default_value_t = 12)]
    pub max_depth: usize,

    /// Heaviest request a signed-in caller may send: one per field, each list field's
    /// selection times its page size or known bound, fragments expanded, aliases counted
    /// (about the number of values the answer can hold).
    #[arg(long, env = "EMIS_MAX_COMPLEXITY", default_value_t = DEFAULT_MAX_COMPLEXITY)]
    pub max_complexity: usize,

    /// Heaviest request accepted without a bearer token (signing in weighs 5).
    #[arg(long, env = "EMIS_MAX_COMPLEXITY_ANONYMOUS", default_value_t = 50,
          value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub max_complexity_anonymous: u64,

    /// OTLP/gRPC endpoint for traces, e.g. `http://127.0.0.1:4317`; unset: no export.
    #[arg(long, env = "OTEL_EXPORTER_OTLP_ENDPOINT")]
    pub otlp_endpoint: Option<String>,

    /// Log output: `text` or `json`.
    #[arg(long, env = "EMIS_LOG_FORMAT", default_value = "text")]
    pub log_format: String,

    /// What an assessment that was never made up counts as in computed results: `zero` (0,
    /// or Chưa đạt) or `none` (no result until it is made up).
    #[arg(long, env = "EMIS_MISSING_ASSESSMENT", default_value = "zero", value_parser = ["zero", "none"])]
    pub missing_assessment: String,

    /// Regular assessments per semester of a comment-only subject.
    #[arg(long, env = "EMIS_COMMENT_REGULAR_ASSESSMENTS", default_value_t = 2)]
    pub comment_regular_assessments: u8,

    /// How often an open subscription looks for new notifications and checks that its
    /// caller's access still holds, in milliseconds.
    #[arg(long, env = "EMIS_SUBSCRIPTION_POLL_MS", default_value_t = 1000)]
    pub subscription_poll_ms: u64,
}

impl Config {
    /// A configuration for tests and embedding: SQLite file, loopback on a free port.
    pub fn for_database(database_url: impl Into<String>, policy_dir: PathBuf) -> Self {
        Self {
            database_url: database_url.into(),
            db_max_connections: 8,
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            identity_file: None,
            policy_dir,
            policy_reload_secs: 0,
            access_token_minutes: 15,
            refresh_token_days: 30,
            session_max_days: 90,
            sign_in: crate::auth::throttle::Settings::default(),
            introspection: true,
            max_depth: 12,
            // Tests read whole rosters with every result in one request; the weighing's own
            // tests set the served default.
            max_complexity: 10_000_000,
            max_complexity_anonymous: 50,
            otlp_endpoint: None,
            log_format: "text".to_owned(),
            subscription_poll_ms: 1000,
            missing_assessment: "zero".to_owned(),
            comment_regular_assessments: 2,
        }
    }

    /// The choices of practice the computed results follow.
    pub fn assessment_settings(&self) -> emis_rules::secondary::Settings {
        use emis_rules::secondary::{Missing, Settings};
        let missing = if self.missing_assessment == "none" { Missing::LeavesNoResult } else { Missing::CountsAsFail };
        Settings { comment_regular_assessments: self.comment_regular_assessments, missing }
    }

    /// How often an open subscription polls.
    pub fn subscription_poll(&self) -> Duration {
        Duration::from_millis(self.subscription_poll_ms.max(10))
    }

    /// How often to check the policy files, if at all.
    pub fn policy_reload_interval(&self) -> Option<Duration> {
        (self.policy_reload_secs > 0).then(|| Duration::from_secs(self.policy_reload_secs))
    }

    /// The policy folder: the configured one, or the repository's `policy/` when the
    /// configured relative default does not exist (running from another directory).
    pub fn resolved_policy_dir(&self) -> PathBuf {
        if self.policy_dir.exists() || self.policy_dir.is_absolute() {
            return self.policy_dir.clone();
        }
        let shipped = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../policy");
        if shipped.exists() { shipped } else { self.policy_dir.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::Config;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        config: Config,
    }

    #[test]
    fn a_session_lifetime_out_of_range_refuses_to_start() {
        let parsed = Cli::try_parse_from(["emis", "--session-max-days", "120"]).map(|cli| cli.config.session_max_days);
        assert_eq!(parsed.ok(), Some(120));
        assert_eq!(Cli::try_parse_from(["emis"]).map(|cli| cli.config.session_max_days).ok(), Some(90));
        for refused in ["0", "-1", "3651", "many"] {
            assert!(Cli::try_parse_from(["emis", "--session-max-days", refused]).is_err(), "{refused}");
        }
        assert!(Cli::try_parse_from(["emis", "--sign-in-per-account-address", "0"]).is_err());
    }
}
