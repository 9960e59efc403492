//! The database connection: pool settings per backend (SQLite in WAL mode with a real pool;
//! PostgreSQL), migrations, the SQL statement counters that `/metrics` and the benchmarks
//! read, telling a database that does not answer ([`is_unavailable`]) from a failed
//! statement, and a unique key already taken ([`is_unique_violation`]).

use anyhow::Context as _;
use migration::{Migrator, MigratorTrait as _};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr, RuntimeErr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Counts of SQL statements run through the pool since start.
#[derive(Debug, Default)]
pub struct SqlMetrics {
    /// Statements executed.
    pub statements: AtomicU64,
    /// Statements that failed.
    pub failures: AtomicU64,
    /// Sum of the statements' execution time, in microseconds.
    pub micros: AtomicU64,
}

impl SqlMetrics {
    /// (statements, total microseconds) so far.
    pub fn snapshot(&self) -> (u64, u64) {
        (self.statements.load(Ordering::Relaxed), self.micros.load(Ordering::Relaxed))
    }
}

/// Opens the pool for `url` with settings fit for the backend, and counts every statement.
/// A statement waits at most `acquire_timeout` for a connection, connecting included: a
/// database that is down fails a request within that time instead of holding it.
#[tracing::instrument(skip(url))]
pub async fn connect(
    url: &str,
    max_connections: u32,
    acquire_timeout: Duration,
) -> anyhow::Result<(DatabaseConnection, Arc<SqlMetrics>)> {
    let mut options = options(url, max_connections, acquire_timeout);
    options.min_connections(1);
    open(options, url).await
}

/// Like [`connect`], connecting only when a statement needs a connection (a read replica
/// that is down at start does not keep the server from starting).
pub async fn connect_lazily(
    url: &str,
    max_connections: u32,
    acquire_timeout: Duration,
) -> anyhow::Result<(DatabaseConnection, Arc<SqlMetrics>)> {
    let mut options = options(url, max_connections, acquire_timeout);
    options.min_connections(0).connect_lazy(true);
    open(options, url).await
}

/// The pool's settings for `url`.
fn options(url: &str, max_connections: u32, acquire_timeout: Duration) -> ConnectOptions {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        // A rollover reads through the pool while its transaction holds a connection.
        .max_connections(max_connections.max(2))
        .acquire_timeout(acquire_timeout)
        .sqlx_logging(false)
        // Spans carry the SQL text with placeholders, never the bound values.
        .record_stmt_in_spans(true)
        .map_sqlx_sqlite_opts(|sqlite| {
            sqlite
                .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        })
        // Statements are prepared once per connection and cached. Their plans do not depend
        // on the values bound (index walks by id), so PostgreSQL plans each once instead of
        // again on every execution.
        .map_sqlx_postgres_opts(|postgres| postgres.options([("plan_cache_mode", "force_generic_plan")]));
    options
}

/// Opens the pool and counts its statements.
async fn open(options: ConnectOptions, url: &str) -> anyhow::Result<(DatabaseConnection, Arc<SqlMetrics>)> {
    let mut db =
        Database::connect(options).await.with_context(|| format!("cannot open the database at {}", redact_url(url)))?;
    let metrics = Arc::new(SqlMetrics::default());
    let counter = Arc::clone(&metrics);
    db.set_metric_callback(move |info| {
        counter.statements.fetch_add(1, Ordering::Relaxed);
        if info.failed {
            counter.failures.fetch_add(1, Ordering::Relaxed);
        }
        let micros = u64::try_from(info.elapsed.as_micros()).unwrap_or(u64::MAX);
        counter.micros.fetch_add(micros, Ordering::Relaxed);
    });
    Ok((db, metrics))
}

/// Applies every pending migration.
#[tracing::instrument(skip(db))]
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await.context("migrating the database failed")
}

/// Whether `error` is a unique-constraint violation (both backends): another writer stored
/// the same key first.
pub fn is_unique_violation(error: &DbErr) -> bool {
    matches!(error.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}

/// Whether `error` says the database does not answer — down, unreachable, refusing or
/// dropping connections, out of resources, busy past the busy timeout — rather than that a
/// statement failed.
pub fn is_unavailable(error: &DbErr) -> bool {
    use sea_orm::sqlx::Error;
    let sqlx = match error {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => return true,
        DbErr::Exec(RuntimeErr::SqlxError(error)) | DbErr::Query(RuntimeErr::SqlxError(error)) => error,
        _ => return false,
    };
    match sqlx.as_ref() {
        Error::Io(_)
        | Error::Tls(_)
        | Error::Protocol(_)
        | Error::PoolTimedOut
        | Error::PoolClosed
        | Error::WorkerCrashed => true,
        Error::Database(error) => {
            let code = error.code().unwrap_or_default();
            if error.try_downcast_ref::<sea_orm::sqlx::postgres::PgDatabaseError>().is_some() {
                // Connection exceptions, insufficient resources, the server shutting down or
                // starting, the database dropped, a read-only standby.
                code.starts_with("08")
                    || code.starts_with("53")
                    || matches!(code.as_ref(), "57P01" | "57P02" | "57P03" | "3D000" | "25006")
            } else {
                // SQLite's primary result code (the low byte): busy or locked past the busy
                // timeout, an I/O error, the disk full, the file that cannot be opened.
                code.parse::<i32>().is_ok_and(|code| matches!(code & 0xff, 5 | 6 | 10 | 13 | 14))
            }
        }
        _ => false,
    }
}

/// The URL without its password, for messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            let user = credentials.split(':').next().unwrap_or_default();
            format!("{}{}@{}", &url[..scheme + 3], user, &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

/// A transaction that will write. On SQLite it takes the write lock at `BEGIN` (waiting up
/// to the busy timeout for another writer), so that a read at its start cannot later fail to
/// become a write because someone wrote meanwhile (SQLite would refuse at once, "database is
/// locked"); on PostgreSQL it is an ordinary transaction.
pub async fn begin_write(db: &DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    use sea_orm::TransactionTrait as _;
    let options = sea_orm::TransactionOptions {
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
        ..Default::default()
    };
    db.begin_with_options(options).await
}

/// Rows per multi-row INSERT: well under SQLite's bound-parameter limit for the widest table.
pub const INSERT_BATCH_ROWS: usize = 500;

/// Inserts `rows` in multi-row statements of at most [`INSERT_BATCH_ROWS`], ids as given.
pub async fn insert_in_batches<E>(db: &impl sea_orm::ConnectionTrait, rows: Vec<E::Model>) -> anyhow::Result<()>
where
    E: sea_orm::EntityTrait,
    E::Model: sea_orm::IntoActiveModel<E::ActiveModel>,
{
    let table = E::default().table_name();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<E::ActiveModel> =
            rows.by_ref().take(INSERT_BATCH_ROWS).map(sea_orm::IntoActiveModel::into_active_model).collect();
        E::insert_many(batch).exec_without_returning(db).await.with_context(|| format!("inserting into {table}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn redacting_a_url_drops_the_password_only() {
        assert_eq!(redact_url("postgres://u:secret@h/db"), "postgres://u@h/db");
        assert_eq!(redact_url("sqlite://emis.db?mode=rwc"), "sqlite://emis.db?mode=rwc");
    }
}
