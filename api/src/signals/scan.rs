//! On SQLite, one scan a poll period serves every subscription of the instance: the
//! notifications written since the last scan (ids are commit order, SQLite having one
//! writer at a time), the sessions ended since, and a policy version applied since. A
//! guardian's link ending is not scanned; subscriptions check it at their periodic recheck.

use super::{Key, policy};
use crate::auth::Account;
use crate::periodic::Periodic;
use crate::state::AppState;
use chrono::{DateTime, Utc};
use entity::{auth_session, notification, policy_change, staff_notification};
use sea_orm::{ColumnTrait as _, DbErr, EntityTrait as _, QueryFilter as _, QuerySelect as _};
use std::sync::Arc;
use tokio::sync::Mutex;

/// Where the last scan stopped.
#[derive(Debug, Clone, Copy)]
struct Marks {
    notification: i64,
    staff_notification: i64,
    sessions_since: DateTime<Utc>,
    policy_change: i64,
}

/// Scans every poll period until stopped.
pub(super) fn spawn(state: Arc<AppState>) -> Periodic {
    let marks = Arc::new(Mutex::new(None::<Marks>));
    let every = state.config.subscriptions.poll();
    Periodic::spawn("signal scan", every, move || {
        let (state, marks) = (Arc::clone(&state), Arc::clone(&marks));
        async move {
            let mut marks = marks.lock().await;
            let scanned = match *marks {
                None => start(&state).await,
                Some(from) => scan(&state, from).await,
            };
            match scanned {
                Ok(next) => *marks = Some(next),
                Err(error) => tracing::warn!(%error, "scanning for notifications and ended sessions failed"),
            }
        }
    })
}

/// The marks now: nothing before them is announced.
async fn start(state: &AppState) -> Result<Marks, DbErr> {
    let db = &state.db;
    Ok(Marks {
        notification: newest(
            notification::Entity::find().select_only().column_as(notification::Column::Id.max(), "m"),
            db,
        )
        .await?,
        staff_notification: newest(
            staff_notification::Entity::find().select_only().column_as(staff_notification::Column::Id.max(), "m"),
            db,
        )
        .await?,
        sessions_since: Utc::now(),
        policy_change: newest(applied_policies(), db).await?,
    })
}

/// Wakes whoever waits for what was written since `from`; the marks after it.
async fn scan(state: &AppState, from: Marks) -> Result<Marks, DbErr> {
    let db = &state.db;
    let started = Utc::now();
    let families: Vec<(i64, i64)> = notification::Entity::find()
        .select_only()
        .columns([notification::Column::Id, notification::Column::GuardianId])
        .filter(notification::Column::Id.gt(from.notification))
        .into_tuple()
        .all(db)
        .await?;
    let staff: Vec<(i64, i64)> = staff_notification::Entity::find()
        .select_only()
        .columns([staff_notification::Column::Id, staff_notification::Column::StaffId])
        .filter(staff_notification::Column::Id.gt(from.staff_notification))
        .into_tuple()
        .all(db)
        .await?;
    // An ending is looked for a little before the last scan began: a clock read just before
    // a session was ended may be later than the time it wrote.
    let ended: Vec<(String, i64)> = auth_session::Entity::find()
        .select_only()
        .columns([auth_session::Column::AccountKind, auth_session::Column::AccountId])
        .filter(auth_session::Column::RevokedAt.gte(from.sessions_since - chrono::Duration::seconds(1)))
        .into_tuple()
        .all(db)
        .await?;
    let policy = newest(applied_policies(), db).await?;

    for &(_, guardian) in &families {
        state.signals.wake(Key::Family(guardian));
    }
    for &(_, member) in &staff {
        state.signals.wake(Key::Staff(member));
    }
    for account in ended.iter().filter_map(|(kind, id)| Account::of_kind(kind, *id)) {
        state.signals.wake(Key::Account(account));
    }
    if policy > from.policy_change {
        policy::adopt_applied(state, None).await;
    }
    Ok(Marks {
        notification: families.iter().map(|&(id, _)| id).max().unwrap_or(from.notification),
        staff_notification: staff.iter().map(|&(id, _)| id).max().unwrap_or(from.staff_notification),
        sessions_since: started,
        policy_change: policy,
    })
}

/// The largest id the one-column select `query` finds, 0 when none.
async fn newest<E: sea_orm::EntityTrait>(
    query: sea_orm::Select<E>,
    db: &sea_orm::DatabaseConnection,
) -> Result<i64, DbErr> {
    Ok(query.into_tuple::<Option<i64>>().one(db).await?.flatten().unwrap_or(0))
}

/// The largest id of an applied policy version, as a select.
fn applied_policies() -> sea_orm::Select<policy_change::Entity> {
    policy_change::Entity::find()
        .select_only()
        .column_as(policy_change::Column::Id.max(), "m")
        .filter(policy_change::Column::Outcome.eq(emis_authz::Outcome::Applied.as_str()))
}
