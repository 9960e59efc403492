//! The background writer of the disclosure log: requests hand over their disclosures and
//! return at once; the writer appends them in batches, one transaction per batch, extending
//! the hash chain from the last entry in the database (under a table lock on PostgreSQL, so
//! several server instances extend one chain). A batch gathers what arrives within
//! [`LINGER`] of its first entry, so under load one transaction carries many requests'
//! entries instead of each request paying for its own.

use super::chain::entry_hash;
use super::{Disclosed, Recipient};
use chrono::{DateTime, Utc};
use entity::disclosure_log;
use sea_orm::{
    ActiveValue::Set, ConnectionTrait as _, DatabaseBackend, DatabaseConnection, DbErr, EntityTrait as _,
    QueryOrder as _, TransactionTrait as _,
};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::time::{Instant, timeout_at};

/// Largest number of entries written in one transaction.
const BATCH: usize = 2_000;
/// How long a batch waits for more entries after its first one.
const LINGER: Duration = Duration::from_millis(10);
/// Rows per insert statement.
const INSERT_ROWS: usize = 64;

enum Message {
    Append(Recipient, DateTime<Utc>, Vec<Disclosed>),
    Flush(oneshot::Sender<()>),
}

/// Hands disclosures to the background task; cheap to clone.
#[derive(Clone)]
pub struct DisclosureWriter {
    sender: mpsc::UnboundedSender<Message>,
}

impl DisclosureWriter {
    /// Starts the writer over `db`; it stops after every sender is dropped and the queue is
    /// written.
    pub fn spawn(db: DatabaseConnection) -> (Self, tokio::task::JoinHandle<()>) {
        let (sender, receiver) = mpsc::unbounded_channel();
        let task = tokio::spawn(run(db, receiver));
        (Self { sender }, task)
    }

    /// Queues the disclosures of one request.
    pub fn append(&self, recipient: Recipient, disclosed: Vec<Disclosed>) {
        if disclosed.is_empty() {
            return;
        }
        if self.sender.send(Message::Append(recipient, Utc::now(), disclosed)).is_err() {
            tracing::error!("the disclosure log writer has stopped; entries were lost");
        }
    }

    /// Waits until everything queued so far is written.
    pub async fn flush(&self) {
        let (done, wait) = oneshot::channel();
        if self.sender.send(Message::Flush(done)).is_ok() {
            let _ = wait.await;
        }
    }
}

async fn run(db: DatabaseConnection, mut receiver: mpsc::UnboundedReceiver<Message>) {
    let mut pending: Vec<disclosure_log::Model> = Vec::new();
    while let Some(message) = receiver.recv().await {
        let mut flushes = Vec::new();
        collect(message, &mut pending, &mut flushes);
        // Gather until the batch is full, its time is up, someone waits for it, or every
        // sender is gone.
        let deadline = Instant::now() + LINGER;
        while pending.len() < BATCH && flushes.is_empty() {
            match timeout_at(deadline, receiver.recv()).await {
                Ok(Some(message)) => collect(message, &mut pending, &mut flushes),
                Ok(None) | Err(_) => break,
            }
        }
        if !pending.is_empty() {
            if let Err(error) = append(&db, &mut pending).await {
                tracing::error!(%error, entries = pending.len(), "writing the disclosure log failed; retrying with the next batch");
            } else {
                pending.clear();
            }
        }
        for done in flushes {
            let _ = done.send(());
        }
    }
}

fn collect(message: Message, pending: &mut Vec<disclosure_log::Model>, flushes: &mut Vec<oneshot::Sender<()>>) {
    match message {
        Message::Append(recipient, at, disclosed) => {
            let at = DateTime::from_timestamp_micros(at.timestamp_micros()).unwrap_or(at);
            pending.extend(disclosed.into_iter().map(|entry| disclosure_log::Model {
                id: 0,
                at,
                actor_kind: recipient.actor_kind.to_owned(),
                actor_id: recipient.actor_id,
                session_id: recipient.session_id,
                school_id: entry.school,
                students: entry.students_text(),
                fields: entry.fields,
                purpose: recipient.purpose.clone(),
                prev_hash: None,
                hash: String::new(),
            }));
        }
        Message::Flush(done) => flushes.push(done),
    }
}

/// Appends `rows` in one transaction, chaining them after the last stored entry.
async fn append(db: &DatabaseConnection, rows: &mut [disclosure_log::Model]) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        txn.execute_unprepared("LOCK TABLE disclosure_log IN EXCLUSIVE MODE").await?;
    }
    let last = disclosure_log::Entity::find().order_by_desc(disclosure_log::Column::Id).one(&txn).await?;
    let mut prev = last.map(|row| row.hash);
    for row in rows.iter_mut() {
        row.prev_hash = prev.clone();
        row.hash = entry_hash(prev.as_deref(), row);
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
            prev_hash: Set(row.prev_hash.clone()),
            hash: Set(row.hash.clone()),
            ..Default::default()
        });
        disclosure_log::Entity::insert_many(models).exec(&txn).await?;
    }
    txn.commit().await
}
