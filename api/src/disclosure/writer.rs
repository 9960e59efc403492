//! The writer of the disclosure log, by group commit. A request hands over its disclosures
//! and waits until they are committed ([`DisclosureWriter::append`]); only then may its
//! response leave. One background task writes: it takes everything queued, appends it in
//! one transaction (extending the hash chain from the last entry in the database, under a
//! table lock on PostgreSQL, so several server instances extend one chain), acknowledges
//! each request, and takes the next batch. Under load one commit carries the entries of
//! every request that arrived while the previous one was written; a request alone waits for
//! its own commit and nothing more. A request whose entries could not be written is told
//! so, and must not show the data.

use super::chain::entry_hash;
use super::{Disclosed, Recipient};
use chrono::{DateTime, Utc};
use emis_crypto::ChainKey;
use entity::disclosure_log;
use sea_orm::{
    ActiveValue::Set, ConnectionTrait as _, DatabaseBackend, DatabaseConnection, DbErr, EntityTrait as _,
    QueryOrder as _,
};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// Most entries written in one transaction.
const BATCH: usize = 2_000;
/// Rows per insert statement.
const INSERT_ROWS: usize = 64;

/// The disclosure log could not be written: the data it was to record must not be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotLogged;

enum Message {
    /// A request's entries, and where to tell it they are committed.
    Append(Vec<disclosure_log::Model>, oneshot::Sender<Result<(), NotLogged>>),
    Flush(oneshot::Sender<()>),
}

/// Hands disclosures to the background task; cheap to clone.
#[derive(Clone)]
pub struct DisclosureWriter {
    sender: mpsc::UnboundedSender<Message>,
    key: Option<Arc<ChainKey>>,
}

impl DisclosureWriter {
    /// Starts the writer over `db`, chaining under `key` (see [`super::chain_key`]); it
    /// stops after every sender is dropped and the queue is written.
    pub fn spawn(db: DatabaseConnection, key: Option<Arc<ChainKey>>) -> (Self, tokio::task::JoinHandle<()>) {
        let (sender, receiver) = mpsc::unbounded_channel();
        let task = tokio::spawn(run(db, receiver, key.clone()));
        (Self { sender, key }, task)
    }

    /// The key the chain is written under (none on a server without an identity).
    pub fn chain_key(&self) -> Option<&ChainKey> {
        self.key.as_deref()
    }

    /// Records the disclosures of one request, returning once they are committed; an error
    /// when they could not be (the request must then not show the data).
    pub async fn append(&self, recipient: Recipient, disclosed: Vec<Disclosed>) -> Result<(), NotLogged> {
        if disclosed.is_empty() {
            return Ok(());
        }
        let (done, committed) = oneshot::channel();
        let rows = entries(&recipient, Utc::now(), disclosed);
        if self.sender.send(Message::Append(rows, done)).is_err() {
            tracing::error!("the disclosure log writer has stopped");
            return Err(NotLogged);
        }
        committed.await.unwrap_or(Err(NotLogged))
    }

    /// Waits until everything queued so far is written.
    pub async fn flush(&self) {
        let (done, wait) = oneshot::channel();
        if self.sender.send(Message::Flush(done)).is_ok() {
            let _ = wait.await;
        }
    }
}

/// The log entries of one request's disclosures, at `at` (to the microsecond both databases
/// keep), not yet chained.
fn entries(recipient: &Recipient, at: DateTime<Utc>, disclosed: Vec<Disclosed>) -> Vec<disclosure_log::Model> {
    let at = DateTime::from_timestamp_micros(at.timestamp_micros()).unwrap_or(at);
    disclosed
        .into_iter()
        .map(|entry| disclosure_log::Model {
            id: 0,
            at,
            actor_kind: recipient.actor_kind.to_owned(),
            actor_id: recipient.actor_id,
            session_id: recipient.session_id,
            school_id: entry.school,
            students: entry.students_text(),
            fields: entry.fields,
            purpose: recipient.purpose_at(entry.school).to_owned(),
            policy_version: Some(recipient.policy_version.clone()),
            prev_hash: None,
            hash: String::new(),
        })
        .collect()
}

/// One batch: the entries, who waits for them, and who waits for everything before.
#[derive(Default)]
struct Batch {
    rows: Vec<disclosure_log::Model>,
    waiting: Vec<oneshot::Sender<Result<(), NotLogged>>>,
    flushes: Vec<oneshot::Sender<()>>,
}

impl Batch {
    fn take(&mut self, message: Message) {
        match message {
            Message::Append(rows, done) => {
                self.rows.extend(rows);
                self.waiting.push(done);
            }
            Message::Flush(done) => self.flushes.push(done),
        }
    }
}

async fn run(db: DatabaseConnection, mut receiver: mpsc::UnboundedReceiver<Message>, key: Option<Arc<ChainKey>>) {
    while let Some(message) = receiver.recv().await {
        let mut batch = Batch::default();
        batch.take(message);
        // Whatever else is queued already goes into the same transaction; nothing waits
        // for more to arrive.
        while batch.rows.len() < BATCH {
            match receiver.try_recv() {
                Ok(message) => batch.take(message),
                Err(_) => break,
            }
        }
        let outcome = if batch.rows.is_empty() { Ok(()) } else { append(&db, key.as_deref(), &mut batch.rows).await };
        if let Err(error) = &outcome {
            tracing::error!(%error, entries = batch.rows.len(), "writing the disclosure log failed; the requests are refused");
        }
        for done in batch.waiting {
            let _ = done.send(outcome.as_ref().map(|_| ()).map_err(|_| NotLogged));
        }
        for done in batch.flushes {
            let _ = done.send(());
        }
    }
}

/// Appends `rows` in one transaction, chaining them after the last stored entry.
async fn append(
    db: &DatabaseConnection,
    key: Option<&ChainKey>,
    rows: &mut [disclosure_log::Model],
) -> Result<(), DbErr> {
    // On SQLite the write lock is taken at the start, so the read of the chain's end cannot
    // be overtaken by another writer.
    let txn = crate::db::begin_write(db).await?;
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        txn.execute_unprepared("LOCK TABLE disclosure_log IN EXCLUSIVE MODE").await?;
    }
    let last = disclosure_log::Entity::find().order_by_desc(disclosure_log::Column::Id).one(&txn).await?;
    let mut prev = last.map(|row| row.hash);
    for row in rows.iter_mut() {
        row.prev_hash = prev.clone();
        row.hash = entry_hash(key, prev.as_deref(), row);
        prev = Some(row.hash.clone());
    }
    // Statements of at most INSERT_ROWS rows, so each connection prepares at most that many
    // insert shapes once, instead of one for every batch size up to BATCH.
    for chunk in rows.chunks(INSERT_ROWS) {
        let models = chunk.iter().map(|row| disclosure_log::ActiveModel {
            at: Set(row.at),
            actor_kind: Set(row.actor_kind.clone()),
            actor_id: Set(row.actor_id),
            session_id: Set(row.session_id),
            school_id: Set(row.school_id),
            students: Set(row.students.clone()),
            fields: Set(row.fields.clone()),
            purpose: Set(row.purpose.clone()),
            policy_version: Set(row.policy_version.clone()),
            prev_hash: Set(row.prev_hash.clone()),
            hash: Set(row.hash.clone()),
            ..Default::default()
        });
        disclosure_log::Entity::insert_many(models).exec(&txn).await?;
    }
    txn.commit().await
}
