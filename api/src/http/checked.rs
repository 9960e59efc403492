//! What a well-formed GraphQL-over-HTTP request must pass before anything runs, even before
//! its token is looked at: its document parses; over GET, the operation it runs is a query
//! (a mutation or subscription is refused with 405 and does not run); a subscription asks for
//! the WebSocket; every non-null variable without a default has a value. A request that
//! passes keeps what is needed to put its result's fields back in the query's order.

use super::reply::{Refusal, RequestError};
use crate::error::ApiError;
use crate::graphql::field_order::ResultOrder;
use crate::graphql::operation;
use async_graphql::parser::types::OperationType;

/// A request that may run, and the order of its result.
pub struct Checked {
    pub request: async_graphql::Request,
    pub order: ResultOrder,
}

/// Checks `request` (parsed already when the document cache had it), which came by a safe
/// method (GET) when `safe_method`.
pub fn check(mut request: async_graphql::Request, safe_method: bool) -> Result<Checked, Refusal> {
    let order = ResultOrder::of(&mut request).map_err(Refusal::parse_failed)?;
    // An operation that cannot be chosen runs nowhere: the schema reports it.
    if let Some(operation) = order.operation() {
        if safe_method && !operation::is_query(operation) {
            let error = ApiError::MethodNotAllowed.without_location();
            return Err(Refusal::new(RequestError::NotSafe, error));
        }
        if operation.ty == OperationType::Subscription {
            let error = ApiError::BadRequest {
                vi: "đăng ký (subscription) chỉ chạy qua WebSocket ở /graphql/ws".to_owned(),
                en: "subscriptions run only over the WebSocket at /graphql/ws".to_owned(),
            };
            return Err(Refusal::new(RequestError::Invalid, error.without_location()));
        }
        if let Err(error) = operation::check_variables(operation, &request.variables) {
            return Err(Refusal::new(RequestError::Invalid, error));
        }
    }
    Ok(Checked { request, order })
}
