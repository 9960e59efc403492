//! Sessions: sign-in with username or phone and password, token refresh with rotation,
//! logout, and turning a bearer token into a [`Principal`] on every request.
//!
//! Tokens are opaque and stored hashed; all state is in the database, so any instance can
//! serve any request and a revocation counts everywhere at once. An access token's prefix
//! names the kind of account it was issued to (`emis_ats_` staff, `emis_atg_` guardian), so
//! that authenticating it loads only that kind's facts; the prefix grants nothing, since the
//! session row it hashes to must be of that kind.

use super::principal::{Account, Principal};
use super::{password, throttle, token};
use crate::vault::Vault;
use chrono::{DateTime, Duration, Utc};
use entity::{auth_session, guardian, staff};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, ConnectionTrait, DbErr, EntityTrait as _,
    QueryFilter as _, QuerySelect as _,
};

/// Lifetimes of the two tokens.
#[derive(Debug, Clone, Copy)]
pub struct TokenLifetimes {
    pub access: Duration,
    pub refresh: Duration,
}

/// What a successful sign-in or refresh returns.
#[derive(Debug, Clone)]
pub struct IssuedTokens {
    pub access_token: String,
    pub refresh_token: String,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_expires_at: DateTime<Utc>,
}

/// Why a sign-in or refresh was refused. Unknown accounts and wrong passwords are one case.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("too many failed attempts")]
    Throttled,
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// Signs in with a username or phone number and a password.
#[tracing::instrument(skip_all)]
pub async fn sign_in(
    db: &impl ConnectionTrait,
    vault: &Vault,
    identifier: &str,
    secret: &str,
    lifetimes: TokenLifetimes,
) -> Result<IssuedTokens, AuthError> {
    let now = Utc::now();
    if throttle::is_locked(db, identifier, now).await? {
        return Err(AuthError::Throttled);
    }
    let found = find_account(db, vault, identifier).await?;
    let stored_hash = found.as_ref().and_then(|(_, hash)| hash.as_deref());
    let verified = password::verify(secret, stored_hash);
    let account = match (verified, found) {
        (true, Some((account, _))) => account,
        _ => {
            throttle::record_failure(db, identifier, now).await?;
            return Err(AuthError::InvalidCredentials);
        }
    };
    throttle::clear(db, identifier).await?;
    create_session(db, account, lifetimes, now).await
}

/// The account that `identifier` names, with its password hash, if it may sign in.
async fn find_account(
    db: &impl ConnectionTrait,
    vault: &Vault,
    identifier: &str,
) -> Result<Option<(Account, Option<String>)>, DbErr> {
    let username = identifier.trim().to_lowercase();
    let staff_row: Option<(i64, Option<String>)> = staff::Entity::find()
        .select_only()
        .columns([staff::Column::Id, staff::Column::PasswordHash])
        .filter(staff::Column::Username.eq(&username))
        .filter(staff::Column::Status.eq("active"))
        .into_tuple()
        .one(db)
        .await?;
    if let Some((id, hash)) = staff_row {
        return Ok(Some((Account::Staff(id), hash)));
    }
    let mut by_name = guardian::Entity::find()
        .select_only()
        .columns([guardian::Column::Id, guardian::Column::PasswordHash])
        .filter(guardian::Column::Status.eq("active"));
    by_name = match vault.blind("guardian.phone", identifier) {
        Some(phone) => by_name.filter(
            sea_orm::Condition::any()
                .add(guardian::Column::Username.eq(&username))
                .add(guardian::Column::PhoneBlind.eq(phone)),
        ),
        None => by_name.filter(guardian::Column::Username.eq(&username)),
    };
    let guardian_row: Option<(i64, Option<String>)> = by_name.into_tuple().one(db).await?;
    Ok(guardian_row.map(|(id, hash)| (Account::Guardian(id), hash)))
}

async fn create_session(
    db: &impl ConnectionTrait,
    account: Account,
    lifetimes: TokenLifetimes,
    now: DateTime<Utc>,
) -> Result<IssuedTokens, AuthError> {
    let issued = new_tokens(account, lifetimes, now);
    auth_session::ActiveModel {
        access_hash: Set(token::digest(&issued.access_token)),
        refresh_hash: Set(token::digest(&issued.refresh_token)),
        account_kind: Set(account.kind().to_owned()),
        account_id: Set(account.id()),
        created_at: Set(now),
        access_expires_at: Set(issued.access_expires_at),
        refresh_expires_at: Set(issued.refresh_expires_at),
        revoked_at: Set(None),
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
    }
}

