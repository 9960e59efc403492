//! The delivery state of a school's messages (activation and reset codes, absence notices),
//! for the school's principal and clerk: purpose, recipient, state, attempts, times and the
//! last failure's classified reason — never the phone or the text, which stay sealed. A
//! school the caller may not read the messages of answers like a school that does not exist.

use super::context::{access, database};
use super::ids;
use crate::error::{ApiError, ApiResult};
use crate::outbox::State;
use crate::privacy::readers;
use async_graphql::{Context, ID, SimpleObject};
use chrono::{DateTime, Utc};
use emis_authz::{Action, Kind};
use entity::{org, outbox_message};
use sea_orm::{ColumnTrait as _, Condition, Order};

/// A message the school sent, as far as its delivery goes.
#[derive(SimpleObject)]
pub struct OutboxMessage {
    /// The message's id.
    pub id: ID,
    /// activation_code | reset_code | absence_notice | child_linked | notice | notice_reminder
    /// | message | score
    pub purpose: String,
    /// sms | push
    pub channel: String,
    /// staff | guardian | student
    pub recipient_kind: String,
    /// The global id of the recipient (`Staff:…`, `Guardian:…`, `Student:…`).
    pub recipient_id: ID,
    /// pending | sending | sent | failed
    pub state: String,
    /// Attempts made so far.
    pub attempts: i32,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// When the gateway accepted it; null until then.
    pub sent_at: Option<DateTime<Utc>>,
    /// When it will be tried next (pending), or when its current attempt's lease ends (sending).
    pub next_attempt_at: DateTime<Utc>,
    /// Why the last attempt failed: `http_503`, `timeout`, `connect`, `unreadable`, … (never
    /// the message itself).
    pub last_error: Option<String>,
}

impl From<outbox_message::Model> for OutboxMessage {
    fn from(row: outbox_message::Model) -> Self {
        let recipient_id = ids::actor(&row.recipient_kind, row.recipient_id)
            .unwrap_or_else(|| ids::encode("Student", row.recipient_id));
        Self {
            id: ids::encode("OutboxMessage", row.id),
            purpose: row.purpose,
            channel: row.channel,
            recipient_id,
            recipient_kind: row.recipient_kind,
            state: row.state,
            attempts: row.attempts,
            created_at: row.created_at,
            sent_at: row.sent_at,
            next_attempt_at: row.next_attempt_at,
            last_error: row.last_error,
        }
    }
}

/// The newest `first` messages of `school` (in `wanted` state, if given); `None` when the
/// school does not exist or the caller may not read its messages.
pub async fn of_school(
    ctx: &Context<'_>,
    school: &ID,
    wanted: Option<&str>,
    first: u64,
) -> ApiResult<Option<Vec<OutboxMessage>>> {
    let wanted = match wanted.map(|text| State::parse(text).ok_or(text)) {
        None => None,
        Some(Ok(state)) => Some(state),
        Some(Err(text)) => {
            return Err(ApiError::BadInput {
                vi: format!("trạng thái \"{text}\" không hợp lệ (pending, sending, sent, failed)"),
                en: format!("unknown state \"{text}\" (pending, sending, sent, failed)"),
            });
        }
    };
    let Some(school) = ids::decode_as("School", school) else { return Ok(None) };
    let (access, db) = (access(ctx)?, database(ctx)?);
    let which = Condition::all().add(org::Column::Id.eq(school)).add(org::Column::Kind.eq("school"));
    if access.reachable(db, &readers::SCHOOL, Kind::Outbox, Action::Read, which).await?.is_none() {
        return Ok(None);
    }
    let mut messages = access
        .read(&readers::OUTBOX)
        .narrow(outbox_message::Column::SchoolId, |column| column.eq(school))
        .order_by(outbox_message::Column::Id, Order::Desc)
        .limit(first);
    if let Some(wanted) = wanted {
        messages = messages.narrow(outbox_message::Column::State, |column| column.eq(wanted.as_str()));
    }
    Ok(Some(messages.all(db).await?.into_iter().map(OutboxMessage::from).collect()))
}
