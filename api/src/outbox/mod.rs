//! The outbox: messages to people's phones are queued in the `outbox_message` table — codes in
//! the transaction of the change that causes them ([`enqueue`]), guardians' notifications by
//! a pass that decides once how each reaches the family ([`dispatch_due`]: push, SMS or
//! nothing, by the family's [`channels`] and whether the school marked it urgent), staff
//! notifications by push in the staff member's hours ([`dispatch_staff_due`]) — and a
//! background worker sends them through pluggable senders (an SMS gateway, a push gateway,
//! or the log), retrying temporary failures with backoff. Addresses (phones, device tokens)
//! and bodies are sealed under the recipient's data key; logs name a message by id, channel,
//! purpose and recipient id only.

mod channels;
mod delivery;
mod dispatch;
mod http_sender;
mod log_sender;
mod queue;
mod quiet;
mod sender;
mod settings;
mod staff_dispatch;
mod wording;
mod worker;

pub use channels::{Channel, DEVICES_PER_PERSON, PLATFORMS, choose, chosen, register, unregister};
pub use delivery::{BATCH, PassReport, Senders, deliver_due};
pub use dispatch::{DISPATCH_BATCH, NotificationSent, dispatch_due, sent_for_notifications};
pub use http_sender::{HttpSender, encrypted_or_local};
pub use log_sender::LogSender;
pub use queue::{Told, enqueue, enqueue_by};
pub use quiet::{QuietHours, parse as quiet_hours};
pub use sender::{Delivery, SendError, Sender};
pub use settings::{Hidden, Settings, hidden};
pub use staff_dispatch::dispatch_staff_due;
pub use worker::{Outbox, Pass, Worker};

use crate::auth::Account;

/// Why a message is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A code to activate a new account.
    ActivationCode,
    /// A code to reset a forgotten password.
    ResetCode,
    /// A guardian told of a child's unexcused absence.
    AbsenceNotice,
    /// A guardian told that a school linked a newly admitted child to their account.
    ChildLinked,
    /// A guardian told of a notice published for their child, or a staff member of one to
    /// the staff.
    Notice,
    /// A guardian reminded of a notice still unread or unanswered.
    NoticeReminder,
    /// A member of a conversation about a child told of a new message in it.
    Message,
    /// A guardian told of scores recorded for their child.
    Score,
    /// A privacy officer told that a vendor's read was refused at a sharing agreement's cap.
    SharingCap,
}

impl Purpose {
    /// The value stored in `outbox_message.purpose`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ActivationCode => "activation_code",
            Self::ResetCode => "reset_code",
            Self::AbsenceNotice => "absence_notice",
            Self::ChildLinked => "child_linked",
            Self::Notice => "notice",
            Self::NoticeReminder => "notice_reminder",
            Self::Message => "message",
            Self::Score => "score",
            Self::SharingCap => "sharing_cap",
        }
    }

    /// The purpose stored as `value`, if it is one.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == value)
    }

    /// Every purpose.
    pub const ALL: [Self; 9] = [
        Self::ActivationCode,
        Self::ResetCode,
        Self::AbsenceNotice,
        Self::ChildLinked,
        Self::Notice,
        Self::NoticeReminder,
        Self::Message,
        Self::Score,
        Self::SharingCap,
    ];

    /// The purpose of telling a guardian of a notification of `kind` ([`crate::books::told`]).
    pub fn of_notification(kind: &str) -> Option<Self> {
        use crate::books::told;
        Some(match kind {
            told::ABSENCE => Self::AbsenceNotice,
            told::NOTICE => Self::Notice,
            told::NOTICE_REMINDER => Self::NoticeReminder,
            told::MESSAGE => Self::Message,
            told::SCORE => Self::Score,
            _ => return None,
        })
    }
}

/// Where a message is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Waiting until `next_attempt_at`.
    Pending,
    /// Claimed by a worker until `next_attempt_at` (its lease).
    Sending,
    /// Accepted by the gateway.
    Sent,
    /// Given up on: refused by the gateway, or out of attempts.
    Failed,
}

impl State {
    /// The value stored in `outbox_message.state`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }

    /// The state stored as `value`, if it is one.
    pub fn parse(value: &str) -> Option<Self> {
        [Self::Pending, Self::Sending, Self::Sent, Self::Failed].into_iter().find(|s| s.as_str() == value)
    }
}

/// A message to queue: who sends it, to whom, at which phone, why, and what it says.
#[derive(Clone)]
pub struct OutgoingMessage {
    /// The sending school.
    pub school_id: i64,
    /// The recipient's account.
    pub to: Account,
    /// The destination phone number.
    pub phone: String,
    pub purpose: Purpose,
    /// The text; it may carry a code, so it is sealed and never logged.
    pub body: String,
}

impl std::fmt::Debug for OutgoingMessage {
    /// Leaves the phone and the body out, so a stray `{:?}` logs nothing secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutgoingMessage")
            .field("school_id", &self.school_id)
            .field("to", &self.to)
            .field("purpose", &self.purpose)
            .finish_non_exhaustive()
    }
}
