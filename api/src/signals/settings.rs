//! The subscriptions' settings (`EMIS_SUBSCRIPTION_POLL_MS`, `EMIS_SUBSCRIPTION_RECHECK_SECS`).

use crate::config::within;
use std::time::Duration;

/// How often the tables are scanned (SQLite) and waiting subscriptions recheck.
#[derive(Debug, Clone, clap::Args)]
#[group(id = "subscriptions")]
pub struct Settings {
    /// On SQLite, how often the server scans for new notifications, ended sessions and
    /// policy versions applied by another instance, to wake the subscriptions waiting for
    /// them, in milliseconds (10–60000). PostgreSQL announces them instead.
    #[arg(id = "subscription_poll_ms", value_name = "MS", long = "subscription-poll-ms", env = "EMIS_SUBSCRIPTION_POLL_MS", default_value_t = 1000,
          value_parser = within::<u64>("EMIS_SUBSCRIPTION_POLL_MS", 10, 60_000))]
    pub poll_ms: u64,

    /// How often an idle subscription checks that its caller's access still holds (an
    /// expired token, a child's link ended on SQLite), in seconds (1–3600). Signals end it at
    /// once on a sign-out; nothing is ever sent without the check.
    #[arg(id = "subscription_recheck_secs", value_name = "SECS", long = "subscription-recheck-secs", env = "EMIS_SUBSCRIPTION_RECHECK_SECS", default_value_t = 300,
          value_parser = within::<u64>("EMIS_SUBSCRIPTION_RECHECK_SECS", 1, 3600))]
    pub recheck_secs: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self { poll_ms: 1000, recheck_secs: 300 }
    }
}

impl Settings {
    /// How often the tables are scanned for signals (SQLite).
    pub fn poll(&self) -> Duration {
        Duration::from_millis(self.poll_ms.max(10))
    }

    /// How often an idle subscription checks its caller's access.
    pub fn recheck(&self) -> Duration {
        Duration::from_secs(self.recheck_secs.max(1))
    }
}
