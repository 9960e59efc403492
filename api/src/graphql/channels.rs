//! How a family is reached outside the app, as GraphQL shows it: the channel chosen per kind
//! of notification (`me.notificationChannels`, `setNotificationChannel`) and the devices
//! registered for push (`me.pushDevices`, `registerPushDevice`, `unregisterPushDevice`); with
//! the mutations that mark notifications read. Channels are a guardian's; devices are a
//! guardian's or a staff member's, and each has only their own: reads go through the privacy
//! layer as the person's own record and contact details; a device's token is never shown back.

use super::context::{access, database, state};
use super::ids;
use super::notifications::{self, MarkReadInput, Unread};
use crate::auth::Account;
use crate::books::told::CHANNEL_KINDS;
use crate::error::{ApiError, ApiResult};
use crate::outbox::{self, Channel};
use crate::privacy::readers;
use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{notification_channel, push_device, staff_push_device};
use sea_orm::{ColumnTrait as _, Order};

/// How one kind of notification reaches the family outside the app.
#[derive(SimpleObject)]
pub struct NotificationChannel {
    /// absence | notice (with its reminders) | message | score
    pub kind: String,
    /// push (the default: a push notification; an urgent one by SMS when no device is
    /// registered) | sms (SMS for what the school marks urgent, push for the rest) | none
    /// (in the app only)
    pub channel: String,
}

/// A device registered for push notifications (its token is never shown).
#[derive(SimpleObject)]
pub struct PushDevice {
    /// The device's global id.
    pub id: ID,
    /// android | ios | web
    pub platform: String,
    /// When it was registered (again).
    pub registered_at: DateTime<Utc>,
}

/// The caller's guardian id; anyone else is refused.
fn guardian(ctx: &Context<'_>) -> ApiResult<i64> {
    access(ctx)?.principal().guardian_id().ok_or(ApiError::NotPermitted)
}

/// The caller, when they are a guardian or a staff member: who may register devices.
fn device_owner(ctx: &Context<'_>) -> ApiResult<Account> {
    match access(ctx)?.principal().account {
        Some(owner @ (Account::Guardian(_) | Account::Staff(_))) => Ok(owner),
        _ => Err(ApiError::NotPermitted),
    }
}

/// `me.notificationChannels`: every kind, with the channel chosen or the default.
pub async fn channels(ctx: &Context<'_>) -> ApiResult<Vec<NotificationChannel>> {
    let me = guardian(ctx)?;
    let rows = access(ctx)?
        .read(&readers::NOTIFICATION_CHANNEL)
        .narrow(notification_channel::Column::GuardianId, |column| column.eq(me))
        .all(database(ctx)?)
        .await?;
    Ok(CHANNEL_KINDS
        .iter()
        .map(|&kind| {
            let chosen = rows.iter().find(|row| row.kind == kind).map(|row| row.channel.clone());
            NotificationChannel { kind: kind.to_owned(), channel: chosen.unwrap_or_else(|| "push".to_owned()) }
        })
        .collect())
}

/// `me.pushDevices`: newest first.
pub async fn devices(ctx: &Context<'_>) -> ApiResult<Vec<PushDevice>> {
    let db = database(ctx)?;
    let shown = |kind: &str, id: i64, platform: String, registered_at| PushDevice {
        id: ids::encode(kind, id),
        platform,
        registered_at,
    };
    Ok(match device_owner(ctx)? {
        Account::Staff(me) => access(ctx)?
            .read(&readers::STAFF_PUSH_DEVICE)
            .narrow(staff_push_device::Column::StaffId, |column| column.eq(me))
            .order_by(staff_push_device::Column::RegisteredAt, Order::Desc)
            .all(db)
            .await?
            .into_iter()
            .map(|row| shown("StaffPushDevice", row.id, row.platform, row.registered_at))
            .collect(),
        Account::Student(_) => Vec::new(),
        Account::Guardian(me) => access(ctx)?
            .read(&readers::PUSH_DEVICE)
            .narrow(push_device::Column::GuardianId, |column| column.eq(me))
            .order_by(push_device::Column::RegisteredAt, Order::Desc)
            .all(db)
            .await?
            .into_iter()
            .map(|row| shown("PushDevice", row.id, row.platform, row.registered_at))
            .collect(),
    })
}

/// The mutations of a guardian's notifications and how they are reached.
#[derive(Default)]
pub struct AlertMutations;

#[Object]
impl AlertMutations {
    /// Marks notifications read — by id (a notice's or a conversation's id marks it read with
    /// its notifications) or every one of some kinds — and answers the unread counts after.
    /// Guardians and staff; a notice or conversation out of reach is refused like a missing
    /// one, and nothing is marked.
    async fn mark_read(&self, ctx: &Context<'_>, input: MarkReadInput) -> ApiResult<Unread> {
        notifications::mark_read(ctx, input).await
    }
    /// Marks the caller's notifications read; returns how many were unread.
    async fn mark_notifications_read(&self, ctx: &Context<'_>, ids: Vec<ID>) -> ApiResult<i32> {
        notifications::mark_notifications_read(ctx, &ids).await
    }
    /// Chooses how notifications of `kind` (absence | notice | message | score) reach the
    /// caller outside the app: push | sms | none. SMS is only ever used for what the school
    /// marks urgent. Answers every kind's channel. Guardians only.
    async fn set_notification_channel(
        &self,
        ctx: &Context<'_>,
        kind: String,
        channel: String,
    ) -> ApiResult<Vec<NotificationChannel>> {
        let me = guardian(ctx)?;
        let Some(channel) = Channel::parse(&channel) else {
            return Err(ApiError::bad_input(
                "kênh phải là push, sms hoặc none",
                "the channel must be push, sms or none",
            ));
        };
        outbox::choose(database(ctx)?, me, &kind, channel, Utc::now()).await?;
        channels(ctx).await
    }
    /// Registers this device for push notifications (`platform`: android | ios | web). A
    /// token registered before, by anyone, now reaches the caller only; each keeps at most 10
    /// devices, the oldest forgotten. Guardians and staff.
    async fn register_push_device(&self, ctx: &Context<'_>, token: String, platform: String) -> ApiResult<bool> {
        let me = device_owner(ctx)?;
        let server = state(ctx)?;
        outbox::register(&server.db, &server.vault, me, &token, &platform, Utc::now()).await?;
        Ok(true)
    }
    /// Stops push notifications to this device (on signing out of the app, say); whether it
    /// was registered to the caller.
    async fn unregister_push_device(&self, ctx: &Context<'_>, token: String) -> ApiResult<bool> {
        let me = device_owner(ctx)?;
        let server = state(ctx)?;
        outbox::unregister(&server.db, &server.vault, me, &token).await
    }
}
