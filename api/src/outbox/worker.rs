//! The outbox's sender and the background worker that sends messages while the server runs:
//! one delivery pass per poll interval (straight on to the next when a pass was full), and a
//! clean stop that lets the pass in flight finish.

use super::delivery::{BATCH, PassReport, deliver_due};
use super::http_sender::HttpSender;
use super::log_sender::LogSender;
use super::sender::Sender;
use super::settings::Settings;
use crate::vault::Vault;
use sea_orm::{DatabaseConnection, DbErr};
use std::sync::Arc;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The configured sender: the gateway's, or the log's when no gateway is configured.
pub struct Outbox {
    sender: Arc<dyn Sender>,
    log: Option<Arc<LogSender>>,
    settings: Settings,
}

impl Outbox {
    /// The sender `settings` configure.
    pub fn from_settings(settings: Settings) -> anyhow::Result<Self> {
        Ok(match HttpSender::from_settings(&settings)? {
            Some(gateway) => Self { sender: Arc::new(gateway), log: None, settings },
            None => {
                let log = Arc::new(LogSender::default());
                Self { sender: Arc::clone(&log) as Arc<dyn Sender>, log: Some(log), settings }
            }
        })
    }

    /// The log sender, when it is the one in use (for tests reading what was "sent").
    pub fn log(&self) -> Option<&LogSender> {
        self.log.as_deref()
    }

    /// The settings the outbox runs with.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// One delivery pass now (the worker's, also for tests that do not wait for it).
    pub async fn deliver_due(&self, db: &DatabaseConnection, vault: &Vault) -> Result<PassReport, DbErr> {
        deliver_due(db, vault, self.sender.as_ref(), &self.settings, chrono::Utc::now()).await
    }
}

/// The running worker.
pub struct Worker {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Worker {
    /// Starts the worker, unless the poll interval is 0 (then `None`).
    pub fn spawn(outbox: Arc<Outbox>, db: DatabaseConnection, vault: Arc<Vault>) -> Option<Self> {
        if outbox.settings.poll_ms == 0 {
            return None;
        }
        let (stop, mut stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            let mut wait = outbox.settings.poll();
            loop {
                tokio::select! {
                    _ = stopped.changed() => break,
                    () = tokio::time::sleep(wait) => {}
                }
                wait = match outbox.deliver_due(&db, &vault).await {
                    Ok(report) if report.handled() >= usize::try_from(BATCH).unwrap_or(usize::MAX) => {
                        std::time::Duration::ZERO
                    }
                    Ok(_) => outbox.settings.poll(),
                    Err(error) => {
                        tracing::warn!(%error, "the outbox could not deliver; trying again later");
                        outbox.settings.poll()
                    }
                };
            }
        });
        Some(Self { stop, task })
    }

    /// Stops the worker after the pass in flight.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        if let Err(error) = self.task.await {
            tracing::error!(%error, "the outbox worker ended abnormally");
        }
    }
}
