//! Sessions: starting one (after [`super::sign_in`]), ending one or all of an account's
//! (saying why), and turning a bearer token into a [`Principal`] on every request — or
//! saying why it does not, when its session was ended because a refresh token was used
//! twice. Refreshing is [`super::refresh`]'s. No token outlives its session's absolute
//! lifetime, counted from sign-in.
//!
//! Tokens are opaque and stored hashed; all state is in the database, so any instance can
//! serve any request and a revocation counts everywhere at once. An access token's prefix
//! names the kind of account it was issued to (`emis_ats_` staff, `emis_atg_` guardian,
//! `emis_atp_` student, a pupil), so that authenticating it loads only that kind's facts; the
//! prefix grants nothing, since the session row it hashes to must be of that kind.

use super::principal::{Account, Principal};
use super::token;
use chrono::{DateTime, Duration, Utc};
use entity::{SessionEnd, auth_session};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, Condition, ConnectionTrait, DbErr, EntityTrait as _,
    QueryFilter as _,
};

/// Lifetimes of the two tokens, and of a session however often it is refreshed.
#[derive(Debug, Clone, Copy)]
pub struct TokenLifetimes {
    pub access: Duration,
    pub refresh: Duration,
    /// From sign-in to the session's end: no token of it outlives this.
    pub session: Duration,
}

/// What a successful sign-in or refresh returns.
#[derive(Debug, Clone)]
pub struct IssuedTokens {
    pub access_token: String,
    pub refresh_token: String,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_expires_at: DateTime<Utc>,
}

/// Why a sign-in, refresh or request was refused. Unknown accounts and wrong passwords are
/// one case.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("too many failed attempts")]
    Throttled,
    #[error("too many sign-ins waiting for a password check")]
    Busy,
    #[error("no live session")]
    Unauthenticated,
    #[error("the session was ended because a refresh token was used twice")]
    RefreshReused,
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error("a password check failed: {0}")]
    Hashing(#[from] tokio::task::JoinError),
}

/// Starts a session of `account` at `now`.
pub(crate) async fn create_session(
    db: &impl ConnectionTrait,
    account: Account,
    lifetimes: TokenLifetimes,
    now: DateTime<Utc>,
) -> Result<IssuedTokens, AuthError> {
    let issued = new_tokens(account, lifetimes, now, now + lifetimes.session);
    auth_session::ActiveModel {
        access_hash: Set(token::digest(&issued.access_token)),
        refresh_hash: Set(token::digest(&issued.refresh_token)),
        account_kind: Set(account.kind().to_owned()),
        account_id: Set(account.id()),
        created_at: Set(now),
        access_expires_at: Set(issued.access_expires_at),
        refresh_expires_at: Set(issued.refresh_expires_at),
        revoked_at: Set(None),
        revoked_reason: Set(None),
        wrote_lsn: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(issued)
}

/// The prefix of an access token issued to `account`: it names the account's kind.
fn access_prefix(account: Account) -> &'static str {
    match account {
        Account::Staff(_) => "emis_ats",
        Account::Guardian(_) => "emis_atg",
        Account::Student(_) => "emis_atp",
    }
}

/// New tokens for `account` at `now`, neither outliving the session's end `ends`.
pub(super) fn new_tokens(
    account: Account,
    lifetimes: TokenLifetimes,
    now: DateTime<Utc>,
    ends: DateTime<Utc>,
) -> IssuedTokens {
    IssuedTokens {
        access_token: token::generate(access_prefix(account)),
        refresh_token: token::generate("emis_rt"),
        access_expires_at: (now + lifetimes.access).min(ends),
        refresh_expires_at: (now + lifetimes.refresh).min(ends),
    }
}

/// Ends a session, saying why: both of its tokens stop working at once. Whether it was
/// still live.
pub async fn end(db: &impl ConnectionTrait, session_id: i64, why: SessionEnd) -> Result<bool, DbErr> {
    let ended = end_where(auth_session::Column::Id.eq(session_id), why).exec(db).await?;
    Ok(ended.rows_affected > 0)
}

/// Ends every session of `account` not ended yet (signing out everywhere, or the staff
/// member's access ended), saying why; how many.
pub async fn end_all(db: &impl ConnectionTrait, account: Account, why: SessionEnd) -> Result<u64, DbErr> {
    end_all_but(db, account, None, why).await
}

