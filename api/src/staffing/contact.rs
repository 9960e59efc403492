//! A staff member's own contact details: they change their phone and e-mail themselves
//! (the policy's `staff.contact`/`write` for `self`), and every change is kept in
//! `staff_contact_history` with the values before and after, sealed like the values (the
//! ciphertexts of the staff row's own columns, which open only with its key).

use super::sealing::{StaffKey, blind};
use crate::error::ApiError;
use crate::privacy::{Access, readers};
use crate::vault::Vault;
use chrono::Utc;
use emis_authz::{Action, Kind};
use entity::{staff, staff_contact_history};
use sea_orm::{ActiveModelTrait as _, ActiveValue::Set, DatabaseConnection, IntoActiveModel as _};

/// What a staff member changes of their contact details: `None` keeps a value, an empty
/// text removes it.
#[derive(Debug, Clone, Default)]
pub struct ContactChange {
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// Changes the caller's own phone and e-mail and keeps the change in the history; returns
/// the stored row.
pub async fn update_my_contact(
    db: &DatabaseConnection,
    vault: &Vault,
    access: &Access,
    change: ContactChange,
) -> Result<staff::Model, ApiError> {
    let me = access.principal().staff_id().ok_or(ApiError::NotPermitted)?;
    let row = access.reach(db, &readers::STAFF, Kind::StaffContact, Action::Write, me).await?;
    if change.phone.is_none() && change.email.is_none() {
        return Err(ApiError::bad_input("không có gì để thay đổi", "nothing to change: give a phone or an e-mail"));
    }
    let phone = change.phone.as_deref().map(|phone| checked_phone(Some(phone))).transpose()?;
    let email = change.email.as_deref().map(|email| checked_email(Some(email))).transpose()?;
    let txn = crate::db::begin_write(db).await?;
    let stored = [row.phone_enc.as_deref(), row.email_enc.as_deref(), row.identity_no_enc.as_deref()];
    let key = StaffKey::of(&txn, vault, row.id, &stored).await?;
    let (new_phone_enc, phone_blind) = match &phone {
        Some(phone) => (key.seal("phone_enc", phone.as_deref())?, blind(vault, "phone", phone.as_deref())),
        None => (row.phone_enc.clone(), row.phone_blind.clone()),
    };
    let new_email_enc = match &email {
        Some(email) => key.seal("email_enc", email.as_deref())?,
        None => row.email_enc.clone(),
    };
    staff_contact_history::ActiveModel {
        staff_id: Set(row.id),
        school_id: Set(row.school_id),
        old_phone_enc: Set(row.phone_enc.clone()),
        new_phone_enc: Set(new_phone_enc.clone()),
        old_email_enc: Set(row.email_enc.clone()),
        new_email_enc: Set(new_email_enc.clone()),
        changed_by_id: Set(me),
        changed_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut active = row.into_active_model();
    active.phone_enc = Set(new_phone_enc);
    active.phone_blind = Set(phone_blind);
    active.email_enc = Set(new_email_enc);
    let updated = active.update(&txn).await?;
    txn.commit().await?;
    Ok(updated)
}

/// A phone number as given (trimmed), when given and not empty: a leading `+` and 8 to 15
/// digits, spaces, dots and dashes allowed between them.
pub(super) fn checked_phone(phone: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(phone) = phone.map(str::trim).filter(|p| !p.is_empty()) else { return Ok(None) };
    let body = phone.strip_prefix('+').unwrap_or(phone);
    let digits = body.chars().filter(char::is_ascii_digit).count();
    let shaped = body.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-'));
    if !shaped || !(8..=15).contains(&digits) {
        return Err(ApiError::bad_input(
            "số điện thoại không hợp lệ (8 đến 15 chữ số)",
            "not a phone number (8 to 15 digits)",
        ));
    }
    Ok(Some(phone.to_owned()))
}

/// An e-mail address as given (trimmed), when given and not empty: one `@` with text on
/// both sides, a dot in the domain, no spaces.
pub(super) fn checked_email(email: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(email) = email.map(str::trim).filter(|e| !e.is_empty()) else { return Ok(None) };
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !email.contains(char::is_whitespace)
                && email.len() <= 254
        }
        None => false,
    };
    if !valid {
        return Err(ApiError::bad_input("địa chỉ e-mail không hợp lệ", "not an e-mail address"));
    }
    Ok(Some(email.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::{checked_email, checked_phone};

    #[test]
    fn phones_and_e_mails_are_checked_and_empty_means_none() {
        assert_eq!(checked_phone(Some(" 0901 234.567 ")).unwrap().as_deref(), Some("0901 234.567"));
        assert_eq!(checked_phone(Some("+84 901234567")).unwrap().as_deref(), Some("+84 901234567"));
        assert!(checked_phone(Some("")).unwrap().is_none());
        assert!(checked_phone(Some("090-abc-1234")).is_err());
        assert!(checked_phone(Some("12345")).is_err());
        assert_eq!(checked_email(Some("co.lan@truong.edu.vn")).unwrap().as_deref(), Some("co.lan@truong.edu.vn"));
        assert!(checked_email(Some("co lan@truong.vn")).is_err());
        assert!(checked_email(Some("colan@truong")).is_err());
        assert!(checked_email(Some("@truong.vn")).is_err());
        assert!(checked_email(None).unwrap().is_none());
    }
}