fn new_tokens(account: Account, lifetimes: TokenLifetimes, now: DateTime<Utc>) -> IssuedTokens {
    IssuedTokens {
        access_token: token::generate(access_prefix(account)),
        refresh_token: token::generate("emis_rt"),
        access_expires_at: now + lifetimes.access,
        refresh_expires_at: now + lifetimes.refresh,
    }
}

/// Exchanges a refresh token for new tokens; the old pair stops working (rotation).
#[tracing::instrument(skip_all)]
pub async fn refresh(
    db: &impl ConnectionTrait,
    refresh_token: &str,
    lifetimes: TokenLifetimes,
) -> Result<IssuedTokens, AuthError> {
    let now = Utc::now();
    let session = auth_session::Entity::find()
        .filter(auth_session::Column::RefreshHash.eq(token::digest(refresh_token)))
        .filter(auth_session::Column::RevokedAt.is_null())
        .filter(auth_session::Column::RefreshExpiresAt.gt(now))
        .one(db)
        .await?
        .ok_or(AuthError::InvalidCredentials)?;
    let account = account_of(&session).ok_or(AuthError::InvalidCredentials)?;
    if Principal::load(db, account, Some(session.id), crate::clock::date_in_vietnam(now)).await?.is_none() {
        return Err(AuthError::InvalidCredentials);
    }
    let issued = new_tokens(account, lifetimes, now);
    let mut active: auth_session::ActiveModel = session.into();
    active.access_hash = Set(token::digest(&issued.access_token));
    active.refresh_hash = Set(token::digest(&issued.refresh_token));
    active.access_expires_at = Set(issued.access_expires_at);
    active.refresh_expires_at = Set(issued.refresh_expires_at);
    active.update(db).await?;
    Ok(issued)
}

/// Revokes a session: both of its tokens stop working at once.
pub async fn revoke(db: &impl ConnectionTrait, session_id: i64) -> Result<(), DbErr> {
    auth_session::Entity::update_many()
        .col_expr(auth_session::Column::RevokedAt, sea_orm::sea_query::Expr::value(Utc::now()))
        .filter(auth_session::Column::Id.eq(session_id))
        .exec(db)
        .await?;
    Ok(())
}

fn account_of(session: &auth_session::Model) -> Option<Account> {
    match session.account_kind.as_str() {
        "staff" => Some(Account::Staff(session.account_id)),
        "guardian" => Some(Account::Guardian(session.account_id)),
        _ => None,
    }
}

/// The principal behind a bearer access token, or `None` for an unknown, expired or revoked
/// token, or an account that may no longer act.
#[tracing::instrument(skip_all)]
pub async fn authenticate(db: &impl ConnectionTrait, access_token: &str) -> Result<Option<Principal>, DbErr> {
    Principal::from_token(db, &token::digest(access_token), Utc::now(), kind_named_by(access_token)).await
}

/// The account kind an access token's prefix names, if any.
fn kind_named_by(access_token: &str) -> Option<&'static str> {
    [Account::Staff(0), Account::Guardian(0)]
        .into_iter()
        .find(|account| access_token.strip_prefix(access_prefix(*account)).is_some_and(|rest| rest.starts_with('_')))
        .map(Account::kind)
}

#[cfg(test)]
mod tests {
    use super::{Account, TokenLifetimes, kind_named_by, new_tokens};
    use chrono::{Duration, Utc};

    #[test]
    fn an_access_token_names_the_kind_of_account_it_was_issued_to() {
        let lifetimes = TokenLifetimes { access: Duration::minutes(15), refresh: Duration::days(30) };
        let staff = new_tokens(Account::Staff(1), lifetimes, Utc::now());
        let guardian = new_tokens(Account::Guardian(1), lifetimes, Utc::now());
        assert_eq!(kind_named_by(&staff.access_token), Some("staff"));
        assert_eq!(kind_named_by(&guardian.access_token), Some("guardian"));
        assert_eq!(kind_named_by(&staff.refresh_token), None, "a refresh token is no access token");
        assert_eq!(kind_named_by("emis_at_older-token"), None, "older tokens load both kinds' facts");
        assert_eq!(kind_named_by("emis_atsx_forged"), None);
    }
}
