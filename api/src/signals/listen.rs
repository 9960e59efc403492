//! PostgreSQL's announcements, listened to on one connection of its own (outside the pool:
//! a `LISTEN` holds its session, so it needs a direct connection or a session-pooled one).
//! A lost connection is opened again; whatever was announced meanwhile is caught up by
//! waking every subscription and applying the policy last recorded.

use super::{CHANNEL, Signal, deliver, policy};
use crate::state::AppState;
use sea_orm::sqlx::postgres::PgListener;
use std::sync::Arc;
use std::time::Duration;

/// The wait before connecting again after a failure.
const RETRY: Duration = Duration::from_secs(1);

/// Listens until aborted.
pub(super) fn spawn(state: Arc<AppState>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match listen(&state).await {
                Ok(()) => tracing::warn!("the database's announcements were interrupted; listening again"),
                Err(error) => tracing::warn!(%error, "listening to the database's announcements failed"),
            }
            tokio::time::sleep(RETRY).await;
        }
    })
}

/// Listens until the connection is lost.
async fn listen(state: &Arc<AppState>) -> Result<(), sea_orm::sqlx::Error> {
    let mut listener = PgListener::connect(&state.config.database_url).await?;
    listener.listen(CHANNEL).await?;
    // Announcements made while no connection listened are lost: every subscription reads
    // again, and the policy catches up.
    state.signals.wake_all();
    policy::adopt_applied(state, None).await;
    while let Some(announced) = listener.try_recv().await? {
        match Signal::parse(announced.payload()) {
            Some(signal @ Signal::Policy(_)) => {
                let state = Arc::clone(state);
                tokio::spawn(async move { deliver(&state, signal).await });
            }
            Some(signal) => deliver(state, signal).await,
            None => tracing::debug!(payload = announced.payload(), "an announcement not understood"),
        }
    }
    Ok(())
}
