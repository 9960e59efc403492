//! What every request of a vendor's client passes, on the GraphQL API and the REST binding
//! alike: before it runs, the client's requests a minute and whether its agreements are all
//! blocked for the day; after it ran and before anything is sent, the daily cap on the
//! students it would show (`cap.rs`).

use super::cap;
use crate::auth::Principal;
use crate::disclosure::Disclosed;
use crate::error::ApiError;
use crate::state::AppState;
use chrono::Utc;
use std::time::Instant;

/// Whether the request of `principal` may run (people's always may).
pub fn before(state: &AppState, principal: &Principal) -> Result<(), ApiError> {
    let Some(vendor) = &principal.vendor else { return Ok(()) };
    if let Err(wait) = state.vendor_rate.admit(vendor.client, Instant::now()) {
        return Err(ApiError::VendorLimited { retry_after_secs: wait.as_secs().max(1) });
    }
    if vendor.shares.is_empty() && !vendor.blocked.is_empty() {
        return Err(ApiError::SharingCapReached);
    }
    Ok(())
}

/// Whether what the request would show (`shown`) may be sent: refused, with nothing shown,
/// when it would take one of the vendor's agreements past its daily cap.
pub async fn after(state: &AppState, principal: &Principal, shown: &[Disclosed]) -> Result<(), ApiError> {
    let Some(vendor) = &principal.vendor else { return Ok(()) };
    match cap::count(&state.db, vendor, shown, state.config.sharing.daily_student_cap, Utc::now()).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_)) => Err(ApiError::SharingCapReached),
        Err(error) => Err(ApiError::from(error)),
    }
}
