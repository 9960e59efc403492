//! The mutation root: signing in and out, and writing to the books.

use super::context::{access, state};
use crate::auth::session;
use crate::error::{ApiError, ApiResult};
use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};

/// Tokens handed to a client after signing in or refreshing.
#[derive(SimpleObject)]
pub struct AuthPayload {
    /// Bearer token for `Authorization: Bearer …`; short-lived.
    pub access_token: String,
    /// Exchanged for new tokens with `refreshSession`; each use rotates it.
    pub refresh_token: String,
    pub access_expires_at: DateTime<Utc>,
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

/// The mutation root.
pub struct MutationRoot;

#[Object]
impl MutationRoot {
    /// Signs in with a username (staff, guardians) or phone number (guardians) and password.
    /// An unknown account and a wrong password give the same error.
    async fn sign_in(&self, ctx: &Context<'_>, identifier: String, password: String) -> ApiResult<AuthPayload> {
        let state = state(ctx)?;
        let tokens = session::sign_in(&state.db, &state.vault, &identifier, &password, state.token_lifetimes()).await?;
        Ok(tokens.into())
    }
    /// Exchanges a refresh token for new tokens; the old ones stop working.
    async fn refresh_session(&self, ctx: &Context<'_>, refresh_token: String) -> ApiResult<AuthPayload> {
        let state = state(ctx)?;
        let tokens = session::refresh(&state.db, &refresh_token, state.token_lifetimes()).await?;
        Ok(tokens.into())
    }
    /// Records scores (or Đạt / Chưa đạt) and comments in one assessment column: one
    /// student, or the whole column after a test. Only the section's assigned teacher may.
    /// The call is checked whole and written whole or not at all: wrong entries come back as
    /// `BAD_USER_INPUT` with `extensions.problems` (student, field, message); entries whose
    /// result changed since the client read it (`version`) as `CONFLICT` with
    /// `extensions.records`; a column that does not exist or may not be written as `FORBIDDEN`.
    async fn record_scores(
        &self,
        ctx: &Context<'_>,
        assessment_id: ID,
        #[graphql(validator(min_items = 1, max_items = 200))] entries: Vec<super::grade_entry::ScoreInput>,
    ) -> ApiResult<super::grade_entry::RecordScoresPayload> {
        super::grade_entry::record_scores(ctx, &assessment_id, entries).await
    }
    /// Ends the current session: its access and refresh tokens stop working at once.
    async fn sign_out(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        let session_id = access(ctx)?.principal().session_id.ok_or(ApiError::Unauthenticated)?;
        session::revoke(&state(ctx)?.db, session_id).await?;
        Ok(true)
    }
}
