//! How each family wants to be reached outside the app: a channel per kind of notification
//! (`notification_channel`; `push` when none was chosen) and the devices its app registered
//! for push notifications (`push_device`; a staff member's in `staff_push_device`). Each
//! changes only their own choices and devices. A device token is sealed under its owner's
//! data key and found by the vault's keyed hash, so no table names a token in clear; a token
//! registered again (the phone passed to another parent, or the app reinstalled) moves to
//! whoever registered it last, guardian or staff.

use crate::auth::Account;
use crate::books::told::CHANNEL_KINDS;
use crate::error::ApiError;
use crate::vault::Vault;
use chrono::{DateTime, Utc};
use entity::{notification_channel, push_device, staff, staff_push_device};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ActiveValue::Unchanged, ColumnTrait as _, ConnectionTrait,
    DatabaseConnection, DbErr, EntityTrait as _, QueryFilter as _,
};

/// A way to reach a phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// A push notification to each registered device; an urgent one goes by SMS when the
    /// family has no device.
    Push,
    /// SMS for what the school marked urgent, push for the rest.
    Sms,
    /// In the app only.
    None,
}

impl Channel {
    /// The value stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Push => "push",
            Self::Sms => "sms",
            Self::None => "none",
        }
    }

    /// The channel stored or asked as `value` (any case, surrounding spaces ignored).
    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim().to_lowercase();
        [Self::Push, Self::Sms, Self::None].into_iter().find(|channel| channel.as_str() == value)
    }
}

/// Most devices one person keeps registered; registering another forgets the oldest.
pub const DEVICES_PER_PERSON: usize = 10;
/// Longest device token taken.
const TOKEN_MAX: usize = 4096;
/// The platforms a device may be.
pub const PLATFORMS: [&str; 3] = ["android", "ios", "web"];
/// The blind-index domain of device tokens.
const TOKEN_DOMAIN: &str = "push_device.token";
/// The sealed token's table and column (bound into each ciphertext).
pub(super) const TABLE: &str = "push_device";
/// The table of staff members' sealed tokens.
pub(super) const STAFF_TABLE: &str = "staff_push_device";
pub(super) const TOKEN: &str = "token_enc";

/// Sets guardian `guardian`'s channel for notifications of `kind` (a kind of
/// [`CHANNEL_KINDS`]).
pub async fn choose(
    db: &DatabaseConnection,
    guardian: i64,
    kind: &str,
    channel: Channel,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let kind = kind.trim().to_lowercase();
    let Some(kind) = CHANNEL_KINDS.iter().find(|&&known| known == kind) else {
        return Err(ApiError::bad_input(
            "loại thông báo phải là absence, notice, message hoặc score",
            "the kind must be absence, notice, message or score",
        ));
    };
    let row = notification_channel::ActiveModel {
        guardian_id: Set(guardian),
        kind: Set((*kind).to_owned()),
        channel: Set(channel.as_str().to_owned()),
        updated_at: Set(now),
        ..Default::default()
    };
    let replace = OnConflict::columns([notification_channel::Column::GuardianId, notification_channel::Column::Kind])
        .update_columns([notification_channel::Column::Channel, notification_channel::Column::UpdatedAt])
        .to_owned();
    notification_channel::Entity::insert(row).on_conflict(replace).exec_without_returning(db).await?;
    Ok(())
}

/// The channels of the guardians `guardians`: (guardian, kind) → channel, for the kinds
/// they chose (the rest are [`Channel::Push`]).
pub async fn chosen(
    db: &impl ConnectionTrait,
    guardians: &[i64],
) -> Result<std::collections::HashMap<(i64, String), Channel>, DbErr> {
    let rows = notification_channel::Entity::find()
        .filter(notification_channel::Column::GuardianId.is_in(guardians.iter().copied()))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| Channel::parse(&row.channel).map(|channel| ((row.guardian_id, row.kind), channel)))
        .collect())
}

/// A device's token as the guardian's app gives it, checked: not empty, not too long, no
/// control characters.
fn checked_token(token: &str) -> Result<&str, ApiError> {
    let token = token.trim();
    if token.is_empty() || token.len() > TOKEN_MAX || token.chars().any(char::is_control) {
        return Err(ApiError::bad_input(
            "mã thiết bị không hợp lệ (1–4096 ký tự, không có ký tự điều khiển)",
            "the device token is not valid (1–4096 characters, no control characters)",
        ));
    }
    Ok(token)
}

