//! `GET /exports/subject-access?studentId=…&format=json|xlsx`: the copy of everything about a
//! child the caller may read ([`crate::subject::access`]), as a JSON file or as a workbook to
//! read ([`crate::subject::workbook`]) — the family's right of access; with `staffId=…`, a
//! staff member's copy of their own data ([`crate::subject::staff_copy`]). What a child's
//! copy shows is recorded in the disclosure log before the file is sent (503 and no file when
//! it cannot be); a person the caller may not read answers 404 like a missing one.

use super::{Download, failed, not_found, refused};
use crate::disclosure::Disclosures;
use crate::error::ApiError;
use crate::graphql::ids;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;
use std::sync::Arc;

/// What a copy names: a child (`studentId`) or a staff member (`staffId`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SubjectQuery {
    student_id: Option<String>,
    staff_id: Option<String>,
    /// `json` (default) or `xlsx`.
    format: Option<String>,
}

/// The copy asked for, and what it shows for the disclosure log (children's records only).
async fn copy_of(state: &AppState, download: &Download, query: &SubjectQuery) -> Result<(Value, Noted), ApiError> {
    let (db, access, vault) = (&state.db, &download.access, &state.vault);
    match (&query.student_id, &query.staff_id) {
        (Some(student), None) => {
            let student = ids::decode_as("Student", student).ok_or(ApiError::NotPermitted)?;
            let copy = crate::subject::access::child(db, access, vault, student).await?;
            Ok((copy.document, Some((student, copy.school, copy.shown))))
        }
        (None, Some(staff)) => {
            let staff = ids::decode_as("Staff", staff).ok_or(ApiError::NotPermitted)?;
            Ok((crate::subject::staff_copy::staff(db, access, vault, staff).await?, None))
        }
        _ => Err(ApiError::bad_input(
            "hãy nêu đúng một người: studentId hoặc staffId",
            "name exactly one person: studentId or staffId",
        )),
    }
}

/// The child, their school and the kinds a child's copy shows.
type Noted = Option<(i64, i64, Vec<emis_authz::Kind>)>;

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
    let (document, noted) = match copy_of(&state, &download, &query).await {
        Ok(copy) => copy,
        Err(ApiError::NotPermitted) => return not_found(),
        Err(error @ ApiError::BadInput { .. }) => return refused(StatusCode::BAD_REQUEST, &error),
        Err(error) => return failed(&error),
    };
    let body = if xlsx {
        crate::subject::workbook::xlsx(&document).map_err(ApiError::internal)
    } else {
        serde_json::to_vec_pretty(&document).map_err(ApiError::internal)
    };
    let body = match body {
        Ok(body) => body,
        Err(error) => return refused(StatusCode::INTERNAL_SERVER_ERROR, &error),
    };
    let disclosures = Disclosures::default();
    if let Some((student, school, shown)) = &noted {
        for kind in shown {
            disclosures.note(download.access.principal(), *student, *school, kind.as_str());
        }
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
    let person = match &noted {
        Some((student, ..)) => format!("student-{student}"),
        None => "staff".to_owned(),
    };
    let file = format!("attachment; filename=\"subject-access-{person}.{extension}\"");
    ([(header::CONTENT_TYPE, content_type.to_owned()), (header::CONTENT_DISPOSITION, file)], body).into_response()
}
