//! The audit of accounts: one `account_event` row per step — who acted, when, on which
//! account, what, and a short detail (a code's purpose and delivery, why an attempt was
//! refused). Codes and passwords never enter it.

use crate::auth::Account;
use chrono::{DateTime, Utc};
use entity::account_event;
use sea_orm::{ActiveModelTrait as _, ActiveValue::Set, ConnectionTrait, DbErr};

/// What happened to an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    CodeIssued,
    Activated,
    PasswordChanged,
    ResetRequested,
    ResetDone,
    AccessReset,
    Refused,
}

impl Event {
    /// As stored in `account_event.event`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CodeIssued => "code_issued",
            Self::Activated => "activated",
            Self::PasswordChanged => "password_changed",
            Self::ResetRequested => "reset_requested",
            Self::ResetDone => "reset_done",
            Self::AccessReset => "access_reset",
            Self::Refused => "refused",
        }
    }
}

/// Records that `event` happened to `account` at `now`, done by `actor` (`None`: its owner
/// without a session), with `detail`.
pub async fn record(
    db: &impl ConnectionTrait,
    account: Account,
    event: Event,
    detail: Option<&str>,
    actor: Option<Account>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    account_event::ActiveModel {
        account_kind: Set(account.kind().to_owned()),
        account_id: Set(account.id()),
        event: Set(event.as_str().to_owned()),
        detail: Set(detail.map(str::to_owned)),
        actor_kind: Set(actor.map(|actor| actor.kind().to_owned())),
        actor_id: Set(actor.map(Account::id)),
        at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
