//! Sharing agreements: what a school or an office agreed to share with a vendor's client.
//! Making one asks the policy first — the client must be one the caller manages, and every
//! school and class it covers one where the caller may write `sharing` — so a place out of
//! reach answers exactly like a missing one and nothing is written; then the terms are
//! checked: a purpose of the privacy officer's list ([`super::purposes`]), a legal basis and
//! a reference to the signed agreement, dates in order, known scopes and field groups
//! ([`super::scopes`]), each group one the policy lets vendors read. An agreement is in force from its start date through its end date,
//! unless it was ended early ([`end`]).

use super::{clients, purposes, scopes};
use crate::error::ApiError;
use crate::privacy::{Access, readers};
use chrono::{DateTime, NaiveDate, Utc};
use emis_authz::{Action, Kind, Relationship, Role};
use entity::{sharing_agreement, sharing_agreement_place};
use sea_orm::{ActiveModelTrait as _, ActiveValue::Set, ActiveValue::Unchanged, DatabaseConnection};
use std::path::Path;

/// Longest legal basis, reference or reason taken.
const TEXT_MAX: usize = 500;
/// Most places one agreement covers.
pub const MAX_PLACES: usize = 100;

/// A place an agreement covers, as asked: a school or one class of it — one of the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub school: Option<i64>,
    pub class: Option<i64>,
}

/// The terms of a new agreement, as the administrator gives them.
pub struct Terms {
    pub purpose: String,
    pub legal_basis: String,
    pub reference: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub consent_required: bool,
    pub scopes: Vec<String>,
    pub field_groups: Vec<String>,
    pub places: Vec<Place>,
    /// Distinct students it may show a day; `None`: the server's default.
    pub daily_student_cap: Option<i32>,
}

/// `text` trimmed, refused when empty, too long or holding control characters.
fn required(text: &str, vi: &str, en: &str) -> Result<String, ApiError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > TEXT_MAX || text.chars().any(char::is_control) {
        return Err(ApiError::bad_input(
            format!("{vi} phải có từ 1 đến {TEXT_MAX} ký tự"),
            format!("{en} must have 1 to {TEXT_MAX} characters"),
        ));
    }
    Ok(text.to_owned())
}

/// The (school, class) of each place, each reached as one where the caller may write
/// `sharing`; refused like a missing one otherwise.
async fn reached_places(
    db: &DatabaseConnection,
    access: &Access,
    places: &[Place],
) -> Result<Vec<(i64, Option<i64>)>, ApiError> {
    let mut reached = Vec::new();
    for place in places {
        reached.push(match (place.school, place.class) {
            (Some(school), None) => {
                access.reach(db, &readers::SCHOOL, Kind::Sharing, Action::Write, school).await?;
                (school, None)
            }
            (None, Some(class)) => {
                let found = access.reach(db, &readers::CLASS, Kind::Sharing, Action::Write, class).await?;
                (found.school_id, Some(class))
            }
            _ => {
                return Err(ApiError::bad_input(
                    "mỗi nơi chia sẻ là một trường (schoolId) hoặc một lớp (classId)",
                    "each place is one school (schoolId) or one class (classId)",
                ));
            }
        });
    }
    reached.sort_unstable();
    reached.dedup();
    Ok(reached)
}

