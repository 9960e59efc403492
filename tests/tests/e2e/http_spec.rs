//! GraphQL over HTTP as the specification (graphql/graphql-over-http, the working draft) says:
//! fields in the order asked for. The requests are written byte for byte over a socket, so
//! that a header can be left out (an HTTP client library adds `Accept` on its own).

mod order;

use emis_tests::TestApp;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// The media type of GraphQL responses.
pub const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
/// The media type of JSON, for requests and for legacy clients' responses.
pub const JSON: &str = "application/json";

/// An HTTP response as it came over the wire.
pub struct Answer {
    pub status: u16,
    pub body: String,
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
    Answer { status, body: String::from_utf8(body).expect("a UTF-8 body") }
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
