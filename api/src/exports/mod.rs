//! Downloads of the books over plain HTTP, for spreadsheet software, with the same bearer
//! token as the API, as CSV (UTF-8 with a byte-order mark) or XLSX (`format=csv|xlsx`):
//!
//! - `GET /exports/class-summary?classId=…&semesterId=…&year=true` — the sheet
//!   `Class.summary` returns;
//! - `GET /exports/primary-book?classId=…&checkpoint=end_year` — the book
//!   `Class.primaryBook(checkpoint:)` returns;
//! - `GET /exports/disclosures?studentId=…` — a child's whole disclosure log, for the family
//!   (what `Student.disclosures` returns, every entry the caller may read);
//! - `GET /exports/subject-access?studentId=…&format=json|xlsx` — everything about a child
//!   the caller may read, as JSON or as a workbook to read (`subject.rs`).
//!
//! The same privacy layer decides each sheet, what it shows is recorded in the disclosure log
//! before the file is sent (503 and no file when it cannot be), and a class the caller may
//! not read answers 404 exactly like one that does not exist.

use crate::books::primary::{self, parse_checkpoint};
use crate::books::summary::{self, Period, export};
use crate::books::{primary_sheet, table};
use crate::disclosure::{Disclosures, Recipient};
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

mod subject;

/// The export routes.
pub fn routes<S: Clone + Send + Sync + 'static>(state: Arc<AppState>) -> Router<S> {
    Router::new()
        .route("/exports/class-summary", get(class_summary))
        .route("/exports/primary-book", get(primary_book))
        .route("/exports/disclosures", get(disclosure_log))
        .route("/exports/subject-access", get(subject::subject_access))
        .with_state(state)
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

/// What a primary book download names.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PrimaryBookQuery {
    class_id: String,
    /// `mid_1`, `end_1`, `mid_2` or `end_year`.
    checkpoint: Option<String>,
    /// `csv` (default) or `xlsx`.
    format: Option<String>,
}

/// A download under way: the signed-in caller's access, whom the disclosure log names, and
/// the format asked for.
struct Download {
    access: Access,
    recipient: Option<Recipient>,
    xlsx: bool,
}

impl Download {
    /// The caller, who must be signed in, asking for `format`.
    async fn start(state: &AppState, headers: &HeaderMap, format: Option<&str>) -> Result<Self, Response> {
        let principal = match caller(state, headers).await {
            Ok(principal) if principal.account.is_some() => principal,
            Ok(_) | Err(ApiError::Unauthenticated) => {
                return Err(refused(StatusCode::UNAUTHORIZED, &ApiError::Unauthenticated));
            }
            Err(error) => return Err(failed(&error)),
        };
        let xlsx = match format {
            None | Some("csv") => false,
            Some("xlsx") => true,
            Some(_) => {
                let error = ApiError::bad_input("định dạng phải là csv hoặc xlsx", "the format must be csv or xlsx");
                return Err(refused(StatusCode::BAD_REQUEST, &error));
            }
        };
        let policy = state.policy.current();
        let recipient =
            recipient(&principal, headers, &policy).map_err(|error| refused(StatusCode::BAD_REQUEST, &error))?;
        let access = Access::new(Arc::new(principal), policy, state.db.clone());
        Ok(Self { access, recipient, xlsx })
    }

    /// The file `name` holding `sheet` (the worksheet named after `class`), once what it
    /// shows (`disclosures`) is recorded in the disclosure log.
    async fn finish(
        self,
        state: &AppState,
        disclosures: &Disclosures,
        sheet: &table::Sheet,
        (name, class): (&str, &str),
    ) -> Response {
        let written = if self.xlsx { table::xlsx(sheet, class) } else { table::csv(sheet) };
        let body = match written {
            Ok(body) => body,
            Err(error) => return refused(StatusCode::INTERNAL_SERVER_ERROR, &ApiError::internal(error)),
        };
        if let Some(recipient) = self.recipient
            && state.disclosures.append(recipient, disclosures.take()).await.is_err()
        {
            return refused(StatusCode::SERVICE_UNAVAILABLE, &ApiError::Unrecorded);
        }
        let (content_type, extension) = if self.xlsx {
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
        } else {
            ("text/csv; charset=utf-8", "csv")
        };
        let file = format!("attachment; filename=\"{name}.{extension}\"");
        ([(header::CONTENT_TYPE, content_type.to_owned()), (header::CONTENT_DISPOSITION, file)], body).into_response()
    }
}

