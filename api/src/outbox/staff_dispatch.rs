//! Deciding how each new staff notification reaches the staff member's phone, once, as
//! [`super::dispatch`] does for families: a pass claims the staff notifications not yet
//! dispatched and, in the same transaction, marks them and queues a push message to each of
//! the staff member's devices (PostgreSQL: rows claimed `FOR UPDATE SKIP LOCKED`; SQLite: one
//! writer at a time). Staff are reached by push only, and only in their hours: their own
//! availability, else the school hours ([`crate::staffing::hours`]). A notification that comes
//! outside them is held (`held_until` the next window opens) and dispatched by the first pass
//! after; it is in the app and on the live stream meanwhile, so nothing is lost.

use super::channels::STAFF_TABLE;
use super::queue::{Told, enqueue_by};
use super::wording;
use super::{Channel, OutgoingMessage, Purpose};
use crate::auth::Account;
use crate::books::told;
use crate::books::told_staff::SHARING_CAP;
use crate::staffing::availability;
use crate::staffing::hours::Hours;
use crate::vault::Vault;
use chrono::{DateTime, Utc};
use entity::staff_notification::{self, Column as C};
use entity::{notice, staff_push_device, student};
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{
    ColumnTrait as _, Condition, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait as _,
    QueryFilter as _, QueryOrder as _, QuerySelect as _,
};
use std::collections::{BTreeMap, HashMap};

/// Dispatches the staff notifications written up to `now` that no pass has and that are not
/// held past `now`; each is pushed when its staff member is available now (`school_hours`
/// for those who set none), else held until they are. How many this pass dispatched.
pub async fn dispatch_staff_due(
    db: &DatabaseConnection,
    vault: &Vault,
    school_hours: &Hours,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let undispatched = || {
        staff_notification::Entity::find()
            .filter(C::DispatchedAt.is_null())
            .filter(C::CreatedAt.lte(now))
            .filter(Condition::any().add(C::HeldUntil.is_null()).add(C::HeldUntil.lte(now)))
    };
    // Looked for before the write transaction, so an idle pass takes no lock.
    if undispatched().one(db).await?.is_none() {
        return Ok(0);
    }
    let txn = crate::db::begin_write(db).await?;
    let mut due = undispatched().order_by_asc(C::Id).limit(super::DISPATCH_BATCH);
    if txn.get_database_backend() == DbBackend::Postgres {
        due = due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let due = due.all(&txn).await?;
    let mut staff: Vec<i64> = due.iter().map(|row| row.staff_id).collect();
    staff.sort_unstable();
    staff.dedup();
    let own = availability::of(&txn, &staff).await?;
    let mut ready = Vec::new();
    let mut held: BTreeMap<DateTime<Utc>, Vec<i64>> = BTreeMap::new();
    for row in due {
        let hours = availability::effective(own.get(&row.staff_id), school_hours);
        match hours.map(|week| week.next_open(now)) {
            Some(Some(opens)) if opens > now => held.entry(opens).or_default().push(row.id),
            _ => ready.push(row),
        }
    }
    for (until, ids) in &held {
        staff_notification::Entity::update_many()
            .col_expr(C::HeldUntil, Expr::value(*until))
            .filter(C::Id.is_in(ids.iter().copied()))
            .exec(&txn)
            .await?;
    }
    if !ready.is_empty() {
        staff_notification::Entity::update_many()
            .col_expr(C::DispatchedAt, Expr::value(now))
            .filter(C::Id.is_in(ready.iter().map(|row| row.id)))
            .exec(&txn)
            .await?;
        if vault.is_unlocked() {
            queue_pushes(&txn, vault, &ready).await?;
        } else {
            tracing::warn!(
                notifications = ready.len(),
                "the vault is locked: staff notifications stay in the app only"
            );
        }
    }
    txn.commit().await?;
    Ok(ready.len())
}

/// Queues a push message of each of `ready` to each device of its staff member.
async fn queue_pushes(
    txn: &impl ConnectionTrait,
    vault: &Vault,
    ready: &[staff_notification::Model],
) -> Result<(), DbErr> {
    let staff = ready.iter().map(|row| row.staff_id);
    let devices = staff_push_device::Entity::find()
        .filter(staff_push_device::Column::StaffId.is_in(staff))
        .order_by_asc(staff_push_device::Column::Id)
        .all(txn)
        .await?;
    if devices.is_empty() {
        return Ok(());
    }
    let sealed = devices.iter().filter_map(|device| Vault::key_id_of(&device.token_enc));
    vault.preload(txn, sealed).await.map_err(|error| DbErr::Custom(error.to_string()))?;
    let mut tokens: HashMap<i64, Vec<String>> = HashMap::new();
    for device in devices {
        if let Some(token) = vault.open_field(STAFF_TABLE, super::channels::TOKEN, device.id, &device.token_enc) {
            tokens.entry(device.staff_id).or_default().push(token);
        }
    }
    let names: HashMap<i64, String> = student::Entity::find()
        .select_only()
        .columns([student::Column::Id, student::Column::GivenName])
        .filter(student::Column::Id.is_in(ready.iter().filter_map(|row| row.student_id)))
        .into_tuple()
        .all(txn)
        .await?
        .into_iter()
        .collect();
    let titles: HashMap<i64, String> = notice::Entity::find()
        .select_only()
        .columns([notice::Column::Id, notice::Column::Title])
        .filter(notice::Column::Id.is_in(ready.iter().filter_map(|row| row.notice_id)))
        .into_tuple()
        .all(txn)
        .await?
        .into_iter()
        .collect();
    for row in ready {
        let Some(tokens) = tokens.get(&row.staff_id) else { continue };
        let (purpose, body) = if row.kind == told::MESSAGE {
            let name = row.student_id.and_then(|student| names.get(&student)).map_or("", String::as_str);
            (Purpose::Message, wording::message(name))
        } else if row.kind == SHARING_CAP {
            (Purpose::SharingCap, wording::sharing_cap())
        } else {
            let title = row.notice_id.and_then(|notice| titles.get(&notice)).map_or("", String::as_str);
            (Purpose::Notice, wording::notice(title))
        };
        for token in tokens {
            let message = OutgoingMessage {
                school_id: row.school_id,
                to: Account::Staff(row.staff_id),
                phone: token.clone(),
                purpose,
                body: body.clone(),
            };
            enqueue_by(txn, vault, message, Channel::Push, Some(Told::Staff(row.id))).await?;
        }
    }
    Ok(())
}
