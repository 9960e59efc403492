//! The live stream of a guardian's notifications (graphql-ws): every kind in one stream —
//! absences, notices and reminders, messages, scores. Each poll passes the privacy layer as
//! [`super::notifications`] does, judged anew: an open subscription re-authenticates its
//! token and reloads the caller's relationships at each poll, and ends as soon as the session
//! is revoked or the guardian has no child they may follow. The poll reads the database, so
//! a notification written through any instance reaches a subscriber on any other, once. Ids
//! are not commit order (a transaction that took a smaller id may commit after one that took
//! a larger), so the poll reads by time: everything written in the last [`LATE_COMMIT`] that
//! it has not sent yet.

use super::context::state;
use super::notifications::{Notification, shown};
use crate::auth::session;
use crate::error::ApiError;
use crate::family::alerts::{self, Wanted};
use crate::privacy::Access;
use async_graphql::{Context, Subscription};
use chrono::{DateTime, Utc};
use entity::notification;
use futures::Stream;
use sea_orm::DbErr;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

/// How long after it was written a notification may still become visible to a poll (its
/// transaction committing late, or another instance's clock running behind).
pub const LATE_COMMIT: Duration = Duration::from_secs(60);

/// Most notifications one poll reads.
const POLL_LIMIT: u64 = 100;

/// The access token a graphql-ws connection signed in with (from its `connection_init`).
#[derive(Clone)]
pub struct ConnectionToken(pub Arc<str>);

/// The subscription root.
pub struct SubscriptionRoot;

#[Subscription]
impl SubscriptionRoot {
    /// New notifications about the caller's children, of every kind, as they are written:
    /// absences, notices and their reminders, messages, scores. The stream ends when the
    /// session is signed out or expires, or when the guardian may no longer follow any child
    /// (a guardianship ended or restricted).
    async fn notifications(&self, ctx: &Context<'_>) -> async_graphql::Result<impl Stream<Item = Notification>> {
        let state = Arc::clone(state(ctx)?);
        let token = Arc::clone(&ctx.data::<ConnectionToken>().map_err(|_| ApiError::Unauthenticated)?.0);
        let first = follow(&state, &token).await?.ok_or(ApiError::Unauthenticated)?;
        let mut poller =
            Poller { state, token, since: Utc::now() - LATE_COMMIT, seen: Vec::new(), queue: VecDeque::new() };
        // What is visible already was written before the subscription: not sent.
        poller.seen = poller.poll(&first).await?.into_iter().map(|row| (row.id, row.created_at)).collect();
        Ok(futures::stream::unfold(poller, Poller::next))
    }
}

/// An open subscription's state between polls.
struct Poller {
    state: Arc<crate::state::AppState>,
    token: Arc<str>,
    /// Notifications written before this time were all visible to an earlier poll.
    since: DateTime<Utc>,
    /// The notifications written since `since` that were sent (or were there before the
    /// subscription), with when they were written.
    seen: Vec<(i64, DateTime<Utc>)>,
    queue: VecDeque<Notification>,
}

impl Poller {
    /// The next notification, polling until there is one; `None` ends the stream, when the
    /// caller's access has ended or the database fails.
    async fn next(mut self) -> Option<(Notification, Self)> {
        loop {
            if let Some(next) = self.queue.pop_front() {
                return Some((next, self));
            }
            tokio::time::sleep(self.state.config.subscription_poll()).await;
            let access = follow(&self.state, &self.token).await.ok().flatten()?;
            let started = Utc::now();
            let rows = self.poll(&access).await.ok()?;
            self.seen.extend(rows.iter().map(|row| (row.id, row.created_at)));
            self.queue = shown(&self.state.db, rows).await.ok()?.into();
            // A later poll need not look further back than the late-commit window.
            self.since = self.since.max(started - LATE_COMMIT);
            let since = self.since;
            self.seen.retain(|&(_, written)| written >= since);
        }
    }

    /// The notifications written since `since` that are visible now and not yet seen.
    async fn poll(&self, access: &Access) -> Result<Vec<notification::Model>, DbErr> {
        let except: Vec<i64> = self.seen.iter().map(|&(id, _)| id).collect();
        let wanted = Wanted { since: Some(self.since), except: &except, limit: POLL_LIMIT, ..Wanted::default() };
        alerts::readable(&self.state.db, access, wanted).await
    }
}

/// The caller's access now, if the token still signs in a guardian with a child to follow.
async fn follow(state: &crate::state::AppState, token: &str) -> Result<Option<Access>, ApiError> {
    let Some(principal) = session::authenticate(&state.db, token).await? else { return Ok(None) };
    if principal.guardian_id().is_none() || principal.children.is_empty() {
        return Ok(None);
    }
    Ok(Some(Access::new(Arc::new(principal), state.policy.current(), state.db.clone())))
}