/// Makes an agreement of client `client` on `terms`, in one transaction, judged against the
/// purposes listed in `policy_dir`.
pub async fn make(
    db: &DatabaseConnection,
    access: &Access,
    policy_dir: &Path,
    client: i64,
    terms: Terms,
    now: DateTime<Utc>,
) -> Result<(sharing_agreement::Model, Vec<sharing_agreement_place::Model>), ApiError> {
    let holder = clients::manageable(db, access, client).await?;
    if terms.places.len() > MAX_PLACES {
        return Err(ApiError::bad_input(
            format!("một thỏa thuận gồm tối đa {MAX_PLACES} trường hoặc lớp"),
            format!("an agreement covers at most {MAX_PLACES} schools or classes"),
        ));
    }
    let places = reached_places(db, access, &terms.places).await?;
    let me = access.principal().staff_id().ok_or(ApiError::NotPermitted)?;
    if places.is_empty() {
        return Err(ApiError::bad_input("hãy chọn ít nhất một trường hoặc lớp", "name at least one school or class"));
    }
    let purpose = purposes::find(policy_dir, &terms.purpose)?;
    if purpose.needs_consent() && !terms.consent_required {
        return Err(ApiError::bad_input(
            format!("mục đích {} cần sự đồng ý của gia đình: thỏa thuận phải xin đồng ý", purpose.code),
            format!("the purpose {} needs the families' consent: the agreement must ask for it", purpose.code),
        ));
    }
    let legal_basis = required(&terms.legal_basis, "căn cứ pháp lý", "the legal basis")?;
    let reference = required(&terms.reference, "số hiệu văn bản thỏa thuận", "the agreement's reference")?;
    if terms.ends_on.is_some_and(|ends| ends < terms.starts_on) {
        return Err(ApiError::bad_input("ngày kết thúc trước ngày bắt đầu", "the end date is before the start date"));
    }
    let granted = scopes::scopes(&terms.scopes)?;
    let groups = scopes::field_groups(&terms.field_groups)?;
    if let Some(never) =
        groups.iter().find(|kind| !access.policy_allows(Role::Vendor, **kind, Action::Read, Relationship::Shared))
    {
        return Err(ApiError::bad_input(
            format!("chính sách không cho nhà cung cấp xem nhóm dữ liệu {never}"),
            format!("the policy lets no vendor read the field group {never}"),
        ));
    }
    let txn = crate::db::begin_write(db).await?;
    let agreement = sharing_agreement::ActiveModel {
        vendor_client_id: Set(holder.id),
        org_id: Set(holder.org_id),
        purpose: Set(purpose.code),
        legal_basis: Set(legal_basis),
        reference: Set(reference),
        starts_on: Set(terms.starts_on),
        ends_on: Set(terms.ends_on),
        consent_required: Set(terms.consent_required),
        scopes: Set(granted.join(" ")),
        field_groups: Set(groups.iter().map(|kind| kind.as_str()).collect::<Vec<_>>().join(",")),
        made_by: Set(me),
        created_at: Set(now),
        ended_at: Set(None),
        ended_reason: Set(None),
        daily_student_cap: Set(terms.daily_student_cap.filter(|cap| *cap > 0)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut covered = Vec::new();
    for (school, class) in places {
        let place = sharing_agreement_place::ActiveModel {
            agreement_id: Set(agreement.id),
            school_id: Set(school),
            class_id: Set(class),
            ..Default::default()
        };
        covered.push(place.insert(&txn).await?);
    }
    txn.commit().await?;
    Ok((agreement, covered))
}

/// Ends agreement `id` now, for `reason`; refused once it has ended.
pub async fn end(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<sharing_agreement::Model, ApiError> {
    let found = access.reach(db, &readers::SHARING_AGREEMENT, Kind::Sharing, Action::Write, id).await?;
    let reason = required(reason, "lý do", "the reason")?;
    if found.ended_at.is_some() {
        return Err(ApiError::bad_input("thỏa thuận này đã chấm dứt", "this agreement has already ended"));
    }
    let ended = sharing_agreement::ActiveModel {
        id: Unchanged(id),
        ended_at: Set(Some(now)),
        ended_reason: Set(Some(reason)),
        ..Default::default()
    };
    Ok(ended.update(db).await?)
}

/// Whether `agreement` is in force on `today`.
pub fn in_force(agreement: &sharing_agreement::Model, today: NaiveDate) -> bool {
    agreement.ended_at.is_none() && agreement.starts_on <= today && agreement.ends_on.is_none_or(|ends| today <= ends)
}
