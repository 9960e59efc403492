//! Queuing a message: one row in `outbox_message`, written on the caller's connection (so in
//! the caller's transaction), with the address (a phone, or a device token for push) and the
//! body sealed under the recipient's data key — erasing the person (destroying the key)
//! erases their messages too.

use super::{Channel, OutgoingMessage, State};
use crate::vault::Vault;
use chrono::Utc;
use entity::outbox_message;
use sea_orm::{ActiveModelTrait as _, ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait as _};

/// The table the sealed columns belong to (bound into each ciphertext).
pub(super) const TABLE: &str = "outbox_message";
/// The sealed phone column.
pub(super) const PHONE: &str = "phone_enc";
/// The sealed body column.
pub(super) const BODY: &str = "body_enc";

/// The notification a queued message tells of.
#[derive(Debug, Clone, Copy)]
pub enum Told {
    /// A guardian's `notification`.
    Guardian(i64),
    /// A staff member's `staff_notification`.
    Staff(i64),
}

/// Queues `message` by SMS in the caller's transaction; returns the message id.
pub async fn enqueue(db: &impl ConnectionTrait, vault: &Vault, message: OutgoingMessage) -> Result<i64, DbErr> {
    enqueue_by(db, vault, message, Channel::Sms, None).await
}

/// Queues `message` by `channel` (its `phone` is then the device token for push), telling of
/// the notification `told` if it does; returns the message id.
pub async fn enqueue_by(
    db: &impl ConnectionTrait,
    vault: &Vault,
    message: OutgoingMessage,
    channel: Channel,
    told: Option<Told>,
) -> Result<i64, DbErr> {
    let scope = format!("{}:{}", message.to.kind(), message.to.id());
    let key_id = vault.key_of_scope(db, &scope).await.map_err(|error| DbErr::Custom(error.to_string()))?;
    let now = Utc::now();
    // The ciphertexts are bound to the row id, so the row is written first and sealed after,
    // both on the caller's connection. In a transaction nobody sees the row before it commits;
    // outside one, the row is not due until it is sealed, so no worker claims it half-written.
    let row = outbox_message::ActiveModel {
        school_id: Set(message.school_id),
        recipient_kind: Set(message.to.kind().to_owned()),
        recipient_id: Set(message.to.id()),
        purpose: Set(message.purpose.as_str().to_owned()),
        phone_enc: Set(Vec::new()),
        body_enc: Set(Vec::new()),
        state: Set(State::Pending.as_str().to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now + chrono::Duration::days(365)),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        channel: Set(channel.as_str().to_owned()),
        notification_id: Set(match told {
            Some(Told::Guardian(id)) => Some(id),
            _ => None,
        }),
        staff_notification_id: Set(match told {
            Some(Told::Staff(id)) => Some(id),
            _ => None,
        }),
        ..Default::default()
    };
    let id = outbox_message::Entity::insert(row).exec(db).await?.last_insert_id;
    let seal = |column: &str, text: &str| {
        vault.seal_with(key_id, TABLE, column, id, text).map_err(|error| DbErr::Custom(error.to_string()))
    };
    let sealed = outbox_message::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(id),
        phone_enc: Set(seal(PHONE, &message.phone)?),
        body_enc: Set(seal(BODY, &message.body)?),
        next_attempt_at: Set(now),
        ..Default::default()
    };
    sealed.update(db).await?;
    tracing::debug!(
        message_id = id,
        channel = channel.as_str(),
        purpose = message.purpose.as_str(),
        recipient_kind = message.to.kind(),
        recipient_id = message.to.id(),
        "a message was queued"
    );
    Ok(id)
}
