//! A tiny SMS gateway on 127.0.0.1 for the HTTP sender: it answers each request with the next
//! status of its script (the last one repeats) and keeps what it was sent.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde_json::Value;
use std::sync::{Arc, Mutex};

/// What the gateway received: the JSON body and the `Authorization` header.
#[derive(Clone, Debug)]
pub struct Received {
    pub body: Value,
    pub authorization: Option<String>,
}

#[derive(Default)]
struct Script {
    statuses: Vec<u16>,
    received: Vec<Received>,
}

/// A running gateway.
pub struct Gateway {
    pub url: String,
    script: Arc<Mutex<Script>>,
    server: tokio::task::JoinHandle<()>,
}

impl Gateway {
    /// Starts a gateway answering `statuses` in turn.
    pub async fn start(statuses: &[u16]) -> Self {
        let script = Arc::new(Mutex::new(Script { statuses: statuses.to_vec(), received: Vec::new() }));
        let app = axum::Router::new().route("/sms", axum::routing::post(answer)).with_state(Arc::clone(&script));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/sms", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self { url, script, server }
    }

    /// Every request received, in order.
    pub fn received(&self) -> Vec<Received> {
        self.script.lock().unwrap().received.clone()
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn answer(State(script): State<Arc<Mutex<Script>>>, headers: HeaderMap, Json(body): Json<Value>) -> StatusCode {
    let mut script = script.lock().unwrap();
    let authorization = headers.get("authorization").and_then(|value| value.to_str().ok()).map(str::to_owned);
    script.received.push(Received { body, authorization });
    let index = (script.received.len() - 1).min(script.statuses.len() - 1);
    StatusCode::from_u16(script.statuses[index]).unwrap()
}
