//! The answers of `/graphql`, with the statuses and media types the GraphQL over HTTP
//! specification gives them:
//!
//! - a request that ran answers 200, in the negotiated media type, with `data` (field errors
//!   included: the operation ran);
//! - a request error (the document does not parse or validate, a variable has no value, the
//!   operation cannot be chosen, the token does not sign in) carries `errors` and no `data`:
//!   400 (401 for the token, 500 when the server failed) under
//!   `application/graphql-response+json`, 200 under `application/json`, as legacy clients
//!   expect; each error has an `extensions.code`;
//! - a mutation or subscription over GET answers 405 with `Allow: POST` under either type;
//! - a request that is not well-formed (see [`super::request`]) is refused in
//!   `application/json`: 400, 405, 406, 413 or 415.
//!
//! Every body is UTF-8 JSON with `charset=utf-8` in its `Content-Type`, and every error
//! message is in Vietnamese and English. An error tied to no place in the document carries
//! no `locations`.

use super::media::{JSON_UTF8, ResponseMedia};
use crate::error::ApiError;
use crate::graphql::field_order::ResultOrder;
use async_graphql::{ServerError, Value};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::collections::BTreeMap;

/// The methods `/graphql` serves, for `Allow`.
const METHODS: &str = "GET, HEAD, POST";

/// A request error: why the operation did not run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestError {
    /// The document or its variables are wrong: 400.
    Invalid,
    /// The bearer token does not sign in: 401.
    Unauthenticated,
    /// Not a query, over GET: 405, under either media type.
    NotSafe,
    /// The server failed before the operation could run: 500.
    Failed,
    /// The service cannot answer now (the database does not answer, or what the response
    /// would show cannot be recorded): 503 under either media type, so that clients and load
    /// balancers try again later.
    Unavailable,
    /// The caller (a vendor's client) asks more often than it may: 429 under either media
    /// type, with `Retry-After`.
    Throttled { retry_after_secs: u64 },
    /// The request ran but what it would show may not leave (a sharing agreement's daily
    /// cap): 403.
    Refused,
}

/// The body of a GraphQL response: `errors` first (they are the first thing to read when
/// present), then `data` when the operation ran, then `extensions`.
#[derive(Serialize)]
struct Body<'a, Data: Serialize> {
    #[serde(skip_serializing_if = "<[ServerError]>::is_empty")]
    errors: &'a [ServerError],
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<Data>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    extensions: &'a BTreeMap<String, Value>,
}

/// A request that is not well-formed, refused with `status` in `application/json`.
pub fn refused(status: StatusCode, error: ApiError) -> Response {
    let mut response = errors_only(status, JSON_UTF8, &[error.without_location()]);
    if status == StatusCode::METHOD_NOT_ALLOWED {
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static(METHODS));
    }
    response
}

/// A request error to answer with: why the operation did not run, and the errors that say so.
pub struct Refusal {
    kind: RequestError,
    errors: Vec<ServerError>,
}

impl Refusal {
    /// A request error of `kind` that `error` describes.
    pub fn new(kind: RequestError, error: ServerError) -> Self {
        Self { kind, errors: vec![error] }
    }

    /// A document that does not parse.
    pub fn parse_failed(mut error: ServerError) -> Self {
        coded(
            &mut error,
            "GRAPHQL_PARSE_FAILED",
            "Truy vấn GraphQL sai cú pháp",
            "the GraphQL document does not parse",
        );
        Self::new(RequestError::Invalid, error)
    }

    /// A request refused by its weight: 401 when it needs a signed-in caller's ceiling,
    /// 400 otherwise.
    pub fn weighed(error: ServerError) -> Self {
        let code = error.extensions.as_ref().and_then(|extensions| extensions.get("code"));
        let kind = match code {
            Some(Value::String(code)) if code == ApiError::Unauthenticated.code() => RequestError::Unauthenticated,
            _ => RequestError::Invalid,
        };
        Self::new(kind, error)
    }

    /// The answer, in `media`.
    pub fn answer(&self, media: ResponseMedia) -> Response {
        request_error(media, self.kind, &self.errors)
    }
}

