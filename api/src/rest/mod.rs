//! The OneRoster 1.2 REST binding (read): the rostering service under
//! `/ims/oneroster/rostering/v1p2/` — orgs, schools, academic sessions and terms, classes
//! (homeroom and scheduled), courses, users (students, teachers, guardians), demographics,
//! enrollments and their nested forms (`/schools/{id}/classes`, `/classes/{id}/students`,
//! `/courses/{id}/classes`, …) — with the specification's paging
//! (`limit`, `offset`, `X-Total-Count`, `Link`), `sort`/`orderBy`, `filter` and `fields`
//! (`emis_oneroster::rest`), and its status payloads for refusals (`reply.rs`); and the
//! gradebook service's categories, line items and results under
//! `/ims/oneroster/gradebook/v1p2/` (`gradebook/`). A collection made of several kinds of
//! records (users, classes) is paged across them in one statement (`union.rs`).
//!
//! A request carries a bearer token — a vendor's, from `POST /oauth/token`, or a person's —
//! and every answer passes the one privacy layer: each collection is a [`Visible`] read
//! (`listing.rs`), a record out of reach answers exactly like a missing one
//! (`unknownobject`), and a filter on a field the caller may not read is refused. What a
//! vendor is shown is written to the disclosure log before the answer leaves; when it
//! cannot be, nothing is shown. A vendor's requests are held to its limits
//! (`crate::sharing::guard`): `429 server_busy` past its requests a minute, `403 forbidden`
//! past an agreement's daily cap of students.
//!
//! [`Visible`]: crate::privacy::Visible

mod gradebook;
mod listing;
mod objects;
mod refs;
mod reply;
mod rostering;
mod union;

use crate::disclosure::Recipient;
use crate::privacy::Access;
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use emis_oneroster::rest::Query;
use futures::future::BoxFuture;
use reply::Refusal;
use std::collections::HashMap;
use std::sync::Arc;

/// The largest page a collection read answers.
pub const MAX_LIMIT: u64 = 1000;

/// The routes of the REST binding.
pub fn routes<S: Clone + Send + Sync + 'static>(state: Arc<AppState>) -> Router<S> {
    rostering::routes().merge(gradebook::routes()).with_state(state)
}

/// What a read answers: a response, or a refusal in the binding's words.
pub type Reply = Result<Response, Refusal>;

/// A read of the binding: an answer to an [`Asked`].
pub type Read = for<'a> fn(&'a Asked) -> BoxFuture<'a, Reply>;

/// The route of `read`: a GET whose caller, query and disclosures [`answer`] handles, with
/// the path's `{id}` and `{inner}` (where it has them) in [`Asked::id`] and [`Asked::inner`].
pub fn served(read: Read) -> MethodRouter<Arc<AppState>> {
    get(
        move |State(state): State<Arc<AppState>>,
              ids: Option<Path<HashMap<String, String>>>,
              headers: HeaderMap,
              uri: Uri| async move {
            let mut ids = ids.map(|Path(ids)| ids).unwrap_or_default();
            let named =
                Named { id: ids.remove("id").unwrap_or_default(), inner: ids.remove("inner").unwrap_or_default() };
            answer(&state, named, &headers, &uri, read).await
        },
    )
}

/// The identifiers a path names: `{id}`, and `{inner}` for a record within it
/// (`/classes/{id}/lineItems/{inner}/results`).
struct Named {
    id: String,
    inner: String,
}

/// One read, once its caller is known and its query parsed.
pub struct Asked {
    pub state: Arc<AppState>,
    pub access: Arc<Access>,
    /// The `{id}` of the path (a `sourcedId`); empty for a path without one.
    pub id: String,
    /// The `{inner}` of a path that names a second record within the first; else empty.
    pub inner: String,
    pub query: Query,
    /// The query's parameters as given, for the `Link` header.
    pub raw: Vec<(String, String)>,
    /// The path asked for.
    pub path: String,
    /// The server's address as the caller reached it, and the time of the answer.
    pub here: objects::Here,
}

impl Asked {
    /// Whether the answer is to carry `field` (every field when `fields` names none).
    pub fn wants(&self, field: &str) -> bool {
        self.query.fields.as_ref().is_none_or(|fields| fields.iter().any(|wanted| wanted == field))
    }
}

/// The server's address as the caller reached it: the `Host` header, over HTTPS when a
/// proxy in front says so (`X-Forwarded-Proto`).
fn origin(headers: &HeaderMap) -> String {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    let host = header("host").filter(|host| host.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c)));
    let scheme = if header("x-forwarded-proto").is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https")) {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{}", host.unwrap_or("localhost"))
}

/// Answers a read: finds the caller (refused without a token that signs in), parses the
/// query, runs `read`, and records what it showed before answering.
async fn answer(state: &Arc<AppState>, named: Named, headers: &HeaderMap, uri: &Uri, read: Read) -> Response {
    let principal = match crate::http::caller(state, headers).await {
        Ok(principal) if principal.signed_in() => principal,
        _ => return Refusal::unauthorised().into_response(),
    };
    if let Err(error) = crate::sharing::guard::before(state, &principal) {
        let wait = match error {
            crate::error::ApiError::VendorLimited { retry_after_secs } => Some(retry_after_secs),
            _ => None,
        };
        let mut response = Refusal::from(error).into_response();
        if let Some(value) = wait.and_then(|secs| axum::http::HeaderValue::from_str(&secs.to_string()).ok()) {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, value);
        }
        return response;
    }
    // A NUL byte is no part of any identifier or filter (and PostgreSQL refuses it in text).
    if uri.path().contains("%00") || uri.query().is_some_and(|query| query.contains("%00")) {
        return Refusal::bad_data(
            "đường dẫn hoặc tham số chứa ký tự NUL",
            "the path or a parameter holds a NUL character",
        )
        .into_response();
    }
    let raw: Vec<(String, String)> = serde_urlencoded::from_str(uri.query().unwrap_or_default()).unwrap_or_default();
    let query = match emis_oneroster::rest::parse(&raw, MAX_LIMIT) {
        Ok(query) => query,
        Err(error) => return Refusal::from(error).into_response(),
    };
    let policy = state.policy.current();
    let recipient = Recipient::of(&principal, "education".to_owned(), &policy);
    let access = Arc::new(Access::new(Arc::new(principal), policy, state.db.clone()));
    let origin = origin(headers);
    let asked = Asked {
        state: Arc::clone(state),
        access: Arc::clone(&access),
        id: named.id,
        inner: named.inner,
        query,
        raw,
        path: format!("{origin}{}", uri.path()),
        here: objects::Here { origin, now: chrono::Utc::now() },
    };
    let response = match read(&asked).await {
        Ok(response) => response,
        Err(refusal) => return refusal.into_response(),
    };
    let shown = access.shown().take();
    if let Err(error) = crate::sharing::guard::after(state, access.principal(), &shown).await {
        return Refusal::from(error).into_response();
    }
    if let Some(recipient) = recipient
        && state.disclosures.append(recipient, shown).await.is_err()
    {
        return Refusal::unavailable().into_response();
    }
    response
}