/// Registers `token` as a device of `owner` (a guardian or a staff member) on `platform`, in
/// one transaction: the token leaves whoever held it before, and the owner's oldest devices
/// beyond [`DEVICES_PER_PERSON`] are forgotten.
pub async fn register(
    db: &DatabaseConnection,
    vault: &Vault,
    owner: Account,
    token: &str,
    platform: &str,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let token = checked_token(token)?;
    let platform = platform.trim().to_lowercase();
    if !PLATFORMS.contains(&platform.as_str()) {
        return Err(ApiError::bad_input(
            "nền tảng phải là android, ios hoặc web",
            "the platform must be android, ios or web",
        ));
    }
    let digest = vault.blind(TOKEN_DOMAIN, token).ok_or_else(|| ApiError::internal("the vault is locked"))?;
    let txn = crate::db::begin_write(db).await?;
    push_device::Entity::delete_many().filter(push_device::Column::TokenDigest.eq(&digest)).exec(&txn).await?;
    staff_push_device::Entity::delete_many()
        .filter(staff_push_device::Column::TokenDigest.eq(&digest))
        .exec(&txn)
        .await?;
    let key =
        vault.key_of_scope(&txn, &format!("{}:{}", owner.kind(), owner.id())).await.map_err(ApiError::internal)?;
    let seal = |table: &str, id: i64| vault.seal_with(key, table, TOKEN, id, token).map_err(ApiError::internal);
    let mut kept: Vec<(i64, DateTime<Utc>)> = match owner {
        Account::Guardian(guardian) => {
            let row = push_device::ActiveModel {
                guardian_id: Set(guardian),
                token_enc: Set(Vec::new()),
                token_digest: Set(digest),
                platform: Set(platform),
                registered_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            let sealed = push_device::ActiveModel {
                id: Unchanged(row.id),
                token_enc: Set(seal(TABLE, row.id)?),
                ..Default::default()
            };
            sealed.update(&txn).await?;
            let held =
                push_device::Entity::find().filter(push_device::Column::GuardianId.eq(guardian)).all(&txn).await?;
            held.into_iter().map(|device| (device.id, device.registered_at)).collect()
        }
        Account::Staff(staff) => {
            let school = staff::Entity::find_by_id(staff).one(&txn).await?.map(|row| row.school_id);
            let row = staff_push_device::ActiveModel {
                staff_id: Set(staff),
                school_id: Set(school.ok_or(ApiError::NotPermitted)?),
                token_enc: Set(Vec::new()),
                token_digest: Set(digest),
                platform: Set(platform),
                registered_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            let sealed = staff_push_device::ActiveModel {
                id: Unchanged(row.id),
                token_enc: Set(seal(STAFF_TABLE, row.id)?),
                ..Default::default()
            };
            sealed.update(&txn).await?;
            let held = staff_push_device::Entity::find()
                .filter(staff_push_device::Column::StaffId.eq(staff))
                .all(&txn)
                .await?;
            held.into_iter().map(|device| (device.id, device.registered_at)).collect()
        }
        Account::Student(_) => return Err(ApiError::NotPermitted),
    };
    kept.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
    let forgotten: Vec<i64> = kept.iter().skip(DEVICES_PER_PERSON).map(|&(id, _)| id).collect();
    if !forgotten.is_empty() {
        match owner {
            Account::Staff(_) => {
                let gone =
                    staff_push_device::Entity::delete_many().filter(staff_push_device::Column::Id.is_in(forgotten));
                gone.exec(&txn).await?;
            }
            _ => {
                push_device::Entity::delete_many().filter(push_device::Column::Id.is_in(forgotten)).exec(&txn).await?;
            }
        }
    }
    txn.commit().await?;
    Ok(())
}

/// Forgets `token` if it is a device of `owner`; whether it was.
pub async fn unregister(db: &DatabaseConnection, vault: &Vault, owner: Account, token: &str) -> Result<bool, ApiError> {
    let token = checked_token(token)?;
    let digest = vault.blind(TOKEN_DOMAIN, token).ok_or_else(|| ApiError::internal("the vault is locked"))?;
    let gone = match owner {
        Account::Guardian(guardian) => {
            push_device::Entity::delete_many()
                .filter(push_device::Column::TokenDigest.eq(digest))
                .filter(push_device::Column::GuardianId.eq(guardian))
                .exec(db)
                .await?
        }
        Account::Staff(staff) => {
            staff_push_device::Entity::delete_many()
                .filter(staff_push_device::Column::TokenDigest.eq(digest))
                .filter(staff_push_device::Column::StaffId.eq(staff))
                .exec(db)
                .await?
        }
        Account::Student(_) => return Ok(false),
    };
    Ok(gone.rows_affected > 0)
}
