//! OAuth 2.0 client credentials (RFC 6749 §4.4): a vendor's client trades its id and secret
//! for a short-lived access token carrying the scopes asked for — never more than the union
//! of the scopes of its agreements in force today. A suspended client, an unknown one and a
//! wrong secret are one refusal. Tokens are opaque and stored hashed; rotating the secret or
//! suspending the client ends them all at once ([`super::clients`]).

use super::agreements::in_force;
use super::clients::ACTIVE;
use crate::auth::token;
use chrono::{DateTime, Duration, Utc};
use entity::{sharing_agreement, vendor_client, vendor_token};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, DatabaseConnection, DbErr, EntityTrait as _,
    QueryFilter as _,
};
use std::collections::BTreeSet;

/// The prefix of a vendor's access token.
pub const PREFIX: &str = "emis_atv";

/// A token issued.
#[derive(Debug)]
pub struct Issued {
    pub access_token: String,
    pub expires_in: Duration,
    /// The scopes granted, space-separated.
    pub scope: String,
}

/// Why no token was issued (RFC 6749 §5.2).
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    /// Unknown client, wrong secret, or a suspended client: one case.
    #[error("invalid_client")]
    InvalidClient,
    /// A scope asked for is unknown or beyond what the client's agreements in force grant.
    #[error("invalid_scope")]
    InvalidScope(String),
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// Whether two hex digests are equal, in time independent of where they differ.
fn same_digest(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

/// The scopes client `client` may be granted today: those of its agreements in force.
pub async fn grantable(db: &DatabaseConnection, client: i64, now: DateTime<Utc>) -> Result<BTreeSet<String>, DbErr> {
    let today = crate::clock::date_in_vietnam(now);
    let agreements =
        sharing_agreement::Entity::find().filter(sharing_agreement::Column::VendorClientId.eq(client)).all(db).await?;
    Ok(agreements
        .iter()
        .filter(|agreement| in_force(agreement, today))
        .flat_map(|agreement| agreement.scopes.split_whitespace().map(str::to_owned))
        .collect())
}

/// Issues a token to client `client_id` signing in with `secret`, for the space-separated
/// scopes `asked` (all it may be granted when none are asked), valid for `lifetime`.
pub async fn issue(
    db: &DatabaseConnection,
    client_id: &str,
    secret: &str,
    asked: Option<&str>,
    lifetime: Duration,
    now: DateTime<Utc>,
) -> Result<Issued, Refused> {
    let client = vendor_client::Entity::find()
        .filter(vendor_client::Column::ClientId.eq(client_id))
        .one(db)
        .await?
        .filter(|client| same_digest(&client.secret_hash, &token::digest(secret)) && client.status == ACTIVE)
        .ok_or(Refused::InvalidClient)?;
    let grantable = grantable(db, client.id, now).await?;
    let words: Vec<&str> = asked.unwrap_or_default().split_whitespace().collect();
    let granted = if words.is_empty() {
        grantable
    } else {
        let mut granted = BTreeSet::new();
        for word in words {
            let refused = || Refused::InvalidScope(word.to_owned());
            let known = super::scopes::scopes(&[word.to_owned()]).map_err(|_| refused())?;
            let scope = known.first().copied().ok_or_else(refused)?;
            if !grantable.contains(scope) {
                return Err(refused());
            }
            granted.insert(scope.to_owned());
        }
        granted
    };
    if granted.is_empty() {
        return Err(Refused::InvalidScope(String::new()));
    }
    let access_token = token::generate(PREFIX);
    let scope = granted.into_iter().collect::<Vec<_>>().join(" ");
    vendor_token::Entity::delete_many()
        .filter(vendor_token::Column::VendorClientId.eq(client.id))
        .filter(vendor_token::Column::ExpiresAt.lt(now))
        .exec(db)
        .await?;
    vendor_token::ActiveModel {
        vendor_client_id: Set(client.id),
        token_hash: Set(token::digest(&access_token)),
        scopes: Set(scope.clone()),
        created_at: Set(now),
        expires_at: Set(now + lifetime),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(Issued { access_token, expires_in: lifetime, scope })
}

#[cfg(test)]
mod tests {
    #[test]
    fn digests_compare_equal_only_when_equal() {
        assert!(super::same_digest("ab12", "ab12"));
        assert!(!super::same_digest("ab12", "ab13"));
        assert!(!super::same_digest("ab12", "ab1"));
    }
}
