//! A GraphQL-over-HTTP request taken apart as the specification says, before anything runs:
//! the media type to answer in (from `Accept`), the method, and the parameters (`query`,
//! `operationName`, `variables`, `extensions`) from the query string of a GET or the JSON
//! body of a POST. What is not a well-formed request is refused here, in the coded bilingual
//! error shape: 406 when neither GraphQL media type is acceptable, 415 for a POST body that
//! is not `application/json` in UTF-8 (also when no `Content-Type` is given), 413 for a body
//! over [`MAX_BODY`], and 400 for a body or parameters that are malformed (not JSON, not an
//! object, `query` missing or not a string, `variables` or `extensions` not an object,
//! `operationName` not a string). `null`, and on a GET the empty string, count as absent;
//! properties the specification does not name are ignored.

use super::media::{ResponseMedia, is_json_utf8};
use super::reply::refused;
use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Query, Request};
use axum::http::{Method, StatusCode, header};
use axum::response::Response;
use serde_json::{Map, Value};

/// The longest request body read.
pub const MAX_BODY: usize = 1024 * 1024;

/// A well-formed GraphQL-over-HTTP request.
pub struct GraphqlHttpRequest {
    /// The media type to answer in.
    pub media: ResponseMedia,
    /// Whether it came by GET (or HEAD), which may run queries only.
    pub safe_method: bool,
    /// The GraphQL request its parameters make.
    pub request: async_graphql::Request,
}

impl<S: Send + Sync> FromRequest<S> for GraphqlHttpRequest {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let media = ResponseMedia::negotiate(request.headers())
            .ok_or_else(|| refused(StatusCode::NOT_ACCEPTABLE, ApiError::NotAcceptable))?;
        let safe_method = matches!(*request.method(), Method::GET | Method::HEAD);
        let request = if safe_method {
            from_query_string(request.uri().query().unwrap_or_default()).map_err(bad_request)?
        } else {
            from_json_body(&read_body(request, state).await?).map_err(bad_request)?
        };
        Ok(Self { media, safe_method, request })
    }
}

/// The body of a POST; a refusal for one that is not JSON in UTF-8, or too long.
async fn read_body<S: Send + Sync>(request: Request, state: &S) -> Result<Bytes, Response> {
    if !is_json_utf8(request.headers()) {
        return Err(refused(StatusCode::UNSUPPORTED_MEDIA_TYPE, ApiError::UnsupportedMediaType));
    }
    let declared = request.headers().get(header::CONTENT_LENGTH).and_then(|value| value.to_str().ok());
    if declared.and_then(|length| length.parse::<usize>().ok()).is_some_and(|length| length > MAX_BODY) {
        return Err(refused(StatusCode::PAYLOAD_TOO_LARGE, ApiError::PayloadTooLarge));
    }
    Bytes::from_request(request, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            refused(StatusCode::PAYLOAD_TOO_LARGE, ApiError::PayloadTooLarge)
        } else {
            bad_request(malformed("không đọc được nội dung", "the body could not be read"))
        }
    })
}

/// The parameters of a JSON body.
fn from_json_body(body: &[u8]) -> Result<async_graphql::Request, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(parameters)) => from_json_object(parameters),
        Ok(_) => Err(malformed("nội dung phải là một đối tượng JSON", "the body must be a JSON object")),
        Err(_) => Err(malformed("nội dung không phải JSON (UTF-8)", "the body is not JSON (UTF-8)")),
    }
}

/// The parameters of a JSON body's object.
fn from_json_object(mut parameters: Map<String, Value>) -> Result<async_graphql::Request, ApiError> {
    let query = match parameters.remove("query") {
        Some(Value::String(query)) => query,
        None | Some(Value::Null) => return Err(missing_query()),
        Some(_) => return Err(wrong_type("query", Expected::String)),
    };
    let operation_name = match parameters.remove("operationName") {
        Some(Value::String(name)) => Some(name),
        None | Some(Value::Null) => None,
        Some(_) => return Err(wrong_type("operationName", Expected::String)),
    };
    let variables = json_object(&mut parameters, "variables")?;
    let extensions = json_object(&mut parameters, "extensions")?;
    Ok(request(query, operation_name, variables, extensions))
}

/// The member `name` of a JSON body: absent or null, or an object.
fn json_object(
    parameters: &mut Map<String, Value>,
    name: &'static str,
) -> Result<Option<Map<String, Value>>, ApiError> {
    match parameters.remove(name) {
        Some(Value::Object(object)) => Ok(Some(object)),
        None | Some(Value::Null) => Ok(None),
        Some(_) => Err(wrong_type(name, Expected::Object)),
    }
}

