//! Reads from PostgreSQL streaming replicas. A GraphQL query goes to a replica that is
//! fresh — it has replayed the primary's log at least as far as the primary had written
//! `EMIS_REPLICA_MAX_LAG_MS` ago — and, for a caller whose session wrote, has replayed past
//! that session's last write (read-your-writes, across instances: the session row records
//! where the primary's log stood after each of its mutations). Everything else goes to the
//! primary: mutations, subscriptions, the authentication of every request (so a sign-out or
//! an ended relationship counts at the next request, whatever the replicas), and any query
//! when no replica is fresh enough, answers, or is configured. A monitor (`monitor.rs`) reads
//! the primary's and each replica's position in the log every [`CHECK_EVERY`].

mod monitor;
mod settings;

pub use settings::Settings;

use crate::db::SqlMetrics;
use sea_orm::{ConnectionTrait as _, DatabaseConnection, DbBackend, DbErr, Statement};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often the monitor reads the positions in the log.
pub const CHECK_EVERY: Duration = Duration::from_millis(100);

/// The replicas of this instance.
pub struct Replicas {
    members: Vec<Replica>,
    max_lag: Duration,
    /// The primary's position in its log, sampled by the monitor (time, bytes), oldest first.
    primary: Mutex<VecDeque<(Instant, i64)>>,
    /// The replica the next query tries first.
    next: AtomicUsize,
}

/// One replica.
struct Replica {
    /// Its URL without credentials, for the log.
    name: String,
    /// The pool queries read through, and its statement counters.
    db: DatabaseConnection,
    metrics: Arc<SqlMetrics>,
    /// The monitor's own connection (its statements are not the queries').
    monitor: DatabaseConnection,
    /// How far it has replayed the log; -1 while unknown or unreachable.
    replayed: AtomicI64,
    /// Whether it is within the largest lag allowed.
    fresh: AtomicBool,
}

impl Replicas {
    /// None: everything reads the primary.
    pub fn none() -> Self {
        Self { members: Vec::new(), max_lag: Duration::ZERO, primary: Mutex::default(), next: AtomicUsize::new(0) }
    }

    /// Pools for the replicas `settings` names, beside the primary `primary` (which must be
    /// PostgreSQL when there are any). They connect when first used: a replica that is down
    /// at start is passed over until it answers.
    pub async fn open(
        settings: &Settings,
        primary: &DatabaseConnection,
        max_connections: u32,
        acquire_timeout: Duration,
    ) -> anyhow::Result<Self> {
        let urls: Vec<&str> = settings.urls().collect();
        if urls.is_empty() {
            return Ok(Self::none());
        }
        if primary.get_database_backend() != DbBackend::Postgres {
            anyhow::bail!(
                "bản sao chỉ dùng với PostgreSQL / read replicas need a PostgreSQL primary (EMIS_DATABASE_REPLICA_URLS)"
            );
        }
        let mut members = Vec::new();
        for url in urls {
            let (db, metrics) = crate::db::connect_lazily(url, max_connections, acquire_timeout).await?;
            let (monitor, _) = crate::db::connect_lazily(url, 1, acquire_timeout).await?;
            let name = crate::db::redact_url(url);
            let (replayed, fresh) = (AtomicI64::new(-1), AtomicBool::new(false));
            members.push(Replica { name, db, metrics, monitor, replayed, fresh });
        }
        Ok(Self { members, max_lag: settings.max_lag(), primary: Mutex::default(), next: AtomicUsize::new(0) })
    }

    /// Whether any replica is configured.
    pub fn any(&self) -> bool {
        !self.members.is_empty()
    }

    /// A replica fresh enough for a caller whose session's last write ended at `wrote` in the
    /// primary's log, taking turns among those that qualify; `None`: read the primary.
    pub fn for_read(&self, wrote: Option<i64>) -> Option<DatabaseConnection> {
        let count = self.members.len();
        if count == 0 {
            return None;
        }
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let wrote = wrote.unwrap_or(0);
        (0..count).map(|offset| &self.members[(start + offset) % count]).find_map(|replica| {
            let ready = replica.fresh.load(Ordering::Relaxed) && replica.replayed.load(Ordering::Relaxed) >= wrote;
            ready.then(|| replica.db.clone())
        })
    }

    /// Records, on the primary, where its log stands now as the last write of `session`:
    /// after a mutation, so that the session's next queries wait for a replica that far.
    pub async fn record_write(&self, primary: &DatabaseConnection, session: i64) -> Result<(), DbErr> {
        if !self.any() {
            return Ok(());
        }
        // The insert position: with `synchronous_commit = off` the write position can still
        // be short of a commit that has returned.
        let sql = "UPDATE auth_session SET wrote_lsn = (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint \
                   WHERE id = $1";
        primary.execute_raw(Statement::from_sql_and_values(DbBackend::Postgres, sql, [session.into()])).await?;
        Ok(())
    }

    /// Statements run on the replicas since start (for `/metrics`).
    pub fn statements(&self) -> u64 {
        self.members.iter().map(|replica| replica.metrics.snapshot().0).sum()
    }

    /// Replicas fresh enough to serve queries now (for `/metrics`).
    pub fn fresh(&self) -> usize {
        self.members.iter().filter(|replica| replica.fresh.load(Ordering::Relaxed)).count()
    }
}
