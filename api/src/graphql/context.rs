//! What a resolver finds in the GraphQL context: the shared state, and the request's
//! [`Access`] (principal + policy snapshot) and loaders.

use crate::error::ApiError;
use crate::privacy::Access;
use crate::state::AppState;
use async_graphql::Context;
use std::sync::Arc;

/// The request's access; every resolver that reads data starts here.
pub fn access<'a>(ctx: &Context<'a>) -> Result<&'a Arc<Access>, ApiError> {
    ctx.data::<Arc<Access>>().map_err(|_| ApiError::internal("no access in the request context"))
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
