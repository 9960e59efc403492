//! The outbox's senders and the background worker that sends messages while the server runs:
//! one pass per poll interval — dispatch the new notifications, then deliver what is due —
//! straight on to the next when a pass was full, and a clean stop that lets the pass in
//! flight finish.

use super::delivery::{BATCH, PassReport, Senders, deliver_due};
use super::dispatch::{DISPATCH_BATCH, dispatch_due};
use super::http_sender::HttpSender;
use super::log_sender::LogSender;
use super::sender::Sender;
use super::settings::Settings;
use crate::vault::Vault;
use sea_orm::{DatabaseConnection, DbErr};
use std::sync::Arc;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// One channel's sender: its gateway's, or the log's when no gateway is configured.
struct Configured {
    sender: Arc<dyn Sender>,
    log: Option<Arc<LogSender>>,
}

impl Configured {
    fn of(gateway: Option<HttpSender>) -> Self {
        match gateway {
            Some(gateway) => Self { sender: Arc::new(gateway), log: None },
            None => {
                let log = Arc::new(LogSender::default());
                Self { sender: Arc::clone(&log) as Arc<dyn Sender>, log: Some(log) }
            }
        }
    }
}

/// The configured senders.
pub struct Outbox {
    sms: Configured,
    push: Configured,
    settings: Settings,
}

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    /// Notifications dispatched.
    pub dispatched: usize,
    /// Messages delivered (or retried, or given up).
    pub delivered: PassReport,
}

impl Outbox {
    /// The senders `settings` configure.
    pub fn from_settings(settings: Settings) -> anyhow::Result<Self> {
        let sms = Configured::of(HttpSender::sms(&settings)?);
        let push = Configured::of(HttpSender::push(&settings)?);
        Ok(Self { sms, push, settings })
    }

    /// The SMS log sender, when it is the one in use (for tests reading what was "sent").
    pub fn log(&self) -> Option<&LogSender> {
        self.sms.log.as_deref()
    }

    /// The push log sender, when it is the one in use.
    pub fn push_log(&self) -> Option<&LogSender> {
        self.push.log.as_deref()
    }

    /// The settings the outbox runs with.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Dispatches the new notifications now (the worker's first step).
    pub async fn dispatch_due(&self, db: &DatabaseConnection, vault: &Vault) -> Result<usize, DbErr> {
        let now = chrono::Utc::now();
        let families = dispatch_due(db, vault, self.settings.quiet_hours, now).await?;
        let staff = super::dispatch_staff_due(db, vault, &self.settings.school_hours, now).await?;
        Ok(families + staff)
    }

    /// One pass now (the worker's, also for tests that do not wait for it): dispatches the
    /// new notifications, then delivers the messages due.
    pub async fn deliver_due(&self, db: &DatabaseConnection, vault: &Vault) -> Result<PassReport, DbErr> {
        Ok(self.pass(db, vault).await?.delivered)
    }

    /// One pass now, with what it dispatched.
    pub async fn pass(&self, db: &DatabaseConnection, vault: &Vault) -> Result<Pass, DbErr> {
        let dispatched = self.dispatch_due(db, vault).await?;
        let senders = Senders { sms: self.sms.sender.as_ref(), push: self.push.sender.as_ref() };
        let delivered = deliver_due(db, vault, senders, &self.settings, chrono::Utc::now()).await?;
        Ok(Pass { dispatched, delivered })
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
            let full = |pass: &Pass| {
                pass.dispatched >= usize::try_from(DISPATCH_BATCH).unwrap_or(usize::MAX)
                    || pass.delivered.handled() >= usize::try_from(BATCH).unwrap_or(usize::MAX)
            };
            loop {
                tokio::select! {
                    _ = stopped.changed() => break,
                    () = tokio::time::sleep(wait) => {}
                }
                wait = match outbox.pass(&db, &vault).await {
                    Ok(pass) if full(&pass) => std::time::Duration::ZERO,
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
