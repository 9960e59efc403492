//! Throttling of failed sign-ins, kept in the database so every server instance sees the
//! same count: after [`MAX_FAILURES`] failures within [`WINDOW_MINUTES`], the identifier is
//! locked for [`LOCK_MINUTES`], whether or not such an account exists.

use super::token::digest;
use chrono::{DateTime, Duration, Utc};
use entity::sign_in_throttle;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait as _};

/// Failures allowed within one window.
pub const MAX_FAILURES: i32 = 5;
/// Length of the counting window.
pub const WINDOW_MINUTES: i64 = 15;
/// How long an identifier stays locked.
pub const LOCK_MINUTES: i64 = 15;

fn key_of(identifier: &str) -> String {
    digest(&format!("sign-in:{}", identifier.trim().to_lowercase()))
}

/// Whether `identifier` is locked at `now`.
pub async fn is_locked(db: &impl ConnectionTrait, identifier: &str, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let row = sign_in_throttle::Entity::find_by_id(key_of(identifier)).one(db).await?;
    Ok(row.and_then(|row| row.locked_until).is_some_and(|until| until > now))
}

/// Counts one failure for `identifier`, locking it when the window's budget is spent.
pub async fn record_failure(db: &impl ConnectionTrait, identifier: &str, now: DateTime<Utc>) -> Result<(), DbErr> {
    let key = key_of(identifier);
    let current = sign_in_throttle::Entity::find_by_id(key.clone()).one(db).await?;
    let (failures, window_started_at) = match current {
        Some(row) if now - row.window_started_at < Duration::minutes(WINDOW_MINUTES) => {
            (row.failures + 1, row.window_started_at)
        }
        _ => (1, now),
    };
    let locked_until = (failures >= MAX_FAILURES).then(|| now + Duration::minutes(LOCK_MINUTES));
    let row = sign_in_throttle::ActiveModel {
        key_hash: Set(key),
        failures: Set(failures),
        window_started_at: Set(window_started_at),
        locked_until: Set(locked_until),
    };
    sign_in_throttle::Entity::insert(row)
        .on_conflict(
            OnConflict::column(sign_in_throttle::Column::KeyHash)
                .update_columns([
                    sign_in_throttle::Column::Failures,
                    sign_in_throttle::Column::WindowStartedAt,
                    sign_in_throttle::Column::LockedUntil,
                ])
                .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets the failures of `identifier` after a successful sign-in.
pub async fn clear(db: &impl ConnectionTrait, identifier: &str) -> Result<(), DbErr> {
    sign_in_throttle::Entity::delete_by_id(key_of(identifier)).exec(db).await?;
    Ok(())
}