/// The parameters of a GET's query string (form-encoded; `variables` and `extensions` are
/// JSON text). A parameter given twice is refused rather than one of them chosen.
fn from_query_string(query_string: &str) -> Result<async_graphql::Request, ApiError> {
    let uri = format!("/?{query_string}");
    let pairs = uri
        .parse()
        .ok()
        .and_then(|uri| Query::<Vec<(String, String)>>::try_from_uri(&uri).ok())
        .ok_or_else(|| malformed("không đọc được chuỗi truy vấn của URL", "the URL's query string could not be read"))?
        .0;
    let parameter = |name: &'static str| -> Result<Option<String>, ApiError> {
        let mut values = pairs.iter().filter(|(key, _)| key == name).map(|(_, value)| value);
        match (values.next(), values.next()) {
            (Some(_), Some(_)) => Err(malformed(
                format!("tham số {name} xuất hiện nhiều lần"),
                format!("the {name} parameter is given more than once"),
            )),
            (value, _) => Ok(value.filter(|value| !value.is_empty()).cloned()),
        }
    };
    let query = parameter("query")?.ok_or_else(missing_query)?;
    let operation_name = parameter("operationName")?;
    let variables = parameter("variables")?.map(|text| json_text("variables", &text)).transpose()?;
    let extensions = parameter("extensions")?.map(|text| json_text("extensions", &text)).transpose()?;
    Ok(request(query, operation_name, variables, extensions))
}

/// The JSON object that the URL parameter `name` holds as text.
fn json_text(name: &'static str, text: &str) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_str(text) {
        Ok(Value::Object(object)) => Ok(object),
        _ => Err(wrong_type(name, Expected::Object)),
    }
}

fn request(
    query: String,
    operation_name: Option<String>,
    variables: Option<Map<String, Value>>,
    extensions: Option<Map<String, Value>>,
) -> async_graphql::Request {
    let mut request = async_graphql::Request::new(query);
    request.operation_name = operation_name;
    if let Some(variables) = variables {
        request.variables = async_graphql::Variables::from_json(Value::Object(variables));
    }
    for (name, value) in extensions.into_iter().flatten() {
        if let Ok(value) = async_graphql::Value::from_json(value) {
            request.extensions.0.insert(name, value);
        }
    }
    request
}

/// The type a parameter must have.
#[derive(Clone, Copy)]
enum Expected {
    String,
    Object,
}

fn wrong_type(name: &str, expected: Expected) -> ApiError {
    let (vi, en) = match expected {
        Expected::String => ("một chuỗi", "a string"),
        Expected::Object => ("một đối tượng JSON", "a JSON object"),
    };
    malformed(format!("tham số {name} phải là {vi}"), format!("the {name} parameter must be {en}"))
}

fn missing_query() -> ApiError {
    malformed("thiếu tham số query (văn bản GraphQL)", "the query parameter (the GraphQL text) is missing")
}

fn bad_request(error: ApiError) -> Response {
    refused(StatusCode::BAD_REQUEST, error)
}

fn malformed(vi: impl Into<String>, en: impl Into<String>) -> ApiError {
    ApiError::BadRequest { vi: vi.into(), en: en.into() }
}

#[cfg(test)]
mod tests {
    use super::{from_json_object, from_query_string};
    use serde_json::{Value, json};

    fn body(value: Value) -> Result<async_graphql::Request, &'static str> {
        let Value::Object(object) = value else { unreachable!() };
        from_json_object(object).map_err(|error| error.code())
    }

    #[test]
    fn a_body_s_parameters_have_their_types_or_are_null() {
        let request = body(json!({ "query": "{ a }", "operationName": null, "variables": { "x": 1 }, "other": 2 }));
        let request = request.unwrap();
        assert_eq!(request.query, "{ a }");
        assert!(request.operation_name.is_none());
        assert_eq!(request.variables.get("x").map(ToString::to_string).as_deref(), Some("1"));
        for wrong in [json!({}), json!({ "query": 1 }), json!({ "query": "{ a }", "variables": [] })] {
            assert_eq!(body(wrong).err(), Some("BAD_REQUEST"));
        }
    }

    #[test]
    fn a_query_string_s_parameters_are_json_text_and_empty_means_absent() {
        let request = from_query_string("query=%7B%20a%20%7D&variables=%7B%22x%22%3A1%7D&operationName=").unwrap();
        assert_eq!(request.query, "{ a }");
        assert!(request.operation_name.is_none());
        assert_eq!(request.variables.get("x").map(ToString::to_string).as_deref(), Some("1"));
        for wrong in ["", "query=", "query=a&query=b", "query=a&variables=1", "query=a&extensions=%7B"] {
            assert_eq!(from_query_string(wrong).err().map(|error| error.code()), Some("BAD_REQUEST"), "{wrong}");
        }
    }
}
