//! The one typed configuration of the server, read once at start from flags and environment
//! variables (every flag has an `EMIS_*` variable). Nothing else reads the environment. A
//! number out of its range stops the command with a message naming the variable and the
//! range ([`within`]).

use clap::Args;
use std::fmt::Display;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

/// The heaviest request a signed-in caller may send, by default (see [`Config::max_complexity`]).
pub const DEFAULT_MAX_COMPLEXITY: usize = 20_000;

/// Settings of a running server.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Database URL: `sqlite://PATH?mode=rwc` or `postgres://USER@HOST/DB`.
    #[arg(long, env = "EMIS_DATABASE_URL", default_value = "sqlite://emis.db?mode=rwc")]
    pub database_url: String,

    /// Largest number of pooled database connections (2–1000: a year-end rollover reads its
    /// plan through the pool while its own transaction holds a connection).
    #[arg(long, env = "EMIS_DB_MAX_CONNECTIONS", default_value_t = 16,
          value_parser = within::<u32>("EMIS_DB_MAX_CONNECTIONS", 2, 1_000))]
    pub db_max_connections: u32,

    /// Longest wait of a statement for a database connection (connecting included), in
    /// milliseconds (50–60000): past it, a request answers UNAVAILABLE instead of waiting for
    /// a database that is down.
    #[arg(long, env = "EMIS_DB_ACQUIRE_TIMEOUT_MS", default_value_t = 800,
          value_parser = within::<u64>("EMIS_DB_ACQUIRE_TIMEOUT_MS", 50, 60_000))]
    pub db_acquire_timeout_ms: u64,

    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "EMIS_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// The age identity file that unwraps the data keys (written by `emis keygen`); while
    /// keys are rotated it holds the new key first and the old one after it.
    #[arg(long, env = "EMIS_IDENTITY_FILE")]
    pub identity_file: Option<PathBuf>,

    /// An escrow recipient (`age1…`, a public key whose secret is kept elsewhere) every
    /// data key is also wrapped to.
    #[arg(long, env = "EMIS_ESCROW_RECIPIENT")]
    pub escrow_recipient: Option<String>,

    /// Folder holding `model.conf`, `policy.csv` and `cases.csv`.
    #[arg(long, env = "EMIS_POLICY_DIR", default_value = "policy")]
    pub policy_dir: PathBuf,

    /// Seconds between checks of the policy files for changes (0–86400); 0 turns reloading off.
    #[arg(long, env = "EMIS_POLICY_RELOAD_SECS", default_value_t = 5,
          value_parser = within::<u64>("EMIS_POLICY_RELOAD_SECS", 0, 86_400))]
    pub policy_reload_secs: u64,

    /// Minutes an access token lives (1–1440).
    #[arg(long, env = "EMIS_ACCESS_TOKEN_MINUTES", default_value_t = 15,
          value_parser = within::<i64>("EMIS_ACCESS_TOKEN_MINUTES", 1, 1_440))]
    pub access_token_minutes: i64,

    /// Days a refresh token lives (1–365).
    #[arg(long, env = "EMIS_REFRESH_TOKEN_DAYS", default_value_t = 30,
          value_parser = within::<i64>("EMIS_REFRESH_TOKEN_DAYS", 1, 365))]
    pub refresh_token_days: i64,

    /// Days a session lasts at most from sign-in, however often it is refreshed (1–3650).
    #[arg(long, env = "EMIS_SESSION_MAX_DAYS", default_value_t = 90,
          value_parser = within::<i64>("EMIS_SESSION_MAX_DAYS", 1, 3_650))]
    pub session_max_days: i64,

    /// Limits of sign-in attempts.
    #[command(flatten)]
    pub sign_in: crate::auth::throttle::Settings,

    /// Messages to people: the SMS gateway and the outbox worker.
    #[command(flatten)]
    pub outbox: crate::outbox::Settings,

    #[command(flatten)]
    pub replicas: crate::replicas::Settings,

    /// Files attached to notices: where they are kept and how large they may be.
    #[command(flatten)]
    pub attachments: crate::attachments::Settings,

    /// How long notices, conversations, notifications and sent messages are kept.
    #[command(flatten)]
    pub retention: crate::retention::Settings,

    /// How much a vendor's client may ask: requests a minute, students a day.
    #[command(flatten)]
    pub sharing: crate::sharing::limits::Settings,

    /// Serve GraphQL introspection (and so GraphiQL's documentation pane).
    #[arg(long, env = "EMIS_INTROSPECTION", default_value_t = false)]
    pub introspection: bool,

    /// Deepest nesting of data fields accepted (2–64; introspection has its own bound: as
    /// deep as GraphiQL's schema query).
    #[arg(long, env = "EMIS_MAX_DEPTH", default_value_t = 12, value_parser = within::<usize>("EMIS_MAX_DEPTH", 2, 64))]
    pub max_depth: usize,

    /// Heaviest request a signed-in caller may send: one per field, each list field's
    /// selection times its page size or known bound, fragments expanded, aliases counted
    /// (about the number of values the answer can hold; 1–100000000).
    #[arg(long, env = "EMIS_MAX_COMPLEXITY", default_value_t = DEFAULT_MAX_COMPLEXITY,
          value_parser = within::<usize>("EMIS_MAX_COMPLEXITY", 1, 100_000_000))]
    pub max_complexity: usize,

    /// Heaviest request accepted without a bearer token (signing in weighs 5).
    #[arg(long, env = "EMIS_MAX_COMPLEXITY_ANONYMOUS", default_value_t = 50,
          value_parser = within::<u64>("EMIS_MAX_COMPLEXITY_ANONYMOUS", 1, 10_000))]
    pub max_complexity_anonymous: u64,

    /// OTLP/gRPC endpoint for traces, e.g. `http://127.0.0.1:4317`; unset: no export.
    #[arg(long, env = "OTEL_EXPORTER_OTLP_ENDPOINT")]
    pub otlp_endpoint: Option<String>,

    /// Log output: `text` or `json`.
    #[arg(long, env = "EMIS_LOG_FORMAT", default_value = "text")]
    pub log_format: String,

    /// Regular assessments per semester of a comment-only subject (1–4).
    #[arg(long, env = "EMIS_COMMENT_REGULAR_ASSESSMENTS", default_value_t = 2,
          value_parser = within::<u8>("EMIS_COMMENT_REGULAR_ASSESSMENTS", 1, 4))]
    pub comment_regular_assessments: u8,

    #[command(flatten)]
    pub subscriptions: crate::signals::Settings,
}

