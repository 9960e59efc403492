//! What must reach every instance of the server at once: a notification written for a
//! family or a staff member (to wake their open subscriptions), a session ended or a
//! guardian's link to a child changed (to end the subscriptions that may no longer follow),
//! and a policy version applied by another instance (to apply it here too).
//!
//! On PostgreSQL the database announces them itself — triggers `pg_notify` on commit
//! (migration 000045) and every instance listens (`listen.rs`); on SQLite, where the
//! instances share one machine, one scan of the tables a poll period serves the whole
//! instance (`scan.rs`). Either way an idle subscription costs no query: it sleeps in the
//! [`Hub`] until its key is signalled, and then reads through the privacy layer as any
//! request does.

mod hub;
mod listen;
mod policy;
mod scan;
mod settings;

pub use hub::{Hub, Watch};
pub use settings::Settings;

use crate::auth::Account;
use crate::periodic::Periodic;
use crate::state::AppState;
use sea_orm::DbBackend;
use std::sync::Arc;

/// The channel the triggers announce on.
pub const CHANNEL: &str = "emis_signal";

/// What a subscription waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    /// A notification to this guardian.
    Family(i64),
    /// A notification to this staff member.
    Staff(i64),
    /// The account's session ended or its access changed.
    Account(Account),
}

/// One announcement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signal {
    /// Wake whoever waits for the key.
    Wake(Key),
    /// A policy version was applied.
    Policy(String),
}

impl Signal {
    /// Reads a trigger's payload (`g:12`, `s:3`, `a:staff:7`, `p:<version>`); `None` for
    /// anything else.
    pub fn parse(payload: &str) -> Option<Self> {
        let (tag, rest) = payload.split_once(':')?;
        let key = match tag {
            "g" => Key::Family(rest.parse().ok()?),
            "s" => Key::Staff(rest.parse().ok()?),
            "a" => Key::Account(account(rest)?),
            "p" if !rest.is_empty() => return Some(Self::Policy(rest.to_owned())),
            _ => return None,
        };
        Some(Self::Wake(key))
    }
}

/// An account named `kind:id`.
fn account(named: &str) -> Option<Account> {
    let (kind, id) = named.split_once(':')?;
    Account::of_kind(kind, id.parse().ok()?)
}

/// Acts on a signal in this instance.
async fn deliver(state: &AppState, signal: Signal) {
    match signal {
        Signal::Wake(key) => state.signals.wake(key),
        Signal::Policy(version) => policy::adopt_applied(state, Some(&version)).await,
    }
}

/// The running source of signals.
pub enum Source {
    /// PostgreSQL's announcements, listened to.
    Listening(tokio::task::JoinHandle<()>),
    /// The tables, scanned.
    Scanning(Periodic),
}

impl Source {
    /// Starts the source fit for the database.
    pub fn spawn(state: &Arc<AppState>) -> Self {
        match state.db.get_database_backend() {
            DbBackend::Postgres => Self::Listening(listen::spawn(Arc::clone(state))),
            _ => Self::Scanning(scan::spawn(Arc::clone(state))),
        }
    }

    /// Stops it.
    pub async fn stop(self) {
        match self {
            Self::Listening(task) => task.abort(),
            Self::Scanning(periodic) => periodic.stop().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Account, Key, Signal};

    #[test]
    fn payloads_read_back() {
        assert_eq!(Signal::parse("g:12"), Some(Signal::Wake(Key::Family(12))));
        assert_eq!(Signal::parse("s:3"), Some(Signal::Wake(Key::Staff(3))));
        assert_eq!(Signal::parse("a:staff:7"), Some(Signal::Wake(Key::Account(Account::Staff(7)))));
        assert_eq!(Signal::parse("a:guardian:8"), Some(Signal::Wake(Key::Account(Account::Guardian(8)))));
        assert_eq!(Signal::parse("p:0b14ac01559387bb"), Some(Signal::Policy("0b14ac01559387bb".to_owned())));
        for bad in ["", "g", "g:", "g:x", "a:vendor:1", "a:staff", "p:", "x:1"] {
            assert_eq!(Signal::parse(bad), None, "{bad:?}");
        }
    }
}
