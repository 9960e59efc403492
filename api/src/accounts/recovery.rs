//! The steps an account's owner takes: the first sign-in with an activation code, a reset
//! with a code sent to the phone on record, and a password change while signed in. Each is
//! throttled exactly like sign-in (the same counts, under the account however its
//! identifier is written), answers an unknown account like a wrong code, checks the new
//! password against [`super::rules`] only once the code (or current password) is right,
//! writes in one transaction, and is recorded in the audit — never the code or password.

use super::codes::{self, Purpose};
use super::events::{self, Event};
use super::holders;
use crate::auth::session::{self, IssuedTokens};
use crate::auth::sign_in::{find_account, unknown_subject};
use crate::auth::throttle::{Attempt, Throttle};
use crate::auth::{Account, ClientAddress};
use crate::error::ApiError;
use crate::state::AppState;
use chrono::{DateTime, Utc};
use entity::SessionEnd;
use sea_orm::TransactionTrait as _;

/// A code presented by someone signed out: who they say they are, the code, the password
/// they want, and where they ask from.
pub struct Redemption<'a> {
    pub identifier: &'a str,
    pub code: &'a str,
    pub new_password: &'a str,
    pub address: ClientAddress,
}

/// Sets the password of the account `identifier` names with its live code for `purpose`,
/// ends its other sessions, and signs it in. A wrong, used, expired or superseded code and
/// an unknown account all answer [`ApiError::InvalidCredentials`]; a new password the rules
/// refuse answers `BAD_USER_INPUT` and keeps the code for another try.
pub async fn redeem(state: &AppState, purpose: Purpose, asked: Redemption<'_>) -> Result<IssuedTokens, ApiError> {
    let now = Utc::now();
    let admission = state.passwords.admit().ok_or(ApiError::Busy)?;
    let found = find_account(&state.db, &state.vault, asked.identifier, crate::clock::date_in_vietnam(now)).await?;
    let subject = match &found {
        Some((account, _)) => format!("account:{}:{}", account.kind(), account.id()),
        None => unknown_subject(asked.identifier),
    };
    let attempt = Attempt::new(subject, asked.address);
    let throttle = Throttle { db: &state.db, vault: &state.vault, settings: &state.config.sign_in, now };
    let account = found.map(|(account, _)| account);
    if !throttle.reserve(&attempt).await? {
        refused(state, account, "throttled", now).await?;
        return Err(ApiError::Throttled);
    }
    let Some(account) = account else { return Err(ApiError::InvalidCredentials) };
    if !codes::is_live(&state.db, &state.vault, (account, purpose), asked.code, now).await? {
        refused(state, Some(account), &format!("wrong {} code", purpose.as_str()), now).await?;
        return Err(ApiError::InvalidCredentials);
    }
    let holder = holders::load(&state.db, &state.vault, &[account]).await?.into_iter().next();
    let own = holder.as_ref().map(holders::Holder::own_words).unwrap_or_default();
    super::rules::check(asked.new_password, &own)?;
    let hash = admission.hash(asked.new_password).await.map_err(ApiError::internal)?.map_err(ApiError::internal)?;
    let txn = state.db.begin().await?;
    if !codes::redeem(&txn, &state.vault, (account, purpose), asked.code, now).await? {
        return Err(ApiError::InvalidCredentials);
    }
    holders::set_password(&txn, account, Some(hash)).await?;
    session::end_all_but(&txn, account, None, SessionEnd::PasswordChanged).await?;
    let event = match purpose {
        Purpose::Activation => Event::Activated,
        Purpose::Reset => Event::ResetDone,
    };
    events::record(&txn, account, event, None, None, now).await?;
    let tokens = session::create_session(&txn, account, state.token_lifetimes(), now).await?;
    txn.commit().await?;
    throttle.succeeded(&attempt).await?;
    Ok(tokens)
}

/// Changes the password of the signed-in `account` (session `session_id`) from `current`
/// to `new`, ending its other sessions. A wrong current password answers
/// [`ApiError::InvalidCredentials`] and counts against the sign-in throttle.
pub async fn change(
    state: &AppState,
    (account, session_id): (Account, i64),
    current: &str,
    new: &str,
    address: ClientAddress,
) -> Result<(), ApiError> {
    let now = Utc::now();
    let holder = holders::load(&state.db, &state.vault, &[account]).await?.into_iter().next();
    let Some(holder) = holder else { return Err(ApiError::Unauthenticated) };
    super::rules::check(new, &holder.own_words())?;
    let admission = state.passwords.admit().ok_or(ApiError::Busy)?;
    let attempt = Attempt::new(format!("account:{}:{}", account.kind(), account.id()), address);
    let throttle = Throttle { db: &state.db, vault: &state.vault, settings: &state.config.sign_in, now };
    if !throttle.reserve(&attempt).await? {
        refused(state, Some(account), "throttled", now).await?;
        return Err(ApiError::Throttled);
    }
    let stored = holders::password_hash(&state.db, account).await?;
    let (matches, hash) = admission.verify_then_hash(current, stored, Some(new)).await.map_err(ApiError::internal)?;
    let Some(hash) = hash.filter(|_| matches) else {
        refused(state, Some(account), "wrong current password", now).await?;
        return Err(ApiError::InvalidCredentials);
    };
    let txn = state.db.begin().await?;
    holders::set_password(&txn, account, Some(hash)).await?;
    session::end_all_but(&txn, account, Some(session_id), SessionEnd::PasswordChanged).await?;
    events::record(&txn, account, Event::PasswordChanged, None, Some(account), now).await?;
    txn.commit().await?;
    throttle.succeeded(&attempt).await?;
    Ok(())
}

/// Records a refused step on `account`, when the identifier named one.
async fn refused(state: &AppState, account: Option<Account>, why: &str, now: DateTime<Utc>) -> Result<(), ApiError> {
    if let Some(account) = account {
        events::record(&state.db, account, Event::Refused, Some(why), None, now).await?;
    }
    Ok(())
}
