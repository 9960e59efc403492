//! Deciding how each new notification reaches the family's phones, once: a pass claims the
//! notifications not yet dispatched (`dispatched_at` null) and, in the same transaction,
//! marks them and queues their messages — so with several instances each notification is
//! dispatched by exactly one (PostgreSQL: rows claimed `FOR UPDATE SKIP LOCKED`; SQLite:
//! one writer at a time). For each notification the guardian's channel for its kind decides
//! ([`super::channels`]):
//!
//! - `push` (the default): a push message to each registered device; an urgent notification
//!   goes by SMS instead when the family has no device;
//! - `sms`: SMS for what the school marked urgent, push for the rest;
//! - `none`: nothing leaves the app.
//!
//! SMS goes only to a guardian with a phone, and never for what is not urgent. During quiet
//! hours ([`super::quiet`]) only urgent notifications are dispatched; the rest wait for the
//! first pass after. The texts are in [`super::wording`].

use super::channels::{self, Channel};
use super::queue::{Told, enqueue_by};
use super::quiet::QuietHours;
use super::wording;
use super::{OutgoingMessage, Purpose};
use crate::auth::Account;
use crate::books::told;
use crate::vault::Vault;
use chrono::{DateTime, Utc};
use entity::{guardian, notice, notification, outbox_message, push_device, section, student, subject};
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{
    ColumnTrait as _, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait as _, JoinType,
    QueryFilter as _, QueryOrder as _, QuerySelect as _, RelationTrait as _,
};
use std::collections::HashMap;

/// Most notifications dispatched in one pass.
pub const DISPATCH_BATCH: u64 = 500;

