//! Notifications to guardians, read as a list (`me.notifications`) or held open as a
//! subscription (graphql-ws). Either way they pass the privacy layer as the roll-call
//! entries they tell of, judged anew on every read: an open subscription re-authenticates
//! its token and reloads the caller's relationships at each poll, and ends as soon as the
//! session is revoked or the guardian has no child they may follow. The poll reads the
//! database, so a notification written through any instance reaches a subscriber on any
//! other. Ids are not commit order (a transaction that took a smaller id may commit after
//! one that took a larger), so the poll reads by time: everything written in the last
//! [`LATE_COMMIT`] that it has not sent yet.

use super::context::{access, state};
use super::ids;
use crate::auth::{Account, session};
use crate::error::{ApiError, ApiResult};
use crate::privacy::{Access, readers};
use async_graphql::{Context, ID, SimpleObject, Subscription};
use chrono::{DateTime, NaiveDate, Utc};
use entity::notification;
use futures::Stream;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait as _, DatabaseConnection, DbErr, EntityTrait as _, Order, QueryFilter as _};
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

/// Something a guardian is told about their child.
#[derive(SimpleObject)]
pub struct Notification {
    /// The notification's global id (what `markNotificationsRead` takes).
    pub id: ID,
    /// absence | notice_reminder
    pub kind: String,
    /// The child the notification is about.
    pub student_id: ID,
    /// The day the notification is about.
    pub date: NaiveDate,
    /// morning | afternoon
    pub session: Option<String>,
    /// The lesson period, for a mark on one period; null for a whole session.
    pub period: Option<i32>,
    /// The attendance status told: excused | unexcused | late | left_period
    pub status: Option<String>,
    /// When the notification was made.
    pub created_at: DateTime<Utc>,
    /// When the guardian marked it read; null while unread.
    pub read_at: Option<DateTime<Utc>>,
    /// The notice a `notice_reminder` reminds of (`notice(id)` shows it).
    pub notice_id: Option<ID>,
}

impl From<notification::Model> for Notification {
    fn from(row: notification::Model) -> Self {
        Self {
            id: ids::encode("Notification", row.id),
            kind: row.kind,
            student_id: ids::encode("Student", row.student_id),
            date: row.date,
            session: row.session,
            period: row.period,
            status: row.status,
            created_at: row.created_at,
            read_at: row.read_at,
            notice_id: row.notice_id.map(|notice| ids::encode("Notice", notice)),
        }
    }
}

/// How long after it was written a notification may still become visible to a poll (its
/// transaction committing late, or another instance's clock running behind).
pub const LATE_COMMIT: Duration = Duration::from_secs(60);

/// Which of a guardian's notifications to read.
#[derive(Clone, Debug, Default)]
pub struct Wanted<'a> {
    /// Only those written at or after this time and not among `except`, oldest first (else
    /// all, newest first).
    pub since: Option<DateTime<Utc>>,
    pub except: &'a [i64],
    pub unread_only: bool,
    pub limit: u64,
}

/// The notifications addressed to the caller of `access` that the policy lets them read.
pub async fn readable(
    db: &DatabaseConnection,
    access: &Access,
    wanted: Wanted<'_>,
) -> Result<Vec<notification::Model>, DbErr> {
    let Some(Account::Guardian(guardian)) = access.principal().account else { return Ok(Vec::new()) };
    use notification::Column as C;
    let mut notifications =
        access.read(&readers::NOTIFICATION).narrow(C::GuardianId, |column| column.eq(guardian)).limit(wanted.limit);
    notifications = match wanted.since {
        Some(since) => notifications
            .narrow(C::CreatedAt, |column| column.gte(since))
            .narrow(C::Id, |column| column.is_not_in(wanted.except.iter().copied()))
            .order_by(C::CreatedAt, Order::Asc)
            .order_by(C::Id, Order::Asc),
        None => notifications.order_by(C::Id, Order::Desc),
    };
    if wanted.unread_only {
        notifications = notifications.narrow(C::ReadAt, |column| column.is_null());
    }
    notifications.all(db).await
}

/// `me.notifications`: the newest first.
pub async fn list(ctx: &Context<'_>, first: u64, unread_only: bool) -> ApiResult<Vec<Notification>> {
    let wanted = Wanted { unread_only, limit: first, ..Wanted::default() };
    let rows = readable(&state(ctx)?.db, access(ctx)?, wanted).await?;
    Ok(rows.into_iter().map(Notification::from).collect())
}

/// Marks the caller's notifications `ids` read; how many were marked.
pub async fn mark_read(ctx: &Context<'_>, ids_given: &[ID]) -> ApiResult<i32> {
    let Some(Account::Guardian(guardian)) = access(ctx)?.principal().account else {
        return Err(ApiError::NotPermitted);
    };
    let rows: Vec<i64> = ids_given.iter().filter_map(|id| ids::decode_as("Notification", id)).collect();
    let marked = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(Utc::now()))
        .filter(notification::Column::GuardianId.eq(guardian))
        .filter(notification::Column::Id.is_in(rows))
        .filter(notification::Column::ReadAt.is_null())
        .exec(&state(ctx)?.db)
        .await?;
    Ok(i32::try_from(marked.rows_affected).unwrap_or(i32::MAX))
}

/// The access token a graphql-ws connection signed in with (from its `connection_init`).
#[derive(Clone)]
pub struct ConnectionToken(pub Arc<str>);

/// The subscription root.
pub struct SubscriptionRoot;

#[Subscription]
impl SubscriptionRoot {
    /// New notifications about the caller's children, as they are written. The stream ends
    /// when the session is signed out or expires, or when the guardian may no longer follow
    /// any child (a guardianship ended or restricted).
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
    queue: VecDeque<notification::Model>,
}

impl Poller {
    /// The next notification, polling until there is one; `None` ends the stream, when the
    /// caller's access has ended or the database fails.
    async fn next(mut self) -> Option<(Notification, Self)> {
        loop {
            if let Some(row) = self.queue.pop_front() {
                self.seen.push((row.id, row.created_at));
                return Some((Notification::from(row), self));
            }
            tokio::time::sleep(self.state.config.subscription_poll()).await;
            let access = follow(&self.state, &self.token).await.ok().flatten()?;
            let started = Utc::now();
            self.queue = self.poll(&access).await.ok()?.into();
            // A later poll need not look further back than the late-commit window.
            self.since = self.since.max(started - LATE_COMMIT);
            let since = self.since;
            self.seen.retain(|&(_, written)| written >= since);
        }
    }

    /// The notifications written since `since` that are visible now and not yet seen.
    async fn poll(&self, access: &Access) -> Result<Vec<notification::Model>, DbErr> {
        let except: Vec<i64> = self.seen.iter().map(|&(id, _)| id).collect();
        let wanted = Wanted { since: Some(self.since), except: &except, unread_only: false, limit: 100 };
        readable(&self.state.db, access, wanted).await
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