impl Config {
    /// A configuration for tests and embedding: SQLite file, loopback on a free port.
    pub fn for_database(database_url: impl Into<String>, policy_dir: PathBuf) -> Self {
        Self {
            database_url: database_url.into(),
            db_max_connections: 8,
            db_acquire_timeout_ms: 800,
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            identity_file: None,
            escrow_recipient: None,
            policy_dir,
            policy_reload_secs: 0,
            access_token_minutes: 15,
            refresh_token_days: 30,
            session_max_days: 90,
            sign_in: crate::auth::throttle::Settings::default(),
            // No background worker: statement counts stay exact; tests deliver with
            // `Outbox::deliver_due` or turn polling on.
            outbox: crate::outbox::Settings {
                poll_ms: 0,
                quiet_hours: crate::outbox::QuietHours::OFF,
                school_hours: None,
                ..crate::outbox::Settings::default()
            },
            attachments: crate::attachments::Settings::default(),
            replicas: crate::replicas::Settings::default(),
            // No background sweep: a test sweeps when it means to, at the time it chooses.
            retention: crate::retention::Settings { sweep: false, ..crate::retention::Settings::default() },
            sharing: crate::sharing::limits::Settings::default(),
            introspection: true,
            max_depth: 12,
            // Tests read whole rosters with every result in one request; the weighing's own
            // tests set the served default.
            max_complexity: 10_000_000,
            max_complexity_anonymous: 50,
            otlp_endpoint: None,
            log_format: "text".to_owned(),
            subscriptions: crate::signals::Settings::default(),
            comment_regular_assessments: 2,
        }
    }

    /// The choices of practice the computed results follow.
    pub fn assessment_settings(&self) -> emis_rules::secondary::Settings {
        emis_rules::secondary::Settings { comment_regular_assessments: self.comment_regular_assessments }
    }

    /// Longest wait of a statement for a database connection.
    pub fn db_acquire_timeout(&self) -> Duration {
        Duration::from_millis(self.db_acquire_timeout_ms)
    }

    /// How often to check the policy files, if at all.
    pub fn policy_reload_interval(&self) -> Option<Duration> {
        (self.policy_reload_secs > 0).then(|| Duration::from_secs(self.policy_reload_secs))
    }

    /// The server identity the identity file holds, with the escrow recipient; `None`
    /// without an identity file.
    pub fn identity(&self) -> anyhow::Result<Option<emis_crypto::ServerIdentity>> {
        use anyhow::Context as _;
        let Some(path) = &self.identity_file else { return Ok(None) };
        let identity = emis_crypto::ServerIdentity::from_file(path)
            .with_context(|| format!("cannot read the identity file {}", path.display()))?;
        Ok(Some(match &self.escrow_recipient {
            Some(recipient) => identity.with_escrow(recipient)?,
            None => identity,
        }))
    }

    /// The policy folder, which must exist: no other folder is ever read in its place.
    pub fn checked_policy_dir(&self) -> anyhow::Result<&std::path::Path> {
        if self.policy_dir.is_dir() {
            return Ok(&self.policy_dir);
        }
        let dir = self.policy_dir.display();
        let (vi, en) = match std::env::current_dir() {
            Ok(here) if self.policy_dir.is_relative() => (
                format!("; đường dẫn tương đối tính từ {}", here.display()),
                format!("; a relative path is taken from {}", here.display()),
            ),
            _ => (String::new(), String::new()),
        };
        anyhow::bail!(
            "thư mục chính sách \"{dir}\" không tồn tại (EMIS_POLICY_DIR, --policy-dir{vi}) / the policy folder \"{dir}\" \
             does not exist (EMIS_POLICY_DIR, --policy-dir{en})"
        )
    }
}

/// A value parser for a number setting that must lie in `min..=max`: anything else is refused
/// with a message naming the variable and the range, in Vietnamese and English.
pub(crate) fn within<T>(
    variable: &'static str,
    min: T,
    max: T,
) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync
where
    T: FromStr + PartialOrd + Display + Copy + Send + Sync + 'static,
{
    move |text: &str| match text.trim().parse::<T>() {
        Ok(value) if min <= value && value <= max => Ok(value),
        _ => Err(format!(
            "{variable} phải là số nguyên từ {min} đến {max} / {variable} must be a whole number from {min} to {max}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::within;

    #[test]
    fn a_number_out_of_range_is_refused_naming_the_variable() {
        let minutes = within::<i64>("EMIS_ACCESS_TOKEN_MINUTES", 1, 1_440);
        assert_eq!(minutes("15"), Ok(15));
        assert_eq!(minutes("1440"), Ok(1_440));
        for wrong in ["-5", "0", "1441", "fifteen", ""] {
            let message = minutes(wrong).unwrap_err();
            assert!(message.contains("EMIS_ACCESS_TOKEN_MINUTES") && message.contains("1 đến 1440"), "{message}");
        }
    }
}

#[cfg(test)]
mod parsing {
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