/// A request error: `errors`, no `data`, and the status `kind` gives it under the media type.
fn request_error(media: ResponseMedia, kind: RequestError, errors: &[ServerError]) -> Response {
    let status = match (kind, media) {
        (RequestError::NotSafe, _) => StatusCode::METHOD_NOT_ALLOWED,
        (RequestError::Unavailable, _) => StatusCode::SERVICE_UNAVAILABLE,
        (RequestError::Throttled { .. }, _) => StatusCode::TOO_MANY_REQUESTS,
        (_, ResponseMedia::Json) => StatusCode::OK,
        (RequestError::Invalid, ResponseMedia::GraphqlResponse) => StatusCode::BAD_REQUEST,
        (RequestError::Unauthenticated, ResponseMedia::GraphqlResponse) => StatusCode::UNAUTHORIZED,
        (RequestError::Failed, ResponseMedia::GraphqlResponse) => StatusCode::INTERNAL_SERVER_ERROR,
        (RequestError::Refused, ResponseMedia::GraphqlResponse) => StatusCode::FORBIDDEN,
    };
    let mut response = errors_only(status, media.content_type(), errors);
    let headers = response.headers_mut();
    match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            headers.insert(header::ALLOW, HeaderValue::from_static("POST"));
        }
        StatusCode::UNAUTHORIZED => {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer error=\"invalid_token\""));
        }
        _ => {}
    }
    if let RequestError::Throttled { retry_after_secs } = kind
        && let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string())
    {
        headers.insert(header::RETRY_AFTER, value);
    }
    response
}

/// The answer to an executed request: a request error when the schema refused it before it
/// ran (validation, limits, the operation's choice), otherwise its `data`, its fields in the
/// order the query asks for them: 503 when an error says the service is unavailable (the
/// database stopped answering as it ran), else 200.
pub fn result(media: ResponseMedia, mut response: async_graphql::Response, order: &ResultOrder) -> Response {
    if ran(&response) {
        let data = order.ordered(&response.data);
        let body = Body { errors: &response.errors, data: Some(data), extensions: &response.extensions };
        let status = if unavailable(&response.errors) { StatusCode::SERVICE_UNAVAILABLE } else { StatusCode::OK };
        let mut answer = json(status, media.content_type(), &body);
        let cache_control = response.cache_control.value().and_then(|value| HeaderValue::from_str(&value).ok());
        if let Some(value) = cache_control.filter(|_| response.errors.is_empty()) {
            answer.headers_mut().insert(header::CACHE_CONTROL, value);
        }
        answer.headers_mut().extend(std::mem::take(&mut response.http_headers));
        return answer;
    }
    for error in &mut response.errors {
        coded(error, "GRAPHQL_VALIDATION_FAILED", "Truy vấn GraphQL không hợp lệ", "the GraphQL document is not valid");
    }
    request_error(media, RequestError::Invalid, &response.errors)
}

/// Whether one of `errors` says the service is unavailable.
fn unavailable(errors: &[ServerError]) -> bool {
    let code = Value::from(ApiError::Unavailable.code());
    errors.iter().any(|error| error.extensions.as_ref().and_then(|extensions| extensions.get("code")) == Some(&code))
}

/// Whether the operation ran: errors from before execution (parsing, validation, limits,
/// choosing the operation) come with no `data` and no path, while every error of a running
/// operation belongs to a field and has its path.
fn ran(response: &async_graphql::Response) -> bool {
    response.data != Value::Null
        || response.errors.is_empty()
        || response.errors.iter().any(|error| !error.path.is_empty())
}

/// Gives an error that has no `extensions.code` the code and a message that says in both
/// languages what went wrong before its (English) detail.
fn coded(error: &mut ServerError, code: &str, vi: &str, en: &str) {
    let extensions = error.extensions.get_or_insert_with(Default::default);
    if extensions.get("code").is_none() {
        extensions.set("code", code);
        error.message = format!("{vi} / {en}: {}", error.message);
    }
}

/// A body of `errors` alone.
fn errors_only(status: StatusCode, content_type: &'static str, errors: &[ServerError]) -> Response {
    json(status, content_type, &Body::<&Value> { errors, data: None, extensions: &BTreeMap::new() })
}

fn json(status: StatusCode, content_type: &'static str, body: &impl Serialize) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, content_type)], bytes).into_response(),
        Err(error) => {
            tracing::error!(%error, "a response could not be written");
            (StatusCode::INTERNAL_SERVER_ERROR, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "internal error")
                .into_response()
        }
    }
}
