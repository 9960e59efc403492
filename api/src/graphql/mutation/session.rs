//! Mutations that start, renew and end sessions.

use crate::auth::session;
use crate::error::{ApiError, ApiResult};
use crate::graphql::context::{access, database, state};
use async_graphql::{Context, Object, SimpleObject};
use chrono::{DateTime, Utc};

/// Tokens handed to a client after signing in or refreshing.
#[derive(SimpleObject)]
pub struct AuthPayload {
    /// Bearer token for `Authorization: Bearer …`; short-lived.
    pub access_token: String,
    /// Exchanged for new tokens with `refreshSession`; each use rotates it.
    pub refresh_token: String,
    /// When the access token stops working; refresh before then.
    pub access_expires_at: DateTime<Utc>,
    /// When the refresh token stops working; after that, sign in again.
    pub refresh_expires_at: DateTime<Utc>,
}

impl From<crate::auth::IssuedTokens> for AuthPayload {
    fn from(tokens: crate::auth::IssuedTokens) -> Self {
        Self {
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token,
            access_expires_at: tokens.access_expires_at,
            refresh_expires_at: tokens.refresh_expires_at,
        }
    }
}

/// Signing in, refreshing and signing out.
#[derive(Default)]
pub struct SessionMutations;

#[Object]
impl SessionMutations {
    /// Signs in with a username (staff, guardians) or phone number (guardians) and password.
    /// A username may be written in any case, a phone number with spaces, dots, dashes or
    /// `+84`: every spelling of one account shares one budget of attempts. An unknown account
    /// and a wrong password give the same error (`INVALID_CREDENTIALS`); too many attempts
    /// for the account from this address, from this address across accounts, or for the
    /// account from addresses it never signed in from give `THROTTLED`, alike whether the
    /// account exists or not; too many sign-ins waiting at once give `THROTTLED` with
    /// `extensions.reason` `BUSY`.
    async fn sign_in(&self, ctx: &Context<'_>, identifier: String, password: String) -> ApiResult<AuthPayload> {
        let state = state(ctx)?;
        let address =
            ctx.data_opt::<crate::auth::ClientAddress>().copied().unwrap_or(crate::auth::ClientAddress::UNKNOWN);
        let tokens = crate::auth::sign_in::sign_in(state, &identifier, &password, address).await?;
        Ok(tokens.into())
    }
    /// Exchanges a refresh token for new tokens; the old ones stop working. A refresh token
    /// works once: using one again (even at the same time) is taken as theft and ends the
    /// whole session — this call and every later one with any of its tokens answer
    /// `UNAUTHENTICATED` with `extensions.reason` `REFRESH_TOKEN_REUSED`. No token outlives the
    /// session's absolute lifetime from sign-in; past it, `INVALID_CREDENTIALS`.
    async fn refresh_session(&self, ctx: &Context<'_>, refresh_token: String) -> ApiResult<AuthPayload> {
        let state = state(ctx)?;
        let tokens = crate::auth::refresh::refresh(&state.db, &refresh_token, state.token_lifetimes()).await?;
        Ok(tokens.into())
    }
    /// Ends the current session: its access and refresh tokens stop working at once.
    async fn sign_out(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        let session_id = access(ctx)?.principal().session_id.ok_or(ApiError::Unauthenticated)?;
        session::end(database(ctx)?, session_id, entity::SessionEnd::SignOut).await?;
        Ok(true)
    }
    /// Ends every session of the caller's account, this one included (a lost phone, a
    /// password changed): their tokens stop working at once and their subscriptions end at
    /// their next poll. Returns how many sessions were ended.
    async fn sign_out_everywhere(&self, ctx: &Context<'_>) -> ApiResult<i32> {
        let principal = access(ctx)?.principal();
        let account = principal.account.filter(|_| principal.session_id.is_some()).ok_or(ApiError::Unauthenticated)?;
        let ended = session::end_all(database(ctx)?, account, entity::SessionEnd::SignOutEverywhere).await?;
        Ok(i32::try_from(ended).unwrap_or(i32::MAX))
    }
}
