//! `outbox_message`: a message to a person (an activation code, a reset code, an absence
//! notice) waiting to be sent, being sent, sent or given up on. The phone and the body are
//! sealed under the recipient's data key; nothing else in the row is secret.

use sea_orm::entity::prelude::*;

/// One message. `recipient_kind` is `staff`, `guardian` or `student` and `recipient_id` the
/// id of that row, so there is no foreign key to the person; `purpose` is `activation_code`,
/// `reset_code` or `absence_notice`; `state` is `pending`, `sending`, `sent` or `failed`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox_message")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The sending school.
    pub school_id: i64,
    pub recipient_kind: String,
    pub recipient_id: i64,
    pub purpose: String,
    pub phone_enc: Vec<u8>,
    pub body_enc: Vec<u8>,
    pub state: String,
    pub attempts: i32,
    /// When a pending message is due, or when the lease of a sending one ends.
    pub next_attempt_at: DateTimeUtc,
    /// A short classified reason for the last failure, never the phone or the body.
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    /// `sms` (to a phone number) or `push` (to a device token, sealed in `phone_enc`).
    pub channel: String,
    /// The notification this message tells of, if it is one.
    pub notification_id: Option<i64>,
    /// The staff notification this message tells of, if it is one.
    pub staff_notification_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
