//! Mutations that start and recover accounts: activation codes and sheets, the first
//! sign-in with a code, password changes and resets, and a school's reset of a guardian's
//! access.

use super::AuthPayload;
use crate::accounts::codes::Purpose;
use crate::accounts::recovery::{self, Redemption};
use crate::auth::ClientAddress;
use crate::error::{ApiError, ApiResult};
use crate::graphql::accounts::{self as work, AccessReset, ActivationCodes, DeliveryInput, Named};
use crate::graphql::context::{access, state};
use async_graphql::{Context, ID, Object};

/// Starting and recovering accounts.
#[derive(Default)]
pub struct AccountMutations;

fn address(ctx: &Context<'_>) -> ClientAddress {
    ctx.data_opt::<ClientAddress>().copied().unwrap_or(ClientAddress::UNKNOWN)
}

#[Object]
impl AccountMutations {
    /// Issues activation codes to staff, guardians or students who have no password yet:
    /// name `guardianIds`, `staffIds`, `studentIds` (students given an account with
    /// `enableStudentAccounts`) or a `classId` (every guardian in force of the class's
    /// students). A code has eight characters (`ABCD-EFGH`), works once, for 14 days, and
    /// replaces any earlier one. `delivery` `SHEET` returns a printable XLSX sheet with one
    /// slip per family for the homeroom teacher to hand out, `SMS` queues it to the phone on
    /// record, `SHOW` returns the codes in the answer, this once. For the school's principal
    /// and clerk (the policy's `account`/`write`); anyone named out of reach answers
    /// `FORBIDDEN` like a missing one and nothing is issued. People with a password already,
    /// who may not sign in, or (by SMS) without a phone are listed in `passedOver`.
    async fn issue_activation_codes(
        &self,
        ctx: &Context<'_>,
        #[graphql(validator(max_items = 100))] guardian_ids: Option<Vec<ID>>,
        #[graphql(validator(max_items = 100))] staff_ids: Option<Vec<ID>>,
        #[graphql(validator(max_items = 100))] student_ids: Option<Vec<ID>>,
        class_id: Option<ID>,
        delivery: DeliveryInput,
    ) -> ApiResult<ActivationCodes> {
        work::issue_activation_codes(ctx, Named { guardian_ids, staff_ids, student_ids, class_id }, delivery).await
    }

    /// Resets a guardian's access (a lost phone, a family that changed): the password is
    /// cleared, every session ends at once and any reset code is withdrawn; with
    /// `delivery`, a new activation code is issued. For the school's principal and clerk
    /// (`account`/`write`); a guardian out of reach answers `FORBIDDEN` like a missing one.
    async fn reset_guardian_access(
        &self,
        ctx: &Context<'_>,
        guardian_id: ID,
        delivery: Option<DeliveryInput>,
    ) -> ApiResult<AccessReset> {
        work::reset_guardian_access(ctx, &guardian_id, delivery).await
    }

    /// The first sign-in of an account with its activation code: sets the password and
    /// signs in. `identifier` is the username or phone number, as for `signIn`. A wrong,
    /// used, expired or replaced code and an unknown account answer `INVALID_CREDENTIALS`
    /// alike; attempts are throttled exactly like `signIn` (`THROTTLED`). The password needs
    /// at least 10 characters and may not be a common one, nor the username or phone
    /// (`BAD_USER_INPUT`; the code then still works).
    async fn activate_account(
        &self,
        ctx: &Context<'_>,
        identifier: String,
        code: String,
        new_password: String,
    ) -> ApiResult<AuthPayload> {
        let asked =
            Redemption { identifier: &identifier, code: &code, new_password: &new_password, address: address(ctx) };
        Ok(recovery::redeem(state(ctx)?, Purpose::Activation, asked).await?.into())
    }

    /// Asks for a code to reset a forgotten password, sent by SMS to the phone on record.
    /// Answers `true` whether or not the account exists or has a phone; throttled like
    /// `signIn`. The code works once, for 30 minutes, with `resetPassword`.
    async fn request_password_reset(&self, ctx: &Context<'_>, identifier: String) -> ApiResult<bool> {
        crate::accounts::reset::request(state(ctx)?, &identifier, address(ctx)).await?;
        Ok(true)
    }

    /// Sets a new password with a reset code and signs in; every other session of the
    /// account ends. Errors as for `activateAccount`.
    async fn reset_password(
        &self,
        ctx: &Context<'_>,
        identifier: String,
        code: String,
        new_password: String,
    ) -> ApiResult<AuthPayload> {
        let asked =
            Redemption { identifier: &identifier, code: &code, new_password: &new_password, address: address(ctx) };
        Ok(recovery::redeem(state(ctx)?, Purpose::Reset, asked).await?.into())
    }

    /// Changes the signed-in caller's password; every other session of the account ends,
    /// this one goes on. A wrong current password answers `INVALID_CREDENTIALS` and counts
    /// against the sign-in throttle; the new one follows the rules of `activateAccount`.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        current_password: String,
        new_password: String,
    ) -> ApiResult<bool> {
        let principal = access(ctx)?.principal();
        let account = principal.account.ok_or(ApiError::Unauthenticated)?;
        let session = principal.session_id.ok_or(ApiError::Unauthenticated)?;
        recovery::change(state(ctx)?, (account, session), &current_password, &new_password, address(ctx)).await?;
        Ok(true)
    }
}
