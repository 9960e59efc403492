//! Scheduled publishing. A notice given a publishing time is kept with `scheduled_for` set
//! and no deliveries, so no family (and no staff member but its author) sees it. A pass
//! ([`release_due`]) publishes every notice whose time has come: it resolves the recipients
//! as they are then — the students enrolled in its class, grade or school that day, or the
//! school's staff — writes the deliveries and clears `scheduled_for`, in one transaction per
//! notice, so a notice is released once even when several servers run the pass. The server
//! runs the pass when it starts and every [`EVERY`] while it runs ([`Releaser`]); a notice
//! withdrawn before its time is released to no one. The policy was asked when the notice
//! was scheduled, for the place it names.

use super::audience::{self, Addressed};
use chrono::{DateTime, Utc};
use entity::notice;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait as _, DatabaseConnection, DbErr, EntityTrait as _, QueryFilter as _, QuerySelect as _};
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How often the running server looks for notices due.
pub const EVERY: Duration = Duration::from_secs(30);
/// Notices released per pass at most (the next pass takes the rest).
const BATCH: u64 = 100;

/// Publishes the notices due at `now`; how many this pass released.
pub async fn release_due(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<usize, DbErr> {
    let due: Vec<i64> = notice::Entity::find()
        .select_only()
        .column(notice::Column::Id)
        .filter(notice::Column::ScheduledFor.lte(now))
        .limit(BATCH)
        .into_tuple()
        .all(db)
        .await?;
    let mut released = 0;
    for id in due {
        if release(db, id, now).await? {
            released += 1;
        }
    }
    Ok(released)
}

/// Releases notice `id` if no one has yet: whether this call did.
async fn release(db: &DatabaseConnection, id: i64, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let claimed = notice::Entity::update_many()
        .col_expr(notice::Column::ScheduledFor, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(notice::Column::Id.eq(id))
        .filter(notice::Column::ScheduledFor.lte(now))
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 0 {
        return Ok(false);
    }
    let Some(row) = notice::Entity::find_by_id(id).one(&txn).await? else { return Ok(false) };
    if row.withdrawn_at.is_none() {
        let to = Addressed::of(&row);
        let today = crate::clock::date_in_vietnam(now);
        let recipients = audience::resolve(&txn, &to, today).await?;
        super::notices::deliver(&txn, &row, &to, &recipients, today, now).await?;
    }
    txn.commit().await?;
    Ok(true)
}

/// The running pass.
pub struct Releaser {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Releaser {
    /// Runs the pass now and then every [`EVERY`].
    pub fn spawn(db: DatabaseConnection) -> Self {
        let (stop, mut stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            loop {
                if let Err(error) = release_due(&db, Utc::now()).await {
                    tracing::warn!(%error, "scheduled notices could not be published; trying again later");
                }
                tokio::select! {
                    _ = stopped.changed() => break,
                    () = tokio::time::sleep(EVERY) => {}
                }
            }
        });
        Self { stop, task }
    }

    /// Stops the pass after the one in flight.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        if let Err(error) = self.task.await {
            tracing::error!(%error, "the scheduled-notice pass ended abnormally");
        }
    }
}
