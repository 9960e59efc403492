//! How the OneRoster REST binding answers: a resource or a page of a collection as JSON —
//! only the fields asked for (`fields`), with the page's `X-Total-Count` and `Link` headers —
//! and every refusal as the specification's status payload (`imsx_codeMajor`,
//! `imsx_severity`, `imsx_description`, `imsx_CodeMinor`), its description in Vietnamese and
//! English.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use emis_oneroster::rest::{Query, QueryError};
use serde_json::{Map, Value, json};

/// Why a request was not answered with data.
#[derive(Debug)]
pub struct Refusal {
    pub status: StatusCode,
    /// The specification's code-minor value (`invalid_filter_field`, `unknownobject`, …).
    pub code: &'static str,
    pub vietnamese: String,
    pub english: String,
}

impl Refusal {
    /// No bearer token, or one that does not sign in.
    pub fn unauthorised() -> Refusal {
        Refusal {
            status: StatusCode::UNAUTHORIZED,
            code: "unauthorisedrequest",
            vietnamese: "cần mã truy cập hợp lệ (Authorization: Bearer …)".to_owned(),
            english: "a valid access token is needed (Authorization: Bearer …)".to_owned(),
        }
    }

    /// A record that does not exist or that the caller may not read: one answer.
    pub fn unknown(what: &str, id: &str) -> Refusal {
        Refusal {
            status: StatusCode::NOT_FOUND,
            code: "unknownobject",
            vietnamese: format!("không có {what} {id:?}"),
            english: format!("there is no {what} {id:?}"),
        }
    }

    /// The database or the disclosure log did not answer: nothing is shown.
    pub fn unavailable() -> Refusal {
        Refusal {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal_server_error",
            vietnamese: "máy chủ tạm thời không trả lời được; hãy thử lại".to_owned(),
            english: "the server cannot answer right now; try again".to_owned(),
        }
    }

    /// A request the binding cannot read at all.
    pub fn bad_data(vietnamese: &str, english: &str) -> Refusal {
        Refusal {
            status: StatusCode::BAD_REQUEST,
            code: "invaliddata",
            vietnamese: vietnamese.to_owned(),
            english: english.to_owned(),
        }
    }

    /// A filter on a field kept encrypted (an e-mail, a phone number), which no statement
    /// can compare.
    pub fn sealed(field: &str) -> Refusal {
        Refusal {
            status: StatusCode::BAD_REQUEST,
            code: "invalid_filter_field",
            vietnamese: format!("trường {field:?} được lưu mã hoá nên không lọc theo được"),
            english: format!("the field {field:?} is kept encrypted, so it cannot be filtered on"),
        }
    }

    /// A filter on a field the caller may not read: refused, never applied.
    pub fn not_shared(field: &str) -> Refusal {
        Refusal {
            status: StatusCode::BAD_REQUEST,
            code: "invalid_filter_field",
            vietnamese: format!("trường {field:?} không được chia sẻ với bên gọi nên không lọc theo được"),
            english: format!("the field {field:?} is not shared with the caller, so it cannot be filtered on"),
        }
    }
}

impl From<QueryError> for Refusal {
    /// The query grammar's codes in the rostering service's vocabulary, which has no code of
    /// its own for a sort or for paging: a sort names a field as a selection does, and a bad
    /// `limit`, `offset` or `orderBy` is invalid data.
    fn from(error: QueryError) -> Self {
        let code = match error.code {
            "invalid_sort_field" => "invalid_selection_field",
            "invalid_query" => "invaliddata",
            other => other,
        };
        Refusal { status: StatusCode::BAD_REQUEST, code, vietnamese: error.vietnamese, english: error.english }
    }
}

impl From<crate::error::ApiError> for Refusal {
    /// A vendor's limits, in the binding's words; any other error as the server's failure.
    fn from(error: crate::error::ApiError) -> Self {
        let (status, code) = match &error {
            crate::error::ApiError::VendorLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "server_busy"),
            crate::error::ApiError::SharingCapReached => (StatusCode::FORBIDDEN, "forbidden"),
            _ => return Refusal::unavailable(),
        };
        let message = error.message();
        let (vietnamese, english) = message.split_once(" / ").unwrap_or((&message, &message));
        Refusal { status, code, vietnamese: vietnamese.to_owned(), english: english.to_owned() }
    }
}

