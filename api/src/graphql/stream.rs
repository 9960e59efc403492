//! The live streams of notifications (graphql-ws): a guardian's, every kind in one stream —
//! absences, notices and reminders, messages, scores — and a staff member's (notices and
//! messages). An open subscription costs no query while nothing happens: it waits in the
//! instance's [`crate::signals::Hub`] until a notification for its caller is written, or
//! the caller's session ends, through any instance; and at least every
//! `EMIS_SUBSCRIPTION_RECHECK_SECS`. Then it reads as [`super::notifications`] does, judged
//! anew: it re-authenticates its token and reloads the caller's relationships, and ends as
//! soon as the session is revoked or the guardian has no child they may follow. Ids are not
//! commit order (a transaction that took a smaller id may commit after one that took a
//! larger), so the read is by time: everything written in the last [`LATE_COMMIT`] that it
//! has not sent yet.

use super::context::state;
use super::notifications::{Notification, shown};
use super::staff_alerts::StaffNotification;
use crate::auth::session;
use crate::error::ApiError;
use crate::family::alerts::{self, Wanted};
use crate::family::staff_alerts;
use crate::privacy::Access;
use crate::signals::{Key, Watch};
use async_graphql::{Context, Subscription};
use chrono::{DateTime, Utc};
use entity::{notification, staff_notification};
use futures::Stream;
use sea_orm::DbErr;
use std::collections::VecDeque;
use std::future::Future;
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
        Ok(open::<Guardians>(ctx).await?)
    }
    /// New notifications to the signed-in staff member, as they are written: notices to the
    /// staff, messages in their conversations — whatever their availability, which only holds
    /// back their phone. The stream ends when the session is signed out or expires.
    async fn staff_notifications(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = StaffNotification>> {
        Ok(open::<Staff>(ctx).await?)
    }
}

/// Whose notifications a stream follows, and how it reads and shows them.
trait Followed: Send + Sync + 'static {
    type Row: Send + Sync;
    type Item: Send + 'static;
    /// Whether the signed-in caller has notifications of this sort to follow now.
    fn may_follow(principal: &crate::auth::Principal) -> bool;
    /// The signals that wake the caller's stream (the caller may follow).
    fn keys(principal: &crate::auth::Principal) -> Vec<Key>;
    /// A row's id and when it was written.
    fn key(row: &Self::Row) -> (i64, DateTime<Utc>);
    /// The rows `wanted` the caller may read.
    fn read(
        db: &sea_orm::DatabaseConnection,
        access: &Access,
        wanted: Wanted<'_>,
    ) -> impl Future<Output = Result<Vec<Self::Row>, DbErr>> + Send;
    /// The rows as the stream sends them.
    fn show(
        db: &sea_orm::DatabaseConnection,
        rows: Vec<Self::Row>,
    ) -> impl Future<Output = Result<Vec<Self::Item>, ApiError>> + Send;
}

/// A guardian's notifications about their children.
struct Guardians;

impl Followed for Guardians {
    type Row = notification::Model;
    type Item = Notification;
    fn may_follow(principal: &crate::auth::Principal) -> bool {
        principal.guardian_id().is_some() && !principal.children.is_empty()
    }
    fn keys(principal: &crate::auth::Principal) -> Vec<Key> {
        let guardian = principal.guardian_id().unwrap_or_default();
        vec![Key::Family(guardian), Key::Account(crate::auth::Account::Guardian(guardian))]
    }
    fn key(row: &Self::Row) -> (i64, DateTime<Utc>) {
        (row.id, row.created_at)
    }
    async fn read(
        db: &sea_orm::DatabaseConnection,
        access: &Access,
        wanted: Wanted<'_>,
    ) -> Result<Vec<Self::Row>, DbErr> {
        alerts::readable(db, access, wanted).await
    }
    async fn show(db: &sea_orm::DatabaseConnection, rows: Vec<Self::Row>) -> Result<Vec<Self::Item>, ApiError> {
        shown(db, rows).await
    }
}

/// A staff member's notifications.
struct Staff;

