//! `POST /oauth/token`: the token endpoint of OAuth 2.0 client credentials (RFC 6749 §4.4).
//! The body is `application/x-www-form-urlencoded` with `grant_type=client_credentials` and
//! an optional `scope`; the client authenticates with HTTP Basic (`client_id:client_secret`)
//! or with `client_id` and `client_secret` in the body, not both. A token is answered as
//! `{access_token, token_type: "Bearer", expires_in, scope}`; a refusal as `{error,
//! error_description}` (§5.2) — `invalid_client` with 401, the rest with 400 — the
//! description in Vietnamese and English. Neither is ever cached.

use super::tokens::{self, Refused};
use crate::state::AppState;
use axum::Router;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine as _;
use serde::Deserialize;
use std::sync::Arc;

/// The token route.
pub fn routes<S: Clone + Send + Sync + 'static>(state: Arc<AppState>) -> Router<S> {
    Router::new().route("/oauth/token", post(token)).with_state(state)
}

/// The form of a token request.
#[derive(Debug, Deserialize)]
struct TokenRequest {
    grant_type: Option<String>,
    scope: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

/// A refusal as RFC 6749 §5.2 words it.
fn refusal(status: StatusCode, error: &str, vi: &str, en: &str) -> Response {
    let body = serde_json::json!({ "error": error, "error_description": format!("{vi} / {en}") });
    let mut response = (status, axum::Json(body)).into_response();
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"emis\""));
    }
    never_cached(response)
}

fn never_cached(mut response: Response) -> Response {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response.headers_mut().insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// The client id and secret of HTTP Basic credentials, each form-url-decoded (§2.3.1).
fn basic(headers: &HeaderMap) -> Option<Result<(String, String), ()>> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok();
    let text = decoded.and_then(|bytes| String::from_utf8(bytes).ok());
    let pair = text.as_deref().and_then(|text| text.split_once(':'));
    let undo = |part: &str| {
        percent_encoding::percent_decode_str(&part.replace('+', " ")).decode_utf8().ok().map(|s| s.into_owned())
    };
    Some(pair.and_then(|(id, secret)| Some((undo(id)?, undo(secret)?))).ok_or(()))
}

async fn token(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    form: Result<Form<TokenRequest>, axum::extract::rejection::FormRejection>,
) -> Response {
    let invalid_request = |vi: &str, en: &str| refusal(StatusCode::BAD_REQUEST, "invalid_request", vi, en);
    let Ok(Form(form)) = form else {
        return invalid_request(
            "thân yêu cầu phải là application/x-www-form-urlencoded",
            "the body must be application/x-www-form-urlencoded",
        );
    };
    match form.grant_type.as_deref() {
        Some("client_credentials") => {}
        Some(_) => {
            return refusal(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "chỉ hỗ trợ grant_type=client_credentials",
                "only grant_type=client_credentials is supported",
            );
        }
        None => return invalid_request("thiếu grant_type", "grant_type is missing"),
    }
    let in_body = form.client_id.is_some() || form.client_secret.is_some();
    let (client_id, secret) = match (basic(&headers), in_body) {
        (Some(_), true) => {
            return invalid_request(
                "chỉ xác thực bằng một cách: Basic hoặc trong thân yêu cầu",
                "authenticate one way only: Basic or in the body",
            );
        }
        (Some(Ok(pair)), false) => pair,
        (None, true) => (form.client_id.unwrap_or_default(), form.client_secret.unwrap_or_default()),
        (Some(Err(())), false) | (None, false) => {
            return refusal(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "thiếu hoặc sai thông tin xác thực của ứng dụng",
                "the client's credentials are missing or wrong",
            );
        }
    };
    let lifetime = chrono::Duration::minutes(state.config.access_token_minutes);
    match tokens::issue(&state.db, &client_id, &secret, form.scope.as_deref(), lifetime, chrono::Utc::now()).await {
        Ok(issued) => never_cached(
            axum::Json(serde_json::json!({
                "access_token": issued.access_token,
                "token_type": "Bearer",
                "expires_in": issued.expires_in.num_seconds(),
                "scope": issued.scope,
            }))
            .into_response(),
        ),
        Err(Refused::InvalidClient) => refusal(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "thiếu hoặc sai thông tin xác thực của ứng dụng",
            "the client's credentials are missing or wrong",
        ),
        Err(Refused::InvalidScope(scope)) if scope.is_empty() => refusal(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            "ứng dụng không có thỏa thuận chia sẻ nào đang hiệu lực",
            "the client has no sharing agreement in force",
        ),
        Err(Refused::InvalidScope(scope)) => refusal(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            &format!("phạm vi {scope:?} vượt quá các thỏa thuận đang hiệu lực"),
            &format!("the scope {scope:?} is beyond the agreements in force"),
        ),
        Err(Refused::Database(error)) => {
            tracing::error!(%error, "a token could not be issued");
            (StatusCode::SERVICE_UNAVAILABLE, "").into_response()
        }
    }
}
