//! Scheduled publishing. A notice given a publishing time is kept with `scheduled_for` set
//! and no deliveries, so no family (and no staff member but its author) sees it. A pass
//! ([`release_due`]) publishes every notice whose time has come: it resolves the recipients
//! as they are then — the students enrolled in its class, grade or school that day, or the
//! school's staff — writes the deliveries and clears `scheduled_for`, in one transaction per
//! notice, so a notice is released once even when several servers run the pass. The server
//! runs the pass when it starts and every [`EVERY`] while it runs ([`releaser`]); a notice
//! withdrawn before its time is released to no one. The policy was asked when the notice
//! was scheduled, for the place it names, and is asked again at its time, for everyone it
//! would then reach, as its author: an author who may no longer publish it (they left the
//! class or the school, or the policy changed) has it withdrawn, delivered to no one.

use super::audience::{self, Addressed};
use crate::attachments::files::{self, Owner};
use crate::auth::{Account, Principal};
use crate::periodic::Periodic;
use crate::privacy::Access;
use chrono::{DateTime, Utc};
use emis_authz::PolicyStore;
use entity::notice;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait as _, DatabaseConnection, DbErr, EntityTrait as _, QueryFilter as _, QuerySelect as _};
use std::sync::Arc;
use std::time::Duration;

/// How often the running server looks for notices due.
pub const EVERY: Duration = Duration::from_secs(30);
/// Notices released per pass at most (the next pass takes the rest).
const BATCH: u64 = 100;

/// Publishes the notices due at `now`, each as its author may under the policy in force;
/// how many this pass released (or withdrew).
pub async fn release_due(db: &DatabaseConnection, policy: &PolicyStore, now: DateTime<Utc>) -> Result<usize, DbErr> {
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
        if release(db, policy, id, now).await? {
            released += 1;
        }
    }
    Ok(released)
}

/// Releases notice `id` if no one has yet: whether this call did.
async fn release(db: &DatabaseConnection, policy: &PolicyStore, id: i64, now: DateTime<Utc>) -> Result<bool, DbErr> {
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
        if author_may(db, &txn, policy, &row, &recipients, today).await? {
            super::notices::deliver(&txn, &row, &to, &recipients, today, now).await?;
        } else {
            notice::Entity::update_many()
                .col_expr(notice::Column::WithdrawnAt, Expr::value(now))
                .col_expr(notice::Column::WithdrawnById, Expr::value(row.author_staff_id))
                .filter(notice::Column::Id.eq(id))
                .exec(&txn)
                .await?;
            tracing::warn!(
                notice_id = id,
                "a scheduled notice was withdrawn at its time: its author may no longer publish it to all it would reach"
            );
        }
    }
    txn.commit().await?;
    Ok(true)
}

/// Whether the author of `row` may still publish it to every one of `recipients` (with its
/// files, if it has any), as the policy in force judges them on `today`.
async fn author_may(
    db: &DatabaseConnection,
    txn: &impl sea_orm::ConnectionTrait,
    policy: &PolicyStore,
    row: &notice::Model,
    recipients: &audience::Recipients,
    today: chrono::NaiveDate,
) -> Result<bool, DbErr> {
    let Some(author) = Principal::load(txn, Account::Staff(row.author_staff_id), None, today).await? else {
        return Ok(false);
    };
    let access = Access::new(Arc::new(author), policy.current(), db.clone());
    let with_files = !files::of_owner(txn, Owner::Notice(row.id)).await?.is_empty();
    super::notices::may_publish(&access, recipients.targets(row.school_id), with_files).await
}

/// Publishes the notices due now and then every [`EVERY`], while the server runs.
pub fn releaser(db: DatabaseConnection, policy: Arc<PolicyStore>) -> Periodic {
    Periodic::spawn("scheduled notices", EVERY, move || {
        let (db, policy) = (db.clone(), Arc::clone(&policy));
        async move {
            if let Err(error) = release_due(&db, &policy, Utc::now()).await {
                tracing::warn!(%error, "scheduled notices could not be published; trying again later");
            }
        }
    })
}
