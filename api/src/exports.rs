//! Downloads of the books over plain HTTP, for spreadsheet software:
//! `GET /exports/class-summary?classId=…&semesterId=…&year=true&format=csv|xlsx` with the
//! same bearer token as the API. The sheet is the one `Class.summary` returns — the same
//! privacy layer decides it, its grades are noted in the disclosure log — and a class the
//! caller may not read answers 404 exactly like one that does not exist.

use crate::books::summary::{self, Period, export};
use crate::disclosure::Disclosures;
use crate::error::ApiError;
use crate::graphql::ids;
use crate::graphql::records::semester_named_or_running;
use crate::http::{caller, recipient};
use crate::privacy::Access;
use crate::state::AppState;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use std::sync::Arc;

/// The export routes.
pub fn routes<S: Clone + Send + Sync + 'static>(state: Arc<AppState>) -> Router<S> {
    Router::new().route("/exports/class-summary", get(class_summary)).with_state(state)
}

/// What a class summary download names.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SummaryQuery {
    class_id: String,
    semester_id: Option<String>,
    #[serde(default)]
    year: bool,
    /// `csv` (default) or `xlsx`.
    format: Option<String>,
}

async fn class_summary(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<SummaryQuery>,
) -> Response {
    let principal = match caller(&state, &headers).await {
        Ok(principal) if principal.account.is_some() => principal,
        Ok(_) => return refused(StatusCode::UNAUTHORIZED, &ApiError::Unauthenticated),
        Err(error) => return refused(StatusCode::UNAUTHORIZED, &error),
    };
    let xlsx = match query.format.as_deref() {
        None | Some("csv") => false,
        Some("xlsx") => true,
        Some(_) => {
            let error = ApiError::bad_input("định dạng phải là csv hoặc xlsx", "the format must be csv or xlsx");
            return refused(StatusCode::BAD_REQUEST, &error);
        }
    };
    let Some(class) = ids::decode_as("Class", &query.class_id) else { return not_found() };
    let period = if query.year {
        Some(Period::Year)
    } else {
        let named = query.semester_id.as_deref();
        match semester_named_or_running(&state.reference, named, principal.today).await {
            Ok(semester) => semester.map(Period::Semester),
            Err(error) => return refused(StatusCode::INTERNAL_SERVER_ERROR, &ApiError::internal(error)),
        }
    };
    let Some(period) = period else { return not_found() };
    let recipient = recipient(&principal, &headers);
    let access = Access::new(Arc::new(principal), state.policy.current(), state.db.clone());
    let settings = state.config.assessment_settings();
    let sheet = match summary::summary(&state.db, &access, &settings, class, period).await {
        Ok(Some(sheet)) => sheet,
        Ok(None) => return not_found(),
        Err(error @ ApiError::BadInput { .. }) => return refused(StatusCode::BAD_REQUEST, &error),
        Err(error) => return refused(StatusCode::INTERNAL_SERVER_ERROR, &error),
    };
    let written = if xlsx { export::xlsx(&sheet) } else { export::csv(&sheet) };
    let body = match written {
        Ok(body) => body,
        Err(error) => return refused(StatusCode::INTERNAL_SERVER_ERROR, &ApiError::internal(error)),
    };
    let disclosures = Disclosures::default();
    crate::graphql::summary::note_shown(&disclosures, access.principal(), &sheet);
    if let Some(recipient) = recipient {
        state.disclosures.append(recipient, disclosures.take());
    }
    let (content_type, extension) = if xlsx {
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
    } else {
        ("text/csv; charset=utf-8", "csv")
    };
    let file = format!("attachment; filename=\"class-summary-{}.{extension}\"", sheet.class.id);
    ([(header::CONTENT_TYPE, content_type.to_owned()), (header::CONTENT_DISPOSITION, file)], body).into_response()
}

fn refused(status: StatusCode, error: &ApiError) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], error.message()).into_response()
}

/// A class that does not exist and one the caller may not read answer alike.
fn not_found() -> Response {
    let message = "Không tìm thấy / not found";
    (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], message).into_response()
}