impl Followed for Staff {
    type Row = staff_notification::Model;
    type Item = StaffNotification;
    fn may_follow(principal: &crate::auth::Principal) -> bool {
        principal.staff_id().is_some()
    }
    fn keys(principal: &crate::auth::Principal) -> Vec<Key> {
        let staff = principal.staff_id().unwrap_or_default();
        vec![Key::Staff(staff), Key::Account(crate::auth::Account::Staff(staff))]
    }
    fn key(row: &Self::Row) -> (i64, DateTime<Utc>) {
        (row.id, row.created_at)
    }
    async fn read(
        db: &sea_orm::DatabaseConnection,
        access: &Access,
        wanted: Wanted<'_>,
    ) -> Result<Vec<Self::Row>, DbErr> {
        staff_alerts::readable(db, access, wanted).await
    }
    async fn show(db: &sea_orm::DatabaseConnection, rows: Vec<Self::Row>) -> Result<Vec<Self::Item>, ApiError> {
        Ok(super::staff_alerts::as_shown(db, rows).await?)
    }
}

/// Opens a stream of the caller's notifications of sort `F`.
async fn open<F: Followed>(ctx: &Context<'_>) -> Result<impl Stream<Item = F::Item> + use<F>, ApiError> {
    let state = Arc::clone(state(ctx)?);
    let token = Arc::clone(&ctx.data::<ConnectionToken>().map_err(|_| ApiError::Unauthenticated)?.0);
    let first = follow::<F>(&state, &token).await?.ok_or(ApiError::Unauthenticated)?;
    // Registered before the first read: a notification committed after it wakes the stream.
    let watch = state.signals.watch(&F::keys(first.principal()));
    let since = Utc::now() - LATE_COMMIT;
    let mut poller = Poller::<F> { state, token, watch, since, seen: Vec::new(), queue: VecDeque::new() };
    // What is visible already was written before the subscription: not sent.
    poller.seen = poller.poll(&first).await?.iter().map(F::key).collect();
    Ok(futures::stream::unfold(poller, Poller::next))
}

/// An open subscription's state between reads.
struct Poller<F: Followed> {
    state: Arc<crate::state::AppState>,
    token: Arc<str>,
    /// Woken by a signal for the caller.
    watch: Watch,
    /// Notifications written before this time were all visible to an earlier poll.
    since: DateTime<Utc>,
    /// The notifications written since `since` that were sent (or were there before the
    /// subscription), with when they were written.
    seen: Vec<(i64, DateTime<Utc>)>,
    queue: VecDeque<F::Item>,
}

impl<F: Followed> Poller<F> {
    /// The next notification, waiting until there is one; `None` ends the stream, when the
    /// caller's access has ended or the database fails.
    async fn next(mut self) -> Option<(F::Item, Self)> {
        loop {
            if let Some(next) = self.queue.pop_front() {
                return Some((next, self));
            }
            tokio::select! {
                () = self.watch.woken() => {}
                () = tokio::time::sleep(self.state.config.subscriptions.recheck()) => {}
            }
            let access = follow::<F>(&self.state, &self.token).await.ok().flatten()?;
            let started = Utc::now();
            let rows = self.poll(&access).await.ok()?;
            self.seen.extend(rows.iter().map(F::key));
            self.queue = F::show(&self.state.db, rows).await.ok()?.into();
            // A later poll need not look further back than the late-commit window.
            self.since = self.since.max(started - LATE_COMMIT);
            let since = self.since;
            self.seen.retain(|&(_, written)| written >= since);
        }
    }

    /// The notifications written since `since` that are visible now and not yet seen.
    async fn poll(&self, access: &Access) -> Result<Vec<F::Row>, DbErr> {
        let except: Vec<i64> = self.seen.iter().map(|&(id, _)| id).collect();
        let wanted = Wanted { since: Some(self.since), except: &except, limit: POLL_LIMIT, ..Wanted::default() };
        F::read(&self.state.db, access, wanted).await
    }
}

/// The caller's access now, if the token still signs in someone with notifications of sort
/// `F` to follow.
async fn follow<F: Followed>(state: &crate::state::AppState, token: &str) -> Result<Option<Access>, ApiError> {
    let Some(principal) = session::authenticate(&state.db, token).await? else { return Ok(None) };
    if !F::may_follow(&principal) {
        return Ok(None);
    }
    Ok(Some(Access::new(Arc::new(principal), state.policy.current(), state.db.clone())))
}
