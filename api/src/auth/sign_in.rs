//! Signing in with a username or phone number and a password (students: a username only,
//! while they are studying and enrolled today): the identifier is resolved to
//! its account whatever way it is written (a username in any case or Unicode form, a phone
//! number with spaces, dots, dashes, brackets or `+84`), the attempt is reserved in the
//! [`super::throttle`] before the password is checked, and the password is checked by the
//! [`super::password::Verifier`] off the async workers. An unknown account, a wrong password and
//! every refusal answer alike whether or not the account exists.

use super::principal::Account;
use super::session::{AuthError, IssuedTokens, create_session};
use super::throttle::{Attempt, ClientAddress, Throttle};
use crate::state::AppState;
use crate::vault::Vault;
use chrono::Utc;
use entity::{StudentStatus, enrollment, guardian, staff, student};
use sea_orm::{ColumnTrait as _, ConnectionTrait, DbErr, EntityTrait as _, QueryFilter as _, QuerySelect as _};
use unicode_normalization::UnicodeNormalization as _;

/// Signs in with `identifier` and `secret` from `address`.
#[tracing::instrument(skip_all)]
pub async fn sign_in(
    state: &AppState,
    identifier: &str,
    secret: &str,
    address: ClientAddress,
) -> Result<IssuedTokens, AuthError> {
    let now = Utc::now();
    let admission = state.passwords.admit().ok_or(AuthError::Busy)?;
    let today = crate::clock::date_in_vietnam(now);
    let found = find_account(&state.db, &state.vault, identifier, today).await?;
    let subject = match &found {
        Some((account, _)) => format!("account:{}:{}", account.kind(), account.id()),
        None => unknown_subject(identifier),
    };
    let attempt = Attempt::new(subject, address);
    let throttle = Throttle { db: &state.db, vault: &state.vault, settings: &state.config.sign_in, now };
    if !throttle.reserve(&attempt).await? {
        return Err(AuthError::Throttled);
    }
    let (account, stored_hash) = found.map_or((None, None), |(account, hash)| (Some(account), hash));
    let verified = admission.verify(secret, stored_hash).await?;
    let account = match (verified, account) {
        (true, Some(account)) => account,
        _ => return Err(AuthError::InvalidCredentials),
    };
    throttle.succeeded(&attempt).await?;
    create_session(&state.db, account, state.token_lifetimes(), now).await
}

/// The form a username is looked up in: trimmed, lower case, composed (NFC).
fn username_form(identifier: &str) -> String {
    identifier.trim().to_lowercase().nfc().collect()
}

/// What an identifier no account matches is throttled as: the phone number it spells, or
/// else the username form.
pub(crate) fn unknown_subject(identifier: &str) -> String {
    let phone = emis_crypto::normalize_identifier(identifier);
    if !phone.is_empty() && phone.bytes().all(|byte| byte.is_ascii_digit()) {
        format!("phone:{phone}")
    } else {
        format!("name:{}", username_form(identifier))
    }
}

/// The account that `identifier` names, with its password hash, if it may sign in.
pub(crate) async fn find_account(
    db: &impl ConnectionTrait,
    vault: &Vault,
    identifier: &str,
    today: chrono::NaiveDate,
) -> Result<Option<(Account, Option<String>)>, DbErr> {
    let username = username_form(identifier);
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
    if let Some((id, hash)) = guardian_row {
        return Ok(Some((Account::Guardian(id), hash)));
    }
    let enrolled_today = sea_orm::sea_query::Query::select()
        .column(enrollment::Column::StudentId)
        .from(enrollment::Entity)
        .cond_where(super::principal::active_on(enrollment::Column::StartsOn, enrollment::Column::EndsOn, today))
        .to_owned();
    let student_row: Option<(i64, Option<String>)> = student::Entity::find()
        .select_only()
        .columns([student::Column::Id, student::Column::PasswordHash])
        .filter(student::Column::Username.eq(&username))
        .filter(student::Column::Status.eq(StudentStatus::Studying.as_str()))
        .filter(student::Column::Id.in_subquery(enrolled_today))
        .into_tuple()
        .one(db)
        .await?;
    Ok(student_row.map(|(id, hash)| (Account::Student(id), hash)))
}

#[cfg(test)]
mod tests {
    use super::unknown_subject;

    #[test]
    fn an_unknown_identifier_is_throttled_in_its_normal_form() {
        let phone = unknown_subject("0901234999");
        for spelling in ["090 123 4999", "+84 90 123 4999", "(090) 123-4999", "090.123.4999"] {
            assert_eq!(unknown_subject(spelling), phone, "{spelling}");
        }
        assert_eq!(unknown_subject(" Tr\u{1ea7}n "), unknown_subject("TRA\u{0302}\u{0300}N"));
        assert_ne!(unknown_subject("tran"), unknown_subject("tr\u{1ea7}n"));
    }
}
