//! Refreshing a session: its refresh token is exchanged for new tokens by a compare-and-swap
//! on the token's hash, so of any number of refreshes with one token exactly one succeeds.
//! The token exchanged is kept (hashed) as rotated out; any later use of it — or losing the
//! swap to a concurrent use — is taken as theft and ends the whole session: every token
//! issued through it stops working, and the next request with one of them is told why.
//! Refreshing never carries a session past its absolute lifetime, counted from sign-in.

use super::principal::Principal;
use super::session::{AuthError, IssuedTokens, TokenLifetimes, account_of, end, new_tokens};
use super::token;
use chrono::{DateTime, Utc};
use entity::{SessionEnd, auth_session, auth_session_retired};
use sea_orm::QueryFilter as _;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait as _, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait as _};

/// Exchanges a refresh token for new tokens; the old pair stops working (rotation).
#[tracing::instrument(skip_all)]
pub async fn refresh(
    db: &DatabaseConnection,
    refresh_token: &str,
    lifetimes: TokenLifetimes,
) -> Result<IssuedTokens, AuthError> {
    let now = Utc::now();
    let presented = token::digest(refresh_token);
    let found = auth_session::Entity::find().filter(auth_session::Column::RefreshHash.eq(&presented)).one(db).await?;
    let Some(session) = found else { return Err(rotated_out(db, &presented).await?) };
    if let Some(reason) = session.revoked_reason.as_deref() {
        return Err(refused_for(reason));
    }
    let ends = session.created_at + lifetimes.session;
    if session.revoked_at.is_some() || session.refresh_expires_at <= now || ends <= now {
        return Err(AuthError::InvalidCredentials);
    }
    let account = account_of(&session).ok_or(AuthError::InvalidCredentials)?;
    if Principal::load(db, account, Some(session.id), crate::clock::date_in_vietnam(now)).await?.is_none() {
        return Err(AuthError::InvalidCredentials);
    }
    let issued = new_tokens(account, lifetimes, now, ends);
    if !swap(db, session.id, &presented, &issued, now).await? {
        end(db, session.id, SessionEnd::RefreshReuse).await?;
        return Err(AuthError::RefreshReused);
    }
    Ok(issued)
}

/// The refusal of a refresh token no session holds now: a token some session rotated out
/// ends that session; any other is simply not valid.
async fn rotated_out(db: &DatabaseConnection, presented: &str) -> Result<AuthError, DbErr> {
    let Some(retired) = auth_session_retired::Entity::find_by_id(presented).one(db).await? else {
        return Ok(AuthError::InvalidCredentials);
    };
    end(db, retired.session_id, SessionEnd::RefreshReuse).await?;
    let session = auth_session::Entity::find_by_id(retired.session_id).one(db).await?;
    Ok(session
        .and_then(|session| session.revoked_reason)
        .map_or(AuthError::InvalidCredentials, |why| refused_for(&why)))
}

/// The refusal of a token of a session ended for `reason`.
fn refused_for(reason: &str) -> AuthError {
    if reason == SessionEnd::RefreshReuse.as_str() { AuthError::RefreshReused } else { AuthError::InvalidCredentials }
}

/// Puts `issued` in place of the session's tokens if its refresh token is still
/// `presented` and it is live, keeping `presented` as rotated out; whether it did.
async fn swap(
    db: &DatabaseConnection,
    session_id: i64,
    presented: &str,
    issued: &IssuedTokens,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let transaction = crate::db::begin_write(db).await?;
    let swapped = auth_session::Entity::update_many()
        .col_expr(auth_session::Column::AccessHash, Expr::value(token::digest(&issued.access_token)))
        .col_expr(auth_session::Column::RefreshHash, Expr::value(token::digest(&issued.refresh_token)))
        .col_expr(auth_session::Column::AccessExpiresAt, Expr::value(issued.access_expires_at))
        .col_expr(auth_session::Column::RefreshExpiresAt, Expr::value(issued.refresh_expires_at))
        .filter(auth_session::Column::Id.eq(session_id))
        .filter(auth_session::Column::RefreshHash.eq(presented))
        .filter(auth_session::Column::RevokedAt.is_null())
        .exec(&transaction)
        .await?
        .rows_affected
        == 1;
    if swapped {
        retire(&transaction, session_id, presented, now).await?;
    }
    transaction.commit().await?;
    Ok(swapped)
}

/// Keeps `presented` as a refresh token that `session_id` rotated out.
async fn retire(db: &impl ConnectionTrait, session_id: i64, presented: &str, now: DateTime<Utc>) -> Result<(), DbErr> {
    let retired = auth_session_retired::ActiveModel {
        refresh_hash: Set(presented.to_owned()),
        session_id: Set(session_id),
        retired_at: Set(now),
    };
    let keep_first = OnConflict::column(auth_session_retired::Column::RefreshHash).do_nothing().to_owned();
    auth_session_retired::Entity::insert(retired).on_conflict(keep_first).exec_without_returning(db).await?;
    Ok(())
}