/// Dispatches the notifications written up to `now` that no pass has — during `quiet` hours
/// only the urgent ones; how many this pass did.
pub async fn dispatch_due(
    db: &DatabaseConnection,
    vault: &Vault,
    quiet: QuietHours,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let undispatched = || {
        notification::Entity::find()
            .filter(notification::Column::DispatchedAt.is_null())
            .filter(notification::Column::CreatedAt.lte(now))
    };
    // Looked for before the write transaction, so an idle pass takes no lock.
    if undispatched().one(db).await?.is_none() {
        return Ok(0);
    }
    let txn = crate::db::begin_write(db).await?;
    let mut due = undispatched().order_by_asc(notification::Column::Id).limit(DISPATCH_BATCH);
    if quiet.contains(now) {
        due = due.filter(notification::Column::Urgent.eq(true));
    }
    if txn.get_database_backend() == DbBackend::Postgres {
        due = due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let due = due.all(&txn).await?;
    if due.is_empty() {
        txn.commit().await?;
        return Ok(0);
    }
    notification::Entity::update_many()
        .col_expr(notification::Column::DispatchedAt, Expr::value(now))
        .filter(notification::Column::Id.is_in(due.iter().map(|row| row.id)))
        .exec(&txn)
        .await?;
    if vault.is_unlocked() {
        let found = Found::read(&txn, vault, &due).await?;
        for row in &due {
            for (channel, address) in found.routes(row) {
                let Some(purpose) = Purpose::of_notification(&row.kind) else { continue };
                let message = OutgoingMessage {
                    school_id: row.school_id,
                    to: Account::Guardian(row.guardian_id),
                    phone: address,
                    purpose,
                    body: found.text(row),
                };
                enqueue_by(&txn, vault, message, channel, Some(Told::Guardian(row.id))).await?;
            }
        }
    } else {
        tracing::warn!(notifications = due.len(), "the vault is locked: notifications stay in the app only");
    }
    txn.commit().await?;
    Ok(due.len())
}

/// What a pass needs to know about the notifications it dispatches, read once for all.
#[derive(Default)]
struct Found {
    channels: HashMap<(i64, String), Channel>,
    devices: HashMap<i64, Vec<String>>,
    phones: HashMap<i64, String>,
    names: HashMap<i64, String>,
    titles: HashMap<i64, String>,
    subjects: HashMap<i64, String>,
}

impl Found {
    async fn read(db: &impl ConnectionTrait, vault: &Vault, due: &[notification::Model]) -> Result<Self, DbErr> {
        let mut guardians: Vec<i64> = due.iter().map(|row| row.guardian_id).collect();
        guardians.sort_unstable();
        guardians.dedup();
        let mut found = Self { channels: channels::chosen(db, &guardians).await?, ..Self::default() };
        let devices = push_device::Entity::find()
            .filter(push_device::Column::GuardianId.is_in(guardians.iter().copied()))
            .order_by_asc(push_device::Column::Id)
            .all(db)
            .await?;
        let phones: Vec<(i64, Option<Vec<u8>>)> = guardian::Entity::find()
            .select_only()
            .columns([guardian::Column::Id, guardian::Column::PhoneEnc])
            .filter(guardian::Column::Id.is_in(guardians.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        let sealed =
            devices.iter().map(|device| &device.token_enc).chain(phones.iter().filter_map(|(_, p)| p.as_ref()));
        vault.preload(db, sealed.filter_map(|sealed| Vault::key_id_of(sealed))).await.map_err(custom)?;
        for device in devices {
            if let Some(token) = vault.open_field(channels::TABLE, channels::TOKEN, device.id, &device.token_enc) {
                found.devices.entry(device.guardian_id).or_default().push(token);
            }
        }
        for (id, phone) in phones {
            if let Some(phone) = phone.and_then(|phone| vault.open_field("guardian", "phone_enc", id, &phone)) {
                found.phones.insert(id, phone);
            }
        }
        let students = due.iter().map(|row| row.student_id);
        found.names = student::Entity::find()
            .select_only()
            .columns([student::Column::Id, student::Column::GivenName])
            .filter(student::Column::Id.is_in(students))
            .into_tuple()
            .all(db)
            .await?
            .into_iter()
            .collect();
        let notices = due.iter().filter_map(|row| row.notice_id);
        found.titles = notice::Entity::find()
            .select_only()
            .columns([notice::Column::Id, notice::Column::Title])
            .filter(notice::Column::Id.is_in(notices))
            .into_tuple()
            .all(db)
            .await?
            .into_iter()
            .collect();
        let sections = due.iter().filter_map(|row| row.section_id);
        found.subjects = section::Entity::find()
            .select_only()
            .column(section::Column::Id)
            .column(subject::Column::Name)
            .join(JoinType::InnerJoin, section::Relation::Subject.def())
            .filter(section::Column::Id.is_in(sections))
            .into_tuple()
            .all(db)
            .await?
            .into_iter()
            .collect();
        Ok(found)
    }

    /// Where `row` goes: each (channel, address) to queue.
    fn routes(&self, row: &notification::Model) -> Vec<(Channel, String)> {
        let kind = told::channel_kind(&row.kind).to_owned();
        let chosen = self.channels.get(&(row.guardian_id, kind)).copied().unwrap_or(Channel::Push);
        let devices = self.devices.get(&row.guardian_id).map(Vec::as_slice).unwrap_or_default();
        let phone = self.phones.get(&row.guardian_id);
        let push = || devices.iter().map(|token| (Channel::Push, token.clone())).collect::<Vec<_>>();
        let sms = || phone.map(|phone| vec![(Channel::Sms, phone.clone())]);
        match chosen {
            Channel::None => Vec::new(),
            Channel::Push if devices.is_empty() && row.urgent => sms().unwrap_or_default(),
            Channel::Push => push(),
            Channel::Sms if row.urgent => sms().unwrap_or_else(push),
            Channel::Sms => push(),
        }
    }

    /// What `row` says on a phone.
    fn text(&self, row: &notification::Model) -> String {
        let name = self.names.get(&row.student_id).map_or("", String::as_str);
        let title = row.notice_id.and_then(|notice| self.titles.get(&notice)).map_or("", String::as_str);
        match row.kind.as_str() {
            told::ABSENCE => wording::absence(name, row.date, row.session.as_deref(), row.period),
            told::NOTICE => wording::notice(title),
            told::NOTICE_REMINDER => wording::notice_reminder(title),
            told::MESSAGE => wording::message(name),
            _ => {
                let subject = row.section_id.and_then(|section| self.subjects.get(&section)).map_or("", String::as_str);
                wording::score(name, subject)
            }
        }
    }
}

fn custom(error: impl std::fmt::Display) -> DbErr {
    DbErr::Custom(error.to_string())
}

/// One message the outbox made of a notification, as the guardian may see it.
#[derive(Debug, Clone)]
pub struct NotificationSent {
    /// `push` or `sms`.
    pub channel: String,
    /// `pending`, `sending`, `sent` or `failed`.
    pub state: String,
    pub sent_at: Option<DateTime<Utc>>,
}

/// An outbox row's notification, channel, state and time sent.
type SentRow = (Option<i64>, String, String, Option<DateTime<Utc>>);

/// The messages made of each of `notifications` (already read through the privacy layer by
/// the caller), in the order they were queued: channel, state and when sent — never the
/// address or the body.
pub async fn sent_for_notifications(
    db: &impl ConnectionTrait,
    notifications: &[i64],
) -> Result<HashMap<i64, Vec<NotificationSent>>, DbErr> {
    let mut sent: HashMap<i64, Vec<NotificationSent>> = HashMap::new();
    if notifications.is_empty() {
        return Ok(sent);
    }
    let rows: Vec<SentRow> = outbox_message::Entity::find()
        .select_only()
        .columns([
            outbox_message::Column::NotificationId,
            outbox_message::Column::Channel,
            outbox_message::Column::State,
            outbox_message::Column::SentAt,
        ])
        .filter(outbox_message::Column::NotificationId.is_in(notifications.iter().copied()))
        .order_by_asc(outbox_message::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    for (notification, channel, state, sent_at) in rows {
        if let Some(notification) = notification {
            sent.entry(notification).or_default().push(NotificationSent { channel, state, sent_at });
        }
    }
    Ok(sent)
}
