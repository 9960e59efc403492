//! Asking for a reset code: throttled like sign-in, and answered alike whether or not the
//! identifier names an account, has a phone on record or may sign in. When it does, a new
//! reset code (valid for 30 minutes, replacing any earlier one) is queued by SMS to the
//! phone on record, from the staff member's school or a school of the guardian's children,
//! and the request is recorded. That work runs after the answer, so the answer takes as long
//! for an account as for none: its timing does not tell whether an account exists.

use super::codes::{self, Purpose};
use super::events::{self, Event};
use super::{holders, sms};
use crate::auth::sign_in::{find_account, unknown_subject};
use crate::auth::throttle::{Attempt, Throttle};
use crate::auth::{Account, ClientAddress};
use crate::error::ApiError;
use crate::state::AppState;
use chrono::{DateTime, Utc};
use entity::guardianship;
use sea_orm::{ColumnTrait as _, ConnectionTrait, DbErr, EntityTrait as _, QueryFilter as _, TransactionTrait as _};
use std::sync::Arc;

/// Sends a reset code for the account `identifier` names, if any, from `address`: answers
/// once the request is counted by the throttle, and queues the code in the background.
pub async fn request(state: &Arc<AppState>, identifier: &str, address: ClientAddress) -> Result<(), ApiError> {
    let now = Utc::now();
    let found = find_account(&state.db, &state.vault, identifier, crate::clock::date_in_vietnam(now))
        .await?
        .map(|(account, _)| account);
    let subject = match found {
        Some(account) => format!("account:{}:{}", account.kind(), account.id()),
        None => unknown_subject(identifier),
    };
    let throttle = Throttle { db: &state.db, vault: &state.vault, settings: &state.config.sign_in, now };
    if !throttle.reserve(&Attempt::new(subject, address)).await? {
        if let Some(account) = found {
            events::record(&state.db, account, Event::Refused, Some("throttled reset request"), None, now).await?;
        }
        return Err(ApiError::Throttled);
    }
    let Some(account) = found else { return Ok(()) };
    let state = Arc::clone(state);
    tokio::spawn(async move {
        if let Err(error) = send_code(&state, account, now).await {
            tracing::warn!(
                account_kind = account.kind(),
                account_id = account.id(),
                ?error,
                "no reset code was queued"
            );
        }
    });
    Ok(())
}

/// Queues a new reset code by SMS to `account`'s phone on record, from its school, and
/// records the request; records a refusal when there is no phone or school to send from.
async fn send_code(state: &AppState, account: Account, now: DateTime<Utc>) -> Result<(), ApiError> {
    let holder = holders::load(&state.db, &state.vault, &[account]).await?.into_iter().next();
    let school = match holder.as_ref().and_then(|holder| holder.school) {
        Some(school) => Some(school),
        None => school_of_children(&state.db, account, crate::clock::today()).await?,
    };
    let (Some(phone), Some(school)) = (holder.and_then(|holder| holder.phone), school) else {
        events::record(&state.db, account, Event::Refused, Some("reset without a phone on record"), None, now).await?;
        return Ok(());
    };
    let code = codes::generate();
    let txn = state.db.begin().await?;
    let Some(expires_at) = codes::store(&txn, &state.vault, (account, Purpose::Reset), &code, None, now).await? else {
        return Err(ApiError::Unavailable);
    };
    sms::queue_reset(&txn, &state.vault, (school, account, phone), &code, expires_at).await?;
    events::record(&txn, account, Event::ResetRequested, Some("reset by sms"), None, now).await?;
    txn.commit().await?;
    Ok(())
}

/// A school of a guardian's children in force on `today` (the sender of their messages).
async fn school_of_children(
    db: &impl ConnectionTrait,
    account: Account,
    today: chrono::NaiveDate,
) -> Result<Option<i64>, DbErr> {
    let Account::Guardian(guardian) = account else { return Ok(None) };
    let link = guardianship::Entity::find()
        .filter(guardianship::Column::GuardianId.eq(guardian))
        .filter(crate::auth::principal::active_on(guardianship::Column::StartsOn, guardianship::Column::EndsOn, today))
        .one(db)
        .await?;
    Ok(link.map(|link| link.school_id))
}
