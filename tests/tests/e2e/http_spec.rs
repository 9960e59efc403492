//! GraphQL over HTTP as the specification (graphql/graphql-over-http, the working draft) says:
//! only queries over GET, `application/json` bodies, `Accept` negotiation between
//! `application/graphql-response+json` and `application/json`, the status codes of each, the
//! coded bilingual error shape for malformed requests, fields in the order asked for, and the
//! graphql-http audit suite. The requests are written byte for byte over a socket, so that a
//! header can be left out (an HTTP client library adds `Accept` on its own).

mod audit;
mod bodies;
mod media;
mod methods;
mod order;

use emis_tests::TestApp;
use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// The media type of GraphQL responses.
pub const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
/// The media type of JSON, for requests and for legacy clients' responses.
pub const JSON: &str = "application/json";

/// An HTTP response as it came over the wire.
pub struct Answer {
    pub status: u16,
    headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    /// The value of a header (names compared without case), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    /// The `Content-Type` header, or the empty string.
    pub fn content_type(&self) -> &str {
        self.header("content-type").unwrap_or_default()
    }

    /// The body as JSON; fails the test with the body when it is not JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|error| panic!("not JSON ({error}), status {}: {}", self.status, self.body))
    }
}

/// One request: a method, a target (path and query string), headers as given, and a body.
pub async fn send(app: &TestApp, method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    let host = app.address.trim_start_matches("http://");
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if method == "POST" {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    let stream = tokio::net::TcpStream::connect(host).await.expect("connect to the server");
    let (mut reader, mut writer) = stream.into_split();
    let mut request = head.into_bytes();
    request.extend_from_slice(body);
    // The server may answer before it has read the whole body (a body over the limit): the
    // body is written beside the reading, and a write it refuses is no failure.
    let writing = tokio::spawn(async move { writer.write_all(&request).await.map(|()| writer) });
    let mut raw = Vec::new();
    let mut chunk = [0_u8; 16 * 1024];
    while let Ok(read @ 1..) = reader.read(&mut chunk).await {
        raw.extend_from_slice(&chunk[..read]);
    }
    drop(writing.await);
    parse_answer(&raw)
}

fn parse_answer(raw: &[u8]) -> Answer {
    let split = raw.windows(4).position(|window| window == b"\r\n\r\n").expect("a complete response head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next().and_then(|line| line.split(' ').nth(1)).and_then(|code| code.parse().ok()).unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    let chunked =
        headers.iter().any(|(name, value)| name.eq_ignore_ascii_case("transfer-encoding") && value.contains("chunked"));
    let body = &raw[split + 4..];
    let body = if chunked { dechunk(body) } else { body.to_vec() };
    Answer { status, headers, body: String::from_utf8(body).expect("a UTF-8 body") }
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let end = body.windows(2).position(|window| window == b"\r\n").unwrap();
        let size = usize::from_str_radix(String::from_utf8_lossy(&body[..end]).trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&body[end + 2..end + 2 + size]);
        body = &body[end + 2 + size + 2..];
    }
}

/// A POST of `body` as `application/json`, with `Accept` when given and the other headers.
pub async fn post(app: &TestApp, accept: Option<&str>, extra: &[(&str, &str)], body: &str) -> Answer {
    let mut headers = vec![("Content-Type", JSON)];
    headers.extend(accept.map(|accept| ("Accept", accept)));
    headers.extend_from_slice(extra);
    send(app, "POST", "/graphql", &headers, body.as_bytes()).await
}

/// A GET of `/graphql` with these parameters (form-encoded), `Accept` when given and the
/// other headers.
pub async fn get(app: &TestApp, parameters: &[(&str, &str)], accept: Option<&str>, extra: &[(&str, &str)]) -> Answer {
    let url = reqwest::Url::parse_with_params(&format!("{}/graphql", app.address), parameters).unwrap();
    let target = format!("{}?{}", url.path(), url.query().unwrap_or_default());
    let mut headers: Vec<(&str, &str)> = accept.map(|accept| ("Accept", accept)).into_iter().collect();
    headers.extend_from_slice(extra);
    send(app, "GET", &target, &headers, b"").await
}

/// Asserts that `body` is the project's error shape: an `errors` list whose first error has
/// `code` in `extensions.code` and a message in Vietnamese and English, no `data` member, and
/// no location at line or column 0.
pub fn assert_coded(body: &Value, code: &str) {
    let error = &body["errors"][0];
    assert_eq!(error["extensions"]["code"], code, "{body}");
    let message = error["message"].as_str().unwrap_or_default();
    assert!(message.contains(" / ") && message.len() > 10, "a message in both languages: {body}");
    assert!(body.get("data").is_none(), "a refused request carries no data: {body}");
    assert_no_line_0(body);
}

/// Asserts that no error of `body` has a location at line 0 or column 0 (locations count
/// from 1; an error with no place in the document has none).
pub fn assert_no_line_0(body: &Value) {
    for error in body["errors"].as_array().into_iter().flatten() {
        for location in error["locations"].as_array().into_iter().flatten() {
            assert!(location["line"].as_u64() >= Some(1), "a location at line 0: {body}");
            assert!(location["column"].as_u64() >= Some(1), "a location at column 0: {body}");
        }
    }
}
