//! Attachments over plain HTTP, with the same bearer token as the API:
//!
//! - `POST /attachments?name=<file name>` with the file as the body: the upload, answered
//!   `201` with `{id, fileName, contentType, size, sha256}` in JSON; the `id` is what
//!   `publishNotice(input: {attachmentIds})` takes. `413` past the size limit, `400` for a
//!   type not taken;
//! - `GET /attachments/{id}`: the file, to whoever may open it; a file out of reach and a
//!   missing one both answer `404`.
//!
//! Errors are JSON `{code, message}`, the message in Vietnamese and English.

use super::files;
use crate::error::ApiError;
use crate::graphql::ids;
use crate::http::caller;
use crate::privacy::Access;
use crate::state::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;
use std::sync::Arc;

/// The attachment routes, taking bodies up to the configured size.
pub fn routes<S: Clone + Send + Sync + 'static>(state: Arc<AppState>) -> Router<S> {
    let limit = state.config.attachments.max_bytes();
    Router::new()
        .route("/attachments", post(upload).layer(DefaultBodyLimit::max(limit)))
        .route("/attachments/{id}", get(download))
        .with_state(state)
}

/// What an upload names.
#[derive(Debug, Deserialize)]
struct UploadQuery {
    /// The file's name, as the uploader's device calls it.
    name: Option<String>,
}

async fn upload(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<UploadQuery>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let access = match signed_in(&state, &headers).await {
        Ok(access) => access,
        Err(response) => return response,
    };
    let bytes = match body {
        Ok(bytes) => bytes,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            let max = state.config.attachments.max_mb;
            let error =
                ApiError::bad_input(format!("tệp lớn hơn {max} MB"), format!("the file is larger than {max} MB"));
            return refused(StatusCode::PAYLOAD_TOO_LARGE, &error);
        }
        Err(_) => {
            return refused(
                StatusCode::BAD_REQUEST,
                &ApiError::bad_input("không đọc được tệp", "cannot read the file"),
            );
        }
    };
    let name = query.name.unwrap_or_default();
    if name.contains('\0') {
        let error = ApiError::bad_input("tên tệp chứa ký tự NUL (\\0)", "the file name holds a NUL character (\\0)");
        return refused(StatusCode::BAD_REQUEST, &error);
    }
    match files::upload(&state.db, &state.attachments, &access, &name, bytes.to_vec(), chrono::Utc::now()).await {
        Ok(row) => {
            let answer = serde_json::json!({
                "id": ids::encode("Attachment", row.id).0,
                "fileName": row.file_name,
                "contentType": row.content_type,
                "size": row.size_bytes,
                "sha256": row.sha256,
            });
            (StatusCode::CREATED, axum::Json(answer)).into_response()
        }
        Err(error) => failed(&error),
    }
}

async fn download(State(state): State<Arc<AppState>>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let access = match signed_in(&state, &headers).await {
        Ok(access) => access,
        Err(response) => return response,
    };
    let Some(id) = ids::decode_as("Attachment", &id) else { return not_found() };
    let (row, bytes) = match files::open(&state.db, &state.attachments, &access, id).await {
        Ok(Some(found)) => found,
        Ok(None) => return not_found(),
        Err(error) => return failed(&error),
    };
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    if let Ok(content_type) = HeaderValue::from_str(&row.content_type) {
        headers.insert(header::CONTENT_TYPE, content_type);
    }
    if let Ok(disposition) = HeaderValue::from_str(&disposition(&row.file_name)) {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
    response
}

/// `Content-Disposition` for a download of `name`: an ASCII stand-in, and the name itself
/// percent-encoded in UTF-8 (RFC 6266).
fn disposition(name: &str) -> String {
    let plain: String = name
        .chars()
        .map(|c| if (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ' { c } else { '_' })
        .collect();
    let encoded = utf8_percent_encode(name, NON_ALPHANUMERIC);
    format!("attachment; filename=\"{plain}\"; filename*=UTF-8''{encoded}")
}

/// The signed-in caller's access, or the answer to a caller who is not.
async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<Access, Response> {
    match caller(state, headers).await {
        Ok(principal) if principal.account.is_some() => {
            Ok(Access::new(Arc::new(principal), state.policy.current(), state.db.clone()))
        }
        Ok(_) | Err(ApiError::Unauthenticated) => Err(refused(StatusCode::UNAUTHORIZED, &ApiError::Unauthenticated)),
        Err(error) => Err(failed(&error)),
    }
}

/// 400 for what the caller sent wrongly, 404 for what they may not reach, 503 while the
/// database does not answer, 500 otherwise.
fn failed(error: &ApiError) -> Response {
    let status = match error {
        ApiError::BadInput { .. } => StatusCode::BAD_REQUEST,
        ApiError::NotPermitted => return not_found(),
        ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    refused(status, error)
}

fn refused(status: StatusCode, error: &ApiError) -> Response {
    (status, axum::Json(serde_json::json!({ "code": error.code(), "message": error.message() }))).into_response()
}

/// A missing file and one the caller may not open answer alike.
fn not_found() -> Response {
    let body = serde_json::json!({ "code": "NOT_FOUND", "message": "Không tìm thấy / not found" });
    (StatusCode::NOT_FOUND, axum::Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::disposition;

    #[test]
    fn a_download_names_the_file_in_ascii_and_in_utf8() {
        assert_eq!(
            disposition("Thư mời.pdf"),
            "attachment; filename=\"Th_ m_i.pdf\"; filename*=UTF-8''Th%C6%B0%20m%E1%BB%9Di%2Epdf"
        );
        assert!(disposition("a\"b.pdf").starts_with("attachment; filename=\"a_b.pdf\""));
    }
}
