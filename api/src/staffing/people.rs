//! Adding a staff member to a school: their record, its sealed contact values, an active
//! status from today with its history entry, and the school roles they start with. The
//! account has no password yet; its owner gets one through activation.

use crate::error::ApiError;
use crate::person_values::{checked_email, checked_gender, checked_name, checked_phone};
use crate::privacy::{Access, integrity, readers};
use crate::sealing::{RowKey, blind};
use crate::text;
use crate::vault::Vault;
use chrono::{NaiveDate, Utc};
use emis_authz::{Action, Kind};
use entity::{OrgKind, RoleKind, StaffStatus, staff, staff_role, staff_status_history};
use sea_orm::{ActiveModelTrait as _, ActiveValue::Set, ConnectionTrait, DatabaseConnection, IntoActiveModel as _};

/// The school roles a principal gives; teaching roles follow from assignments, and the
/// district's and the privacy office's roles are not a school's to give.
pub(super) const SCHOOL_ROLES: [RoleKind; 3] = [RoleKind::Principal, RoleKind::VicePrincipal, RoleKind::Clerk];

/// A new staff member as the principal enters them.
#[derive(Debug, Clone, Default)]
pub struct NewStaff {
    pub family_name: String,
    pub given_name: String,
    /// `male` | `female`.
    pub gender: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub username: Option<String>,
    /// School roles (`principal`, `vice_principal`, `clerk`) held from today.
    pub roles: Vec<String>,
}

/// Adds `new` to school `school` from `today`; returns the stored row.
pub async fn add_staff(
    db: &DatabaseConnection,
    vault: &Vault,
    access: &Access,
    school: i64,
    new: &NewStaff,
    today: NaiveDate,
) -> Result<staff::Model, ApiError> {
    let school = access.reach(db, &readers::SCHOOL, Kind::Staff, Action::Write, school).await?;
    if school.kind != OrgKind::School.as_str() {
        return Err(ApiError::NotPermitted);
    }
    let checked = Checked::of(new)?;
    if let Some(username) = &checked.username
        && integrity::username_taken(db, username).await?
    {
        return Err(ApiError::bad_input("tên đăng nhập đã được dùng", "this username is already taken"));
    }
    let txn = crate::db::begin_write(db).await?;
    let full_name = format!("{} {}", checked.family_name, checked.given_name);
    let row = staff::ActiveModel {
        external_id: Set(format!("emis-staff-{:016x}", rand::random::<u64>())),
        search_name: Set(text::fold(&full_name)),
        sort_name: Set(text::sort_name(&checked.family_name, &checked.given_name)),
        full_name: Set(full_name),
        family_name: Set(checked.family_name.clone()),
        given_name: Set(checked.given_name.clone()),
        gender: Set(checked.gender.clone()),
        birth_date: Set(checked.birth_date),
        identity_no_enc: Set(None),
        identity_no_blind: Set(None),
        address_enc: Set(None),
        school_id: Set(school.id),
        username: Set(checked.username.clone()),
        password_hash: Set(None),
        phone_enc: Set(None),
        phone_blind: Set(None),
        email_enc: Set(None),
        status: Set(StaffStatus::Active.as_str().to_owned()),
        ..Default::default()
    };
    let created = row.insert(&txn).await?;
    let created = seal_contact(&txn, vault, created, checked.phone.as_deref(), checked.email.as_deref()).await?;
    staff_status_history::ActiveModel {
        staff_id: Set(created.id),
        school_id: Set(school.id),
        status: Set(StaffStatus::Active.as_str().to_owned()),
        effective_from: Set(today),
        recorded_at: Set(Utc::now()),
        note: Set(None),
        to_school_id: Set(None),
        recorded_by_id: Set(access.principal().staff_id()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for role in &checked.roles {
        staff_role::ActiveModel {
            external_id: Set(None),
            staff_id: Set(created.id),
            org_id: Set(school.id),
            role: Set(role.as_str().to_owned()),
            starts_on: Set(today),
            ends_on: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(created)
}

/// Seals `phone` and `email` into `row` under its key and stores them.
async fn seal_contact(
    db: &impl ConnectionTrait,
    vault: &Vault,
    row: staff::Model,
    phone: Option<&str>,
    email: Option<&str>,
) -> Result<staff::Model, ApiError> {
    if phone.is_none() && email.is_none() {
        return Ok(row);
    }
    let key = RowKey::of(db, vault, "staff", row.id, &[]).await?;
    let mut active = row.into_active_model();
    active.phone_enc = Set(key.seal("phone_enc", phone)?);
    active.phone_blind = Set(blind(vault, "staff", "phone", phone));
    active.email_enc = Set(key.seal("email_enc", email)?);
    Ok(active.update(db).await?)
}

/// A new staff member's values, checked.
struct Checked {
    family_name: String,
    given_name: String,
    gender: Option<String>,
    birth_date: Option<NaiveDate>,
    phone: Option<String>,
    email: Option<String>,
    username: Option<String>,
    roles: Vec<RoleKind>,
}

impl Checked {
    fn of(new: &NewStaff) -> Result<Self, ApiError> {
        let family_name = checked_name(&new.family_name, "họ không hợp lệ", "the family name is empty or too long")?;
        let given_name = checked_name(&new.given_name, "tên không hợp lệ", "the given name is empty or too long")?;
        let gender = checked_gender(new.gender.as_deref())?;
        let mut roles = Vec::new();
        for role in &new.roles {
            let role =
                role.trim().parse::<RoleKind>().ok().filter(|role| SCHOOL_ROLES.contains(role)).ok_or_else(|| {
                    ApiError::bad_input("vai trò không hợp lệ", "not a school role (principal, vice_principal, clerk)")
                })?;
            if !roles.contains(&role) {
                roles.push(role);
            }
        }
        Ok(Self {
            family_name,
            given_name,
            gender,
            birth_date: new.birth_date,
            phone: checked_phone(new.phone.as_deref())?,
            email: checked_email(new.email.as_deref())?,
            username: checked_username(new.username.as_deref())?,
            roles,
        })
    }
}

/// A username as accounts store it (lower case), when given: 3 to 64 letters, digits, dots,
/// dashes or underscores.
fn checked_username(username: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(username) = username.map(str::trim).filter(|u| !u.is_empty()) else { return Ok(None) };
    let username = username.to_lowercase();
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_');
    if !(3..=64).contains(&username.len()) || !username.chars().all(allowed) {
        return Err(ApiError::bad_input(
            "tên đăng nhập gồm 3 đến 64 chữ cái không dấu, chữ số, dấu chấm, gạch ngang hoặc gạch dưới",
            "a username is 3 to 64 unaccented letters, digits, dots, dashes or underscores",
        ));
    }
    Ok(Some(username))
}
