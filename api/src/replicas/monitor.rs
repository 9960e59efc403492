//! The replicas' monitor: every [`super::CHECK_EVERY`] it samples where the primary's log
//! stands, reads how far each replica has replayed it, and marks fresh the replicas that have
//! reached the primary's position of the largest lag allowed ago. A replica that does not
//! answer, or is not in recovery (promoted, or not a replica at all), is not fresh.

use super::{CHECK_EVERY, Replica, Replicas};
use crate::periodic::Periodic;
use sea_orm::{ConnectionTrait as _, DatabaseConnection, DbBackend, DbErr, Statement};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

/// The primary's position in its log, in bytes from its start (where the next record goes:
/// every commit that returned ends before it).
const PRIMARY: &str = "SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint AS lsn";
/// How far a replica has replayed the log; null on a server not in recovery.
const REPLAYED: &str = "SELECT (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint AS lsn";

impl Replicas {
    /// Starts the monitor (nothing to watch without replicas).
    pub fn spawn_monitor(self: &Arc<Self>, primary: DatabaseConnection) -> Option<Periodic> {
        if !self.any() {
            return None;
        }
        let replicas = Arc::clone(self);
        Some(Periodic::spawn("replica monitor", CHECK_EVERY, move || {
            let (replicas, primary) = (Arc::clone(&replicas), primary.clone());
            async move { replicas.check(&primary).await }
        }))
    }

    /// One round of the monitor.
    async fn check(&self, primary: &DatabaseConnection) {
        let now = Instant::now();
        match position(primary, PRIMARY).await {
            Ok(Some(lsn)) => self.sample(now, lsn),
            Ok(None) => {}
            Err(error) => tracing::warn!(%error, "reading the primary's position in its log failed"),
        }
        let Some(needed) = self.needed(now) else { return };
        for replica in &self.members {
            replica.check(needed).await;
        }
    }

    /// Keeps `lsn`, sampled at `at`, and forgets samples no longer needed.
    fn sample(&self, at: Instant, lsn: i64) {
        let Ok(mut samples) = self.primary.lock() else { return };
        samples.push_back((at, lsn));
        // The newest sample at least the largest lag old is the one a fresh replica must
        // have reached; older ones are not needed.
        while samples.get(1).is_some_and(|&(taken, _)| at.duration_since(taken) >= self.max_lag) {
            samples.pop_front();
        }
    }

    /// Where a replica must have replayed to be fresh at `now`: the primary's position the
    /// largest lag ago (the oldest sample, until there is one that old).
    fn needed(&self, now: Instant) -> Option<i64> {
        let samples = self.primary.lock().ok()?;
        let old_enough = samples.iter().rev().find(|&&(taken, _)| now.duration_since(taken) >= self.max_lag);
        old_enough.or(samples.front()).map(|&(_, lsn)| lsn)
    }
}

impl Replica {
    /// Reads how far the replica has replayed, and whether that makes it fresh.
    async fn check(&self, needed: i64) {
        let replayed = match position(&self.monitor, REPLAYED).await {
            Ok(Some(lsn)) => lsn,
            Ok(None) => {
                self.mark(-1, false, "the replica is not in recovery: it serves no queries");
                return;
            }
            Err(error) => {
                self.mark(-1, false, &format!("the replica does not answer: {error}"));
                return;
            }
        };
        let fresh = replayed >= needed;
        self.mark(replayed, fresh, "the replica is behind the largest lag allowed: queries read the primary");
    }

    /// Records the replica's state, logging when it stops or starts serving queries.
    fn mark(&self, replayed: i64, fresh: bool, why_not: &str) {
        self.replayed.store(replayed, Ordering::Relaxed);
        let was = self.fresh.swap(fresh, Ordering::Relaxed);
        match (was, fresh) {
            (true, false) => tracing::warn!(replica = %self.name, "{why_not}"),
            (false, true) => tracing::info!(replica = %self.name, "the replica serves queries"),
            _ => {}
        }
    }
}

/// The position `sql` reads, if any.
async fn position(db: &DatabaseConnection, sql: &str) -> Result<Option<i64>, DbErr> {
    let row = db.query_one_raw(Statement::from_string(DbBackend::Postgres, sql)).await?;
    Ok(row.and_then(|row| row.try_get::<Option<i64>>("", "lsn").ok().flatten()))
}
