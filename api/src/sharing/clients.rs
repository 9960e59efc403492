//! A vendor's client, as the school or office that registers it manages it: registering one
//! (its secret shown once), rotating the secret (the old one and every token it obtained stop
//! at once), suspending it (its tokens stop at once) and making it active again. Every write
//! asks the policy first (`sharing`/`write` on the registering organisation), so a client of
//! another school answers exactly like a missing one.

use crate::auth::token;
use crate::error::ApiError;
use crate::privacy::{Access, readers};
use chrono::{DateTime, Utc};
use emis_authz::{Action, Kind, Role};
use entity::{vendor_client, vendor_token};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ActiveValue::Unchanged, ColumnTrait as _, DatabaseConnection,
    EntityTrait as _, QueryFilter as _,
};
use std::collections::BTreeSet;

/// A client that may obtain tokens.
pub const ACTIVE: &str = "active";
/// A client whose tokens no longer work.
pub const SUSPENDED: &str = "suspended";
/// Longest name taken.
const NAME_MAX: usize = 200;

/// A client with its secret, as shown once when it is made or rotated.
pub struct WithSecret {
    pub client: vendor_client::Model,
    pub secret: String,
}

/// The organisation a client is registered at: `school` when given, else the one office the
/// caller works at as a district officer.
pub fn home(access: &Access, school: Option<i64>) -> Result<i64, ApiError> {
    if let Some(school) = school {
        return Ok(school);
    }
    let offices: BTreeSet<i64> = access.principal().orgs_of(Role::DistrictOfficer).collect();
    match offices.len() {
        1 => Ok(offices.into_iter().next().unwrap_or_default()),
        _ => Err(ApiError::bad_input(
            "hãy chọn trường (schoolId) đăng ký nhà cung cấp",
            "name the school (schoolId) that registers the vendor",
        )),
    }
}

/// Registers a client named `name` at organisation `org`; its secret, shown once.
pub async fn register(
    db: &DatabaseConnection,
    access: &Access,
    org: i64,
    name: &str,
    now: DateTime<Utc>,
) -> Result<WithSecret, ApiError> {
    access.reach(db, &readers::SCHOOL, Kind::Sharing, Action::Write, org).await?;
    let me = access.principal().staff_id().ok_or(ApiError::NotPermitted)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX || name.chars().any(char::is_control) {
        return Err(ApiError::bad_input(
            "tên nhà cung cấp phải có từ 1 đến 200 ký tự",
            "the vendor's name must have 1 to 200 characters",
        ));
    }
    let secret = token::generate("emis_vcs");
    let client = vendor_client::ActiveModel {
        org_id: Set(org),
        name: Set(name.to_owned()),
        client_id: Set(token::generate("emis_vc")),
        secret_hash: Set(token::digest(&secret)),
        status: Set(ACTIVE.to_owned()),
        registered_by: Set(me),
        created_at: Set(now),
        secret_rotated_at: Set(now),
        suspended_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(WithSecret { client, secret })
}

/// Client `id` when the caller may manage it; missing and out of reach alike otherwise.
pub async fn manageable(db: &DatabaseConnection, access: &Access, id: i64) -> Result<vendor_client::Model, ApiError> {
    access.reach(db, &readers::VENDOR_CLIENT, Kind::Sharing, Action::Write, id).await
}

/// Gives client `id` a new secret, ending the old one and every token it obtained, in one
/// transaction; the new secret, shown once.
pub async fn rotate(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    now: DateTime<Utc>,
) -> Result<WithSecret, ApiError> {
    manageable(db, access, id).await?;
    let secret = token::generate("emis_vcs");
    let txn = crate::db::begin_write(db).await?;
    let client = vendor_client::ActiveModel {
        id: Unchanged(id),
        secret_hash: Set(token::digest(&secret)),
        secret_rotated_at: Set(now),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    vendor_token::Entity::delete_many().filter(vendor_token::Column::VendorClientId.eq(id)).exec(&txn).await?;
    txn.commit().await?;
    Ok(WithSecret { client, secret })
}

/// Suspends client `id` (`suspended`: its tokens stop at once and it obtains no more) or makes
/// it active again.
pub async fn set_suspended(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    suspended: bool,
    now: DateTime<Utc>,
) -> Result<vendor_client::Model, ApiError> {
    manageable(db, access, id).await?;
    let txn = crate::db::begin_write(db).await?;
    let client = vendor_client::ActiveModel {
        id: Unchanged(id),
        status: Set(if suspended { SUSPENDED } else { ACTIVE }.to_owned()),
        suspended_at: Set(suspended.then_some(now)),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    if suspended {
        vendor_token::Entity::delete_many().filter(vendor_token::Column::VendorClientId.eq(id)).exec(&txn).await?;
    }
    txn.commit().await?;
    Ok(client)
}
