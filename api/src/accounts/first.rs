//! The first account of a school, started on the server itself: the operator prints an
//! activation code for a staff member (the principal, named by their exchange identifier)
//! with `emis activation-code`, since no one can sign in yet to issue it. The step is
//! recorded like any other, with no account as its actor.

use super::holders;
use super::issue::{self, Delivery};
use crate::auth::Account;
use crate::vault::Vault;
use chrono::{DateTime, Utc};
use entity::staff;
use sea_orm::{ColumnTrait as _, DatabaseConnection, EntityTrait as _, QueryFilter as _, TransactionTrait as _};

/// What the command prints: the code and when it expires, or why there is none.
pub enum FirstCode {
    Issued {
        code: String,
        sign_in_with: String,
        expires_at: DateTime<Utc>,
    },
    NoSuchStaff,
    /// The account has a password, or may not sign in.
    NotNeeded,
}

/// Issues an activation code to the staff member `external_id`.
pub async fn staff_code(db: &DatabaseConnection, vault: &Vault, external_id: &str) -> anyhow::Result<FirstCode> {
    let Some(row) = staff::Entity::find().filter(staff::Column::ExternalId.eq(external_id)).one(db).await? else {
        return Ok(FirstCode::NoSuchStaff);
    };
    let holders = holders::load(db, vault, &[Account::Staff(row.id)]).await?;
    let txn = db.begin().await?;
    let issued = issue::activation_codes(&txn, vault, holders, &[], (None, Delivery::Show), Utc::now())
        .await
        .map_err(|error| anyhow::anyhow!(error.message()))?;
    txn.commit().await?;
    Ok(match issued.slips.into_iter().next() {
        Some(slip) => FirstCode::Issued {
            sign_in_with: slip.holder.sign_in_with().unwrap_or_default().to_owned(),
            code: slip.code,
            expires_at: slip.expires_at,
        },
        None => FirstCode::NotNeeded,
    })
}