async fn class_summary(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<SummaryQuery>,
) -> Response {
    let download = match Download::start(&state, &headers, query.format.as_deref()).await {
        Ok(download) => download,
        Err(response) => return response,
    };
    let Some(class) = ids::decode_as("Class", &query.class_id) else { return not_found() };
    let period = if query.year {
        Some(Period::Year)
    } else {
        let named = query.semester_id.as_deref();
        match semester_named_or_running(&state.reference, named, download.access.principal().today).await {
            Ok(semester) => semester.map(Period::Semester),
            Err(error) => return failed(&ApiError::from(error)),
        }
    };
    let Some(period) = period else { return not_found() };
    let sheet = match summary::summary(&state.db, &download.access, class, period).await {
        Ok(Some(sheet)) => sheet,
        Ok(None) => return not_found(),
        Err(error) => return failed(&error),
    };
    let disclosures = Disclosures::default();
    crate::graphql::summary::note_shown(&disclosures, download.access.principal(), &sheet);
    let name = format!("class-summary-{}", sheet.class.id);
    download.finish(&state, &disclosures, &export::sheet(&sheet), (&name, &sheet.class.name)).await
}

async fn primary_book(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<PrimaryBookQuery>,
) -> Response {
    let download = match Download::start(&state, &headers, query.format.as_deref()).await {
        Ok(download) => download,
        Err(response) => return response,
    };
    let Some(class) = ids::decode_as("Class", &query.class_id) else { return not_found() };
    let checkpoint = match query.checkpoint.as_deref().map(parse_checkpoint) {
        Some(Ok(checkpoint)) => checkpoint,
        Some(Err(error)) => return refused(StatusCode::BAD_REQUEST, &error),
        None => {
            let error = ApiError::bad_input("thiếu thời điểm (checkpoint)", "the checkpoint is missing");
            return refused(StatusCode::BAD_REQUEST, &error);
        }
    };
    let book = match primary::book(&state.db, &download.access, class, checkpoint, None).await {
        Ok(Some(book)) => book,
        Ok(None) => return not_found(),
        Err(error) => return failed(&error),
    };
    let disclosures = Disclosures::default();
    crate::graphql::primary::note_shown(&disclosures, download.access.principal(), &book);
    let name = format!("primary-book-{}-{}", book.class.id, primary::checkpoint_code(checkpoint));
    download.finish(&state, &disclosures, &primary_sheet::sheet(&book), (&name, &book.class.name)).await
}

/// What a disclosure log download names.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LogQuery {
    student_id: String,
    /// `csv` (default) or `xlsx`.
    format: Option<String>,
}

/// Most entries one download lists.
const MOST_ENTRIES: u64 = 100_000;

async fn disclosure_log(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<LogQuery>,
) -> Response {
    let download = match Download::start(&state, &headers, query.format.as_deref()).await {
        Ok(download) => download,
        Err(response) => return response,
    };
    let Some(student) = ids::decode_as("Student", &query.student_id) else { return not_found() };
    let readable = download.access.read(&crate::privacy::readers::STUDENT).by_id(student).one(&state.db).await;
    match readable {
        Ok(Some(_)) => {}
        Ok(None) => return not_found(),
        Err(error) => return failed(&ApiError::from(error)),
    }
    let everything = crate::privacy::LogQuery::default();
    let entries = download.access.disclosures_about(&state.db, student, &everything, MOST_ENTRIES).await;
    let sheet = match entries {
        Ok(entries) => crate::disclosure::export::sheet(&state.db, &entries).await,
        Err(error) => Err(error),
    };
    let sheet = match sheet {
        Ok(sheet) => sheet,
        Err(error) => return failed(&ApiError::from(error)),
    };
    let name = format!("disclosures-{student}");
    download.finish(&state, &Disclosures::default(), &sheet, (&name, "disclosures")).await
}

/// A request the books refused: 400 for what the caller asked wrongly, 503 while the
/// database does not answer, 500 otherwise.
fn failed(error: &ApiError) -> Response {
    match error {
        ApiError::BadInput { .. } => refused(StatusCode::BAD_REQUEST, error),
        ApiError::Unavailable => refused(StatusCode::SERVICE_UNAVAILABLE, error),
        _ => refused(StatusCode::INTERNAL_SERVER_ERROR, error),
    }
}

fn refused(status: StatusCode, error: &ApiError) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], error.message()).into_response()
}

/// A class that does not exist and one the caller may not read answer alike.
fn not_found() -> Response {
    let message = "Không tìm thấy / not found";
    (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], message).into_response()
}
