//! One pass of delivery: claim the messages due (safe with several API instances: each claim
//! is an UPDATE guarded by the attempt count it read, so only one instance wins a message),
//! open them, send them, and record the outcome — sent, retried later with backoff, or failed.
//! A message left `sending` by a killed worker is claimed again once its lease has passed.

use super::queue::{BODY, PHONE, TABLE};
use super::sender::{Delivery, SendError, Sender};
use super::settings::Settings;
use super::{Channel, Purpose, State};
use crate::vault::Vault;
use chrono::{DateTime, Utc};
use entity::outbox_message::{self, Column};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait as _, ConnectionTrait, DbErr, EntityTrait as _, QueryFilter as _, QueryOrder as _, QuerySelect as _,
};

/// Most messages claimed in one pass.
pub const BATCH: u64 = 20;

/// What became of the messages of one pass.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PassReport {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

impl PassReport {
    /// Messages handled.
    pub fn handled(self) -> usize {
        self.sent + self.retried + self.failed
    }
}

/// The sender of each channel.
#[derive(Clone, Copy)]
pub struct Senders<'a> {
    pub sms: &'a dyn Sender,
    pub push: &'a dyn Sender,
}

impl<'a, S: Sender> From<&'a S> for Senders<'a> {
    /// One sender for both channels.
    fn from(sender: &'a S) -> Self {
        Self { sms: sender, push: sender }
    }
}

/// Sends the messages due at `now` through `senders`.
pub async fn deliver_due(
    db: &impl ConnectionTrait,
    vault: &Vault,
    senders: impl Into<Senders<'_>>,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<PassReport, DbErr> {
    let senders = senders.into();
    let live = [State::Pending.as_str(), State::Sending.as_str()];
    let due = outbox_message::Entity::find()
        .filter(Column::State.is_in(live))
        .filter(Column::NextAttemptAt.lte(now))
        .order_by_asc(Column::NextAttemptAt)
        .order_by_asc(Column::Id)
        .limit(BATCH)
        .all(db)
        .await?;
    let mut report = PassReport::default();
    for row in due {
        if row.attempts >= settings.max_attempts {
            // Only a message whose worker died mid-attempt gets here: its lease has passed.
            if give_up(db, &row, now).await? {
                report.failed += 1;
            }
            continue;
        }
        let attempt = row.attempts + 1;
        let claimed = outbox_message::Entity::update_many()
            .col_expr(Column::State, Expr::value(State::Sending.as_str()))
            .col_expr(Column::Attempts, Expr::value(attempt))
            .col_expr(Column::NextAttemptAt, Expr::value(now + settings.lease()))
            .filter(Column::Id.eq(row.id))
            .filter(Column::Attempts.eq(row.attempts))
            .filter(Column::State.is_in(live))
            .filter(Column::NextAttemptAt.lte(now))
            .exec(db)
            .await?
            .rows_affected
            == 1;
        if !claimed {
            continue; // another instance took it
        }
        let outcome = match open(db, vault, &row).await? {
            Some(delivery) => {
                let sender = if delivery.channel == Channel::Push { senders.push } else { senders.sms };
                send(sender, &delivery, settings).await
            }
            None => Err(SendError::Permanent("unreadable".to_owned())),
        };
        let state = record(db, &row, attempt, outcome, settings, now).await?;
        match state {
            Some(State::Sent) => report.sent += 1,
            Some(State::Pending) => report.retried += 1,
            Some(State::Failed) => report.failed += 1,
            Some(State::Sending) | None => {}
        }
    }
    Ok(report)
}

/// The message opened for its sender; `None` when it no longer opens (the recipient's key
/// was destroyed, or the purpose is unknown).
async fn open(
    db: &impl ConnectionTrait,
    vault: &Vault,
    row: &outbox_message::Model,
) -> Result<Option<Delivery>, DbErr> {
    let Some(purpose) = Purpose::parse(&row.purpose) else { return Ok(None) };
    let Some(channel) = Channel::parse(&row.channel).filter(|channel| *channel != Channel::None) else {
        return Ok(None);
    };
    let keys = [&row.phone_enc, &row.body_enc].into_iter().filter_map(|sealed| Vault::key_id_of(sealed));
    if let Err(error) = vault.preload(db, keys).await {
        tracing::warn!(message_id = row.id, %error, "cannot load the key of a message");
        return Ok(None);
    }
    let phone = vault.open_field(TABLE, PHONE, row.id, &row.phone_enc);
    let body = vault.open_field(TABLE, BODY, row.id, &row.body_enc);
    Ok(phone.zip(body).map(|(phone, body)| Delivery {
        message_id: row.id,
        channel,
        purpose,
        recipient_kind: row.recipient_kind.clone(),
        recipient_id: row.recipient_id,
        phone,
        body,
    }))
}

