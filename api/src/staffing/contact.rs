//! A staff member's own contact details: they change their phone and e-mail themselves
//! (the policy's `staff.contact`/`write` for `self`), and every change is kept in
//! `staff_contact_history` with the values before and after, sealed like the values (the
//! ciphertexts of the staff row's own columns, which open only with its key).

use crate::error::ApiError;
use crate::person_values::{checked_email, checked_phone};
use crate::privacy::{Access, readers};
use crate::sealing::{RowKey, blind};
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
    let key = RowKey::of(&txn, vault, "staff", row.id, &stored).await?;
    let (new_phone_enc, phone_blind) = match &phone {
        Some(phone) => (key.seal("phone_enc", phone.as_deref())?, blind(vault, "staff", "phone", phone.as_deref())),
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
