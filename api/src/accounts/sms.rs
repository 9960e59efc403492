//! Codes sent by SMS: the Vietnamese text of each message, queued through the outbox in
//! the transaction that issued the code (so a code is sent only if it was stored, and
//! stored only with its message).

use super::issue::Slip;
use crate::outbox::{self, OutgoingMessage, Purpose};
use crate::vault::Vault;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};

/// Queues the activation code of each of `slips` to its holder's phone, sent by `school`.
pub async fn queue_activation(
    db: &impl ConnectionTrait,
    vault: &Vault,
    school: i64,
    slips: &[Slip],
) -> Result<(), DbErr> {
    for slip in slips {
        let Some(phone) = slip.holder.phone.clone() else { continue };
        let sign_in = slip.holder.sign_in_with().unwrap_or(phone.as_str()).to_owned();
        let body = format!(
            "EMIS: ma kich hoat tai khoan {sign_in} la {}, dung mot lan, het han {}. Khong dua ma nay cho ai.",
            slip.code,
            vietnam_time(slip.expires_at)
        );
        let message = OutgoingMessage {
            school_id: school,
            to: slip.holder.account,
            phone,
            purpose: Purpose::ActivationCode,
            body,
        };
        outbox::enqueue(db, vault, message).await?;
    }
    Ok(())
}

/// Queues a reset code to `phone` of `to`, sent by `school`.
pub async fn queue_reset(
    db: &impl ConnectionTrait,
    vault: &Vault,
    (school, to, phone): (i64, crate::auth::Account, String),
    code: &str,
    expires_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let body = format!(
        "EMIS: ma dat lai mat khau la {code}, dung mot lan, het han {}. Neu ban khong yeu cau, hay bo qua tin nay.",
        vietnam_time(expires_at)
    );
    let message = OutgoingMessage { school_id: school, to, phone, purpose: Purpose::ResetCode, body };
    outbox::enqueue(db, vault, message).await?;
    Ok(())
}

/// `HH:MM DD/MM/YYYY` in Vietnam's time.
fn vietnam_time(at: DateTime<Utc>) -> String {
    crate::clock::format_in_vietnam(at, "%H:%M %d/%m/%Y")
}