impl From<sea_orm::DbErr> for Refusal {
    fn from(error: sea_orm::DbErr) -> Self {
        tracing::error!(%error, "a OneRoster read failed");
        Refusal::unavailable()
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let body = json!({
            "imsx_codeMajor": "failure",
            "imsx_severity": "error",
            "imsx_description": format!("{} / {}", self.vietnamese, self.english),
            "imsx_CodeMinor": { "imsx_codeMinorField": [
                { "imsx_codeMinorFieldName": "TargetEndSystem", "imsx_codeMinorFieldValue": self.code }
            ] },
        });
        let mut response = (self.status, axum::Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// `object` with only the fields asked for (every field when none are).
pub fn selected(object: Map<String, Value>, fields: Option<&[String]>) -> Value {
    match fields {
        None => Value::Object(object),
        Some(fields) => Value::Object(object.into_iter().filter(|(key, _)| fields.contains(key)).collect()),
    }
}

/// One resource: `{"<singular>": {…}}`.
pub fn one(singular: &str, object: Map<String, Value>, fields: Option<&[String]>) -> Response {
    let mut body = Map::new();
    body.insert(singular.to_owned(), selected(object, fields));
    no_store(axum::Json(Value::Object(body)).into_response())
}

/// A page of a collection read at `path` with `query`: `{"<plural>": […]}`, with the total
/// in `X-Total-Count` and the other pages in `Link` (`first`, `prev`, `next`, `last`).
pub fn page(
    plural: &str,
    objects: Vec<Map<String, Value>>,
    total: u64,
    path: &str,
    query: &Query,
    raw: &[(String, String)],
) -> Response {
    let fields = query.fields.as_deref();
    let mut body = Map::new();
    body.insert(plural.to_owned(), Value::Array(objects.into_iter().map(|o| selected(o, fields)).collect()));
    let mut response = no_store(axum::Json(Value::Object(body)).into_response());
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&total.to_string()) {
        headers.insert("x-total-count", value);
    }
    if let Ok(value) = HeaderValue::from_str(&links(path, query, raw, total)) {
        headers.insert(header::LINK, value);
    }
    response
}

/// The `Link` header of a page: the same request at other offsets.
fn links(path: &str, query: &Query, raw: &[(String, String)], total: u64) -> String {
    let at = |offset: u64| {
        let mut params: Vec<(&str, String)> = raw
            .iter()
            .filter(|(name, _)| name != "offset" && name != "limit")
            .map(|(n, v)| (n.as_str(), v.clone()))
            .collect();
        params.push(("limit", query.limit.to_string()));
        params.push(("offset", offset.to_string()));
        let encoded = serde_urlencoded::to_string(&params).unwrap_or_default();
        format!("<{path}?{encoded}>")
    };
    let last = if total == 0 { 0 } else { (total - 1) / query.limit * query.limit };
    let mut links = vec![format!("{}; rel=\"first\"", at(0))];
    if query.offset > 0 {
        links.push(format!("{}; rel=\"prev\"", at(query.offset.saturating_sub(query.limit))));
    }
    if query.offset + query.limit < total {
        links.push(format!("{}; rel=\"next\"", at(query.offset + query.limit)));
    }
    links.push(format!("{}; rel=\"last\"", at(last)));
    links.join(", ")
}

/// Personal data is never kept by caches on the way.
fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use emis_oneroster::rest::parse;

    #[test]
    fn links_name_the_first_previous_next_and_last_pages_keeping_the_other_parameters() {
        let raw = vec![
            ("limit".to_owned(), "10".to_owned()),
            ("offset".to_owned(), "10".to_owned()),
            ("sort".to_owned(), "givenName".to_owned()),
        ];
        let query = parse(&raw, 1000).unwrap();
        let links = super::links("/x", &query, &raw, 35);
        assert!(links.contains("</x?sort=givenName&limit=10&offset=0>; rel=\"first\""), "{links}");
        assert!(links.contains("offset=0>; rel=\"prev\""), "{links}");
        assert!(links.contains("offset=20>; rel=\"next\""), "{links}");
        assert!(links.contains("offset=30>; rel=\"last\""), "{links}");
        let first = super::links("/x", &parse(&[], 1000).unwrap(), &[], 0);
        assert!(!first.contains("prev") && !first.contains("next"), "{first}");
    }
}