/// Ends every session of `account` not ended yet except `keep`, for `why`; how many.
pub async fn end_all_but(
    db: &impl ConnectionTrait,
    account: Account,
    keep: Option<i64>,
    why: SessionEnd,
) -> Result<u64, DbErr> {
    let mut of_account = Condition::all()
        .add(auth_session::Column::AccountKind.eq(account.kind()))
        .add(auth_session::Column::AccountId.eq(account.id()));
    if let Some(keep) = keep {
        of_account = of_account.add(auth_session::Column::Id.ne(keep));
    }
    let ended = end_where(of_account, why).exec(db).await?;
    Ok(ended.rows_affected)
}

/// The update that ends the sessions `which` not ended yet, for `why`.
fn end_where(
    which: impl sea_orm::sea_query::IntoCondition,
    why: SessionEnd,
) -> sea_orm::UpdateMany<auth_session::Entity> {
    auth_session::Entity::update_many()
        .col_expr(auth_session::Column::RevokedAt, Expr::value(Utc::now()))
        .col_expr(auth_session::Column::RevokedReason, Expr::value(why.as_str()))
        .filter(which)
        .filter(auth_session::Column::RevokedAt.is_null())
}

/// The account a session belongs to.
pub(super) fn account_of(session: &auth_session::Model) -> Option<Account> {
    Account::of_kind(&session.account_kind, session.account_id)
}

/// The principal behind a bearer access token, or `None` for an unknown, expired or revoked
/// token, or an account that may no longer act.
#[tracing::instrument(skip_all)]
pub async fn authenticate(db: &impl ConnectionTrait, access_token: &str) -> Result<Option<Principal>, DbErr> {
    if access_token.strip_prefix(crate::sharing::tokens::PREFIX).is_some_and(|rest| rest.starts_with('_')) {
        return crate::sharing::reach::principal(db, &token::digest(access_token), Utc::now()).await;
    }
    Principal::from_token(db, &token::digest(access_token), Utc::now(), kind_named_by(access_token)).await
}

/// Why `access_token` does not sign in: its session was ended because a refresh token was
/// used twice, or it is simply unknown, expired or revoked.
pub async fn refusal(db: &impl ConnectionTrait, access_token: &str) -> Result<AuthError, DbErr> {
    let ended_by_reuse = auth_session::Entity::find()
        .filter(auth_session::Column::AccessHash.eq(token::digest(access_token)))
        .filter(auth_session::Column::RevokedReason.eq(SessionEnd::RefreshReuse.as_str()))
        .one(db)
        .await?;
    Ok(if ended_by_reuse.is_some() { AuthError::RefreshReused } else { AuthError::Unauthenticated })
}

/// The account kind an access token's prefix names, if any.
fn kind_named_by(access_token: &str) -> Option<&'static str> {
    [Account::Staff(0), Account::Guardian(0), Account::Student(0)]
        .into_iter()
        .find(|account| access_token.strip_prefix(access_prefix(*account)).is_some_and(|rest| rest.starts_with('_')))
        .map(Account::kind)
}

#[cfg(test)]
mod tests {
    use super::{Account, TokenLifetimes, kind_named_by, new_tokens};
    use chrono::{Duration, Utc};

    const LIFETIMES: TokenLifetimes =
        TokenLifetimes { access: Duration::minutes(15), refresh: Duration::days(30), session: Duration::days(90) };

    #[test]
    fn no_token_outlives_the_session() {
        let now = Utc::now();
        let ends = now + Duration::minutes(5);
        let tokens = new_tokens(Account::Staff(1), LIFETIMES, now, ends);
        assert_eq!((tokens.access_expires_at, tokens.refresh_expires_at), (ends, ends));
        let early = new_tokens(Account::Staff(1), LIFETIMES, now, now + LIFETIMES.session);
        assert_eq!(early.refresh_expires_at, now + LIFETIMES.refresh);
    }

    #[test]
    fn an_access_token_names_the_kind_of_account_it_was_issued_to() {
        let lifetimes = LIFETIMES;
        let staff = new_tokens(Account::Staff(1), lifetimes, Utc::now(), Utc::now() + lifetimes.session);
        let guardian = new_tokens(Account::Guardian(1), lifetimes, Utc::now(), Utc::now() + lifetimes.session);
        assert_eq!(kind_named_by(&staff.access_token), Some("staff"));
        assert_eq!(kind_named_by(&guardian.access_token), Some("guardian"));
        let student = new_tokens(Account::Student(1), lifetimes, Utc::now(), Utc::now() + lifetimes.session);
        assert_eq!(kind_named_by(&student.access_token), Some("student"));
        assert_eq!(kind_named_by(&staff.refresh_token), None, "a refresh token is no access token");
        assert_eq!(kind_named_by("emis_at_older-token"), None, "older tokens load both kinds' facts");
        assert_eq!(kind_named_by("emis_atsx_forged"), None);
    }
}
