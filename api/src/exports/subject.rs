//! `GET /exports/subject-access?studentId=…&format=json|xlsx`: the copy of everything about a
//! child the caller may read ([`crate::subject::access`]), as a JSON file or as a workbook to
//! read ([`crate::subject::workbook`]) — the family's right of access. What it shows is recorded in the disclosure log before the file is sent (503 and
//! no file when it cannot be); a child the caller may not read answers 404 like a missing one.

use super::{Download, failed, not_found, refused};
use crate::disclosure::Disclosures;
use crate::error::ApiError;
use crate::graphql::ids;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::sync::Arc;

/// What a copy names.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SubjectQuery {
    student_id: String,
    /// `json` (default) or `xlsx`.
    format: Option<String>,
}

pub(super) async fn subject_access(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<SubjectQuery>,
) -> Response {
    let download = match Download::start(&state, &headers, None).await {
        Ok(download) => download,
        Err(response) => return response,
    };
    let xlsx = match query.format.as_deref() {
        None | Some("json") => false,
        Some("xlsx") => true,
        Some(_) => {
            let error = ApiError::bad_input("định dạng phải là json hoặc xlsx", "the format must be json or xlsx");
            return refused(StatusCode::BAD_REQUEST, &error);
        }
    };
    let Some(student) = ids::decode_as("Student", &query.student_id) else { return not_found() };
    let copy = match crate::subject::access::child(&state.db, &download.access, &state.vault, student).await {
        Ok(copy) => copy,
        Err(ApiError::NotPermitted) => return not_found(),
        Err(error) => return failed(&error),
    };
    let body = if xlsx {
        crate::subject::workbook::xlsx(&copy.document).map_err(ApiError::internal)
    } else {
        serde_json::to_vec_pretty(&copy.document).map_err(ApiError::internal)
    };
    let body = match body {
        Ok(body) => body,
        Err(error) => return refused(StatusCode::INTERNAL_SERVER_ERROR, &error),
    };
    let disclosures = Disclosures::default();
    for kind in &copy.shown {
        disclosures.note(download.access.principal(), student, copy.school, kind.as_str());
    }
    if let Some(recipient) = download.recipient
        && state.disclosures.append(recipient, disclosures.take()).await.is_err()
    {
        return refused(StatusCode::SERVICE_UNAVAILABLE, &ApiError::Unrecorded);
    }
    let (content_type, extension) = if xlsx {
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
    } else {
        ("application/json; charset=utf-8", "json")
    };
    let file = format!("attachment; filename=\"subject-access-{student}.{extension}\"");
    ([(header::CONTENT_TYPE, content_type.to_owned()), (header::CONTENT_DISPOSITION, file)], body).into_response()
}
