//! Issuing activation codes to holders the caller was allowed to act on: one new code per
//! holder without a password (replacing any earlier one), recorded in the audit, and handed
//! out as the caller chose — on a printable sheet, by SMS through the outbox, or shown once
//! in the answer. Holders who already have a password, who may not sign in, or (by SMS)
//! who have no phone on record are passed over and named.

use super::codes::{self, Purpose};
use super::events::{self, Event};
use super::families::Family;
use super::holders::Holder;
use crate::auth::Account;
use crate::error::ApiError;
use crate::vault::Vault;
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

/// How codes reach their holders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// A printable sheet, one slip per family, for the homeroom teacher to hand out.
    Sheet,
    /// An SMS to the phone on record, through the outbox.
    Sms,
    /// Shown once in the answer, for the clerk to pass on in person.
    Show,
}

impl Delivery {
    fn as_str(self) -> &'static str {
        match self {
            Self::Sheet => "sheet",
            Self::Sms => "sms",
            Self::Show => "show",
        }
    }
}

/// Why a holder got no code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassedOver {
    /// The account has a password already.
    HasPassword,
    /// The account may not sign in (left, disabled).
    Inactive,
    /// The code was to go by SMS and no phone number is on record.
    NoPhone,
}

/// One holder's new code, with the family a slip lists.
#[derive(Debug, Clone)]
pub struct Slip {
    pub holder: Holder,
    pub family: Option<Family>,
    pub code: String,
    pub expires_at: DateTime<Utc>,
}

/// What issuing did.
#[derive(Debug, Default)]
pub struct Issued {
    pub slips: Vec<Slip>,
    pub passed_over: Vec<(Account, PassedOver)>,
}

/// Issues activation codes to `holders` (with their `families`) in `db` (a transaction),
/// as `by` (`None`: the operator, on the server), to be delivered by `delivery`. [`ApiError::Unavailable`] while the vault is locked (nothing issued).
pub async fn activation_codes<C: ConnectionTrait>(
    db: &C,
    vault: &Vault,
    holders: Vec<Holder>,
    families: &[Family],
    (by, delivery): (Option<Account>, Delivery),
    now: DateTime<Utc>,
) -> Result<Issued, ApiError> {
    let mut issued = Issued::default();
    for holder in holders {
        let passed_over = if holder.has_password {
            Some(PassedOver::HasPassword)
        } else if !holder.active {
            Some(PassedOver::Inactive)
        } else if delivery == Delivery::Sms && holder.phone.is_none() {
            Some(PassedOver::NoPhone)
        } else {
            None
        };
        if let Some(why) = passed_over {
            issued.passed_over.push((holder.account, why));
            continue;
        }
        let code = codes::generate();
        let key = (holder.account, Purpose::Activation);
        let expires_at = codes::store(db, vault, key, &code, by, now).await?.ok_or(ApiError::Unavailable)?;
        let detail = format!("activation by {}", delivery.as_str());
        events::record(db, holder.account, Event::CodeIssued, Some(&detail), by, now).await?;
        let family = families.iter().find(|family| Account::Guardian(family.guardian) == holder.account).cloned();
        issued.slips.push(Slip { holder, family, code, expires_at });
    }
    Ok(issued)
}
