//! One-time codes: human-friendly (eight characters from an alphabet without look-alikes,
//! shown as two groups of four), drawn from the operating system's CSPRNG, stored only as
//! a keyed hash of the account, purpose and code, one live code per account and purpose (a
//! new one replaces the old), used once, and only before it expires.
//!
//! The hash is the vault's keyed blind index, not argon2: a code has about 40 bits, so an
//! unkeyed hash of it would fall to an offline search in minutes, while the keyed hash
//! cannot be searched without the key, which the database does not hold; and a class's
//! sheet hashes forty codes at once, which argon2 would make a matter of seconds of CPU.
//! Online guessing is held back by the sign-in throttle. While the vault is locked no code
//! is issued or accepted.

use crate::auth::Account;
use crate::vault::Vault;
use chrono::{DateTime, Duration, Utc};
use entity::account_code;
use rand::Rng as _;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, Condition, ConnectionTrait, DbErr, EntityTrait as _, QueryFilter as _,
};

/// The characters a code is made of: capitals and digits that cannot be mistaken for one
/// another (no 0/O, 1/I/L).
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// How many characters a code has.
const LENGTH: usize = 8;

/// What a code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The first sign-in of an account without a password.
    Activation,
    /// Setting a new password after forgetting it.
    Reset,
}

impl Purpose {
    /// As stored in `account_code.purpose`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Activation => "activation",
            Self::Reset => "reset",
        }
    }

    /// How long a code of this purpose works: long enough for a slip to reach a family, or
    /// for an SMS to be read.
    pub fn lifetime(self) -> Duration {
        match self {
            Self::Activation => Duration::days(14),
            Self::Reset => Duration::minutes(30),
        }
    }
}

/// A new random code, shown as `ABCD-EFGH`.
pub fn generate() -> String {
    let mut rng = rand::rngs::OsRng;
    let chars: Vec<char> = (0..LENGTH).map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())])).collect();
    let (first, second) = chars.split_at(LENGTH / 2);
    format!("{}-{}", first.iter().collect::<String>(), second.iter().collect::<String>())
}

/// A code as typed, in the form it is hashed in: capitals, without spaces or dashes.
pub fn normalise(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}

/// The stored form of `code` for `account` and `purpose`; `None` while the vault is locked.
fn hashed(vault: &Vault, account: Account, purpose: Purpose, code: &str) -> Option<String> {
    let bound = format!("{}:{}:{}:{}", account.kind(), account.id(), purpose.as_str(), normalise(code));
    vault.blind("account.code", &emis_crypto::to_hex(bound.as_bytes()))
}

/// Stores `code` as the live code of `account` for `purpose`, replacing any earlier one;
/// when it expires. `None` while the vault is locked (nothing stored).
pub async fn store(
    db: &impl ConnectionTrait,
    vault: &Vault,
    (account, purpose): (Account, Purpose),
    code: &str,
    issued_by: Option<Account>,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    let Some(code_hash) = hashed(vault, account, purpose, code) else { return Ok(None) };
    let expires_at = now + purpose.lifetime();
    let row = account_code::ActiveModel {
        account_kind: Set(account.kind().to_owned()),
        account_id: Set(account.id()),
        purpose: Set(purpose.as_str().to_owned()),
        code_hash: Set(code_hash),
        issued_by: Set(issued_by.map(|by| format!("{}:{}", by.kind(), by.id()))),
        issued_at: Set(now),
        expires_at: Set(expires_at),
        used_at: Set(None),
        ..Default::default()
    };
    use account_code::Column as C;
    let replace = OnConflict::columns([C::AccountKind, C::AccountId, C::Purpose])
        .update_columns([C::CodeHash, C::IssuedBy, C::IssuedAt, C::ExpiresAt, C::UsedAt])
        .to_owned();
    account_code::Entity::insert(row).on_conflict(replace).exec_without_returning(db).await?;
    Ok(Some(expires_at))
}

/// Whether `code` is the live code of `account` for `purpose`, unused and unexpired (without
/// using it).
pub async fn is_live(
    db: &impl ConnectionTrait,
    vault: &Vault,
    (account, purpose): (Account, Purpose),
    code: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let Some(live) = live((account, purpose), vault, code, now) else { return Ok(false) };
    Ok(account_code::Entity::find().filter(live).one(db).await?.is_some())
}

/// Uses `code` for `account` and `purpose`: whether it was the live code, unused and
/// unexpired — it is then marked used, so it works once even when tried twice at once.
pub async fn redeem(
    db: &impl ConnectionTrait,
    vault: &Vault,
    (account, purpose): (Account, Purpose),
    code: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let Some(live) = live((account, purpose), vault, code, now) else { return Ok(false) };
    let used = account_code::Entity::update_many()
        .col_expr(account_code::Column::UsedAt, Expr::value(now))
        .filter(live)
        .exec(db)
        .await?;
    Ok(used.rows_affected == 1)
}

/// The condition on `account_code` that `code` is the live code of the account for the
/// purpose: unused, unexpired; `None` while the vault is locked.
fn live((account, purpose): (Account, Purpose), vault: &Vault, code: &str, now: DateTime<Utc>) -> Option<Condition> {
    use account_code::Column as C;
    let code_hash = hashed(vault, account, purpose, code)?;
    Some(of(account, purpose).add(C::CodeHash.eq(code_hash)).add(C::UsedAt.is_null()).add(C::ExpiresAt.gt(now)))
}

/// The condition on `account_code` naming the code of `account` for `purpose`.
fn of(account: Account, purpose: Purpose) -> Condition {
    use account_code::Column as C;
    Condition::all()
        .add(C::AccountKind.eq(account.kind()))
        .add(C::AccountId.eq(account.id()))
        .add(C::Purpose.eq(purpose.as_str()))
}

/// Withdraws the live code of `account` for `purpose`, if any (its access was reset).
pub async fn withdraw(db: &impl ConnectionTrait, account: Account, purpose: Purpose) -> Result<(), DbErr> {
    account_code::Entity::delete_many().filter(of(account, purpose)).exec(db).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{ALPHABET, generate, normalise};

    #[test]
    fn codes_are_two_groups_of_four_unambiguous_characters_and_typed_loosely() {
        let code = generate();
        assert_eq!(code.len(), 9);
        assert_eq!(&code[4..5], "-");
        assert!(normalise(&code).bytes().all(|byte| ALPHABET.contains(&byte)));
        assert_ne!(generate(), generate());
        assert_eq!(normalise(" abcd efgh "), "ABCDEFGH");
        assert_eq!(normalise("ABCD-EFGH"), normalise("abcdefgh"));
    }
}
