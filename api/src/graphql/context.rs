//! What a resolver finds in the GraphQL context: the shared state, and the request's
//! [`Access`] (principal + policy snapshot) and loaders; and where it notes what the
//! response shows for the disclosure log ([`shown`]).

use crate::error::ApiError;
use crate::privacy::Access;
use crate::state::AppState;
use async_graphql::Context;
use std::sync::Arc;

/// The request's access; every resolver that reads data starts here.
pub fn access<'a>(ctx: &Context<'a>) -> Result<&'a Arc<Access>, ApiError> {
    ctx.data::<Arc<Access>>().map_err(|_| ApiError::internal("no access in the request context"))
}

/// The connection the request reads and writes through: the one its [`Access`] chose (a
/// replica for a query, when one is fresh enough; the primary otherwise), or the primary
/// where there is no access (a subscription's items).
pub fn database<'a>(ctx: &Context<'a>) -> Result<&'a sea_orm::DatabaseConnection, ApiError> {
    match ctx.data::<Arc<Access>>() {
        Ok(access) => Ok(access.db()),
        Err(_) => Ok(&state(ctx)?.db),
    }
}

/// The shared application state.
pub fn state<'a>(ctx: &Context<'a>) -> Result<&'a Arc<AppState>, ApiError> {
    ctx.data::<Arc<AppState>>().map_err(|_| ApiError::internal("no state in the schema"))
}

/// The request's access, refusing anonymous callers (people signed in and vendors' clients
/// pass).
pub fn signed_in<'a>(ctx: &Context<'a>) -> Result<&'a Arc<Access>, ApiError> {
    let access = access(ctx)?;
    if !access.principal().signed_in() {
        return Err(ApiError::Unauthenticated);
    }
    Ok(access)
}

/// Notes, for the disclosure log, that the response shows `kind` of `student` (of `school`):
/// a field the resolver returns (a leave request's reason, a roll-call note, a conduct
/// rating). The caller's own children and the student themselves are not logged.
pub fn shown(ctx: &Context<'_>, student: i64, school: i64, kind: emis_authz::Kind) {
    if let (Ok(access), Ok(disclosures)) = (access(ctx), ctx.data::<Arc<crate::disclosure::Disclosures>>()) {
        disclosures.note(access.principal(), student, school, kind.as_str());
    }
}