/// One attempt, bounded by nothing longer than the sender's own timeout.
async fn send(sender: &dyn Sender, delivery: &Delivery, settings: &Settings) -> Result<(), SendError> {
    let limit = std::time::Duration::from_millis(settings.lease_ms / 2);
    match tokio::time::timeout(limit, sender.send(delivery)).await {
        Ok(outcome) => outcome,
        Err(_) => Err(SendError::Temporary("timeout".to_owned())),
    }
}

/// Records the outcome of attempt `attempt` of `row`, if the message is still this worker's
/// (its lease has not passed to another); returns the state written.
async fn record(
    db: &impl ConnectionTrait,
    row: &outbox_message::Model,
    attempt: i32,
    outcome: Result<(), SendError>,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<Option<State>, DbErr> {
    let finished = Utc::now().max(now);
    let update = outbox_message::Entity::update_many()
        .filter(Column::Id.eq(row.id))
        .filter(Column::Attempts.eq(attempt))
        .filter(Column::State.eq(State::Sending.as_str()));
    let (state, update) = match &outcome {
        Ok(()) => (
            State::Sent,
            update
                .col_expr(Column::SentAt, Expr::value(finished))
                .col_expr(Column::LastError, Expr::value(None::<String>)),
        ),
        Err(SendError::Temporary(reason)) if attempt < settings.max_attempts => {
            let next = finished + settings.backoff(attempt, rand::random::<f64>());
            let update = update.col_expr(Column::NextAttemptAt, Expr::value(next));
            (State::Pending, update.col_expr(Column::LastError, Expr::value(reason.clone())))
        }
        Err(SendError::Temporary(reason) | SendError::Permanent(reason)) => {
            (State::Failed, update.col_expr(Column::LastError, Expr::value(reason.clone())))
        }
    };
    let written = update.col_expr(Column::State, Expr::value(state.as_str())).exec(db).await?.rows_affected == 1;
    let purpose = row.purpose.as_str();
    let channel = row.channel.as_str();
    let (kind, recipient) = (row.recipient_kind.as_str(), row.recipient_id);
    if !written {
        tracing::warn!(
            message_id = row.id,
            purpose,
            "a message's lease passed to another worker before it was recorded"
        );
        return Ok(None);
    }
    match (&outcome, state) {
        (Ok(()), _) => tracing::info!(
            message_id = row.id,
            channel,
            purpose,
            recipient_kind = kind,
            recipient_id = recipient,
            attempt,
            "a message was sent"
        ),
        (Err(error), State::Pending) => tracing::warn!(message_id = row.id, channel, purpose, recipient_kind = kind,
            recipient_id = recipient, attempt, %error, "a message was not sent; it will be tried again"),
        (Err(error), _) => tracing::error!(message_id = row.id, channel, purpose, recipient_kind = kind,
            recipient_id = recipient, attempt, %error, "a message was given up"),
    }
    Ok(Some(state))
}

/// Marks as failed a message with no attempts left: its last attempt's worker died (or the
/// number of attempts allowed was lowered).
async fn give_up(db: &impl ConnectionTrait, row: &outbox_message::Model, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let given_up = outbox_message::Entity::update_many()
        .col_expr(Column::State, Expr::value(State::Failed.as_str()))
        .col_expr(Column::LastError, Expr::value("lease_expired"))
        .filter(Column::Id.eq(row.id))
        .filter(Column::Attempts.eq(row.attempts))
        .filter(Column::State.is_in([State::Pending.as_str(), State::Sending.as_str()]))
        .filter(Column::NextAttemptAt.lte(now))
        .exec(db)
        .await?
        .rows_affected
        == 1;
    if given_up {
        tracing::error!(
            message_id = row.id,
            purpose = row.purpose.as_str(),
            recipient_id = row.recipient_id,
            "a message was given up: its last attempt's worker stopped"
        );
    }
    Ok(given_up)
}
