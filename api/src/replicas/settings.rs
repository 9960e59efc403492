//! The replicas' settings (`EMIS_DATABASE_REPLICA_URLS`, `EMIS_REPLICA_MAX_LAG_MS`).

use crate::config::within;
use std::time::Duration;

/// Where the replicas are and how stale they may be.
#[derive(Debug, Clone, clap::Args)]
#[group(id = "replicas")]
pub struct Settings {
    /// Streaming replicas of the PostgreSQL database that serve queries, comma-separated
    /// (`postgres://USER@HOST/DB,...`); none: everything reads the primary.
    #[arg(
        id = "database_replica_urls",
        long = "database-replica-urls",
        env = "EMIS_DATABASE_REPLICA_URLS",
        value_delimiter = ','
    )]
    pub urls: Vec<String>,

    /// How far a replica may be behind the primary and still serve queries, in milliseconds
    /// (10–60000): one further behind, or not answering, is passed over for the primary.
    #[arg(id = "replica_max_lag_ms", value_name = "MS", long = "replica-max-lag-ms", env = "EMIS_REPLICA_MAX_LAG_MS", default_value_t = 1_000,
          value_parser = within::<u64>("EMIS_REPLICA_MAX_LAG_MS", 10, 60_000))]
    pub max_lag_ms: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self { urls: Vec::new(), max_lag_ms: 1_000 }
    }
}

impl Settings {
    /// The replicas' URLs, blanks left out.
    pub fn urls(&self) -> impl Iterator<Item = &str> {
        self.urls.iter().map(|url| url.trim()).filter(|url| !url.is_empty())
    }

    /// The largest lag a replica serving queries may have.
    pub fn max_lag(&self) -> Duration {
        Duration::from_millis(self.max_lag_ms)
    }
}
