//! No personal data in traces or logs: with every span and event of the server captured at
//! DEBUG level, a sign-in's password, a searched name (also in a GET request's query string),
//! and the identity numbers and phone numbers a principal reads appear nowhere in span names,
//! fields or messages.

use emis_tests::{DEMO_PASSWORD, TestApp};
use serde_json::json;
use std::fmt::Write as _;
use std::sync::{Mutex, OnceLock};
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt as _};
use tracing_subscriber::{Layer, Registry};

/// Everything any span or event said, as text.
static CAPTURED: OnceLock<Mutex<String>> = OnceLock::new();

struct Capture;

struct Text<'a>(&'a mut String);

impl Visit for Text<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, " {}={}", field.name(), value);
    }
}

impl<S: tracing::Subscriber> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &tracing::span::Attributes<'_>, _: &tracing::span::Id, _: Context<'_, S>) {
        let mut text = format!("\nspan {}", attrs.metadata().name());
        attrs.record(&mut Text(&mut text));
        push(&text);
    }
    fn on_record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>, _: Context<'_, S>) {
        let mut text = String::from("\nrecord");
        values.record(&mut Text(&mut text));
        push(&text);
    }
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let mut text = format!("\nevent {}", event.metadata().target());
        event.record(&mut Text(&mut text));
        push(&text);
    }
}

fn push(text: &str) {
    if let Some(captured) = CAPTURED.get()
        && let Ok(mut all) = captured.lock()
    {
        all.push_str(text);
    }
}

/// Captures every span and event of the test binary from now on (once for all its tests).
pub fn install() {
    CAPTURED.get_or_init(|| {
        let filter = tracing_subscriber::filter::LevelFilter::DEBUG;
        let subscriber = Registry::default().with(Capture.with_filter(filter));
        let _ = tracing::subscriber::set_global_default(subscriber);
        Mutex::new(String::new())
    });
}

/// Everything captured so far, by every test of the binary.
pub fn captured() -> String {
    CAPTURED.get().and_then(|captured| captured.lock().ok().map(|all| all.clone())).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn traces_and_logs_carry_no_password_name_searched_identity_number_or_phone() {
    install();
    let app = TestApp::spawn().await.unwrap();
    let token = app.sign_in("hieutruong").await.unwrap();
    let page = app
        .data(
            Some(&token),
            "query($s: String) { students(search: $s, first: 50) { nodes { fullName identityNumber guardians { phone } } } }",
            json!({ "s": "nguyen" }),
        )
        .await
        .unwrap();
    let over_get = app
        .get("/graphql?query=query(%24s%3AString)%7Bme%7Broles%7D%7D&variables=%7B%22s%22%3A%22tuyet%22%7D")
        .await
        .unwrap();
    assert!(over_get.status().is_success());
    app.state.disclosures.flush().await;
    let nodes = page["students"]["nodes"].as_array().unwrap().clone();
    assert!(!nodes.is_empty());
    let captured = CAPTURED.get().unwrap().lock().unwrap().clone();
    assert!(captured.contains("graphql.request"), "spans were captured");
    assert!(captured.contains("graphql.resolve"), "resolver spans are on when DEBUG is listened to");
    assert!(!captured.contains(DEMO_PASSWORD), "a password leaked into a trace");
    assert!(!captured.contains("nguyen"), "a searched name leaked into a trace");
    assert!(!captured.contains("tuyet"), "variables of a GET request leaked into a trace");
    for node in &nodes {
        let number = node["identityNumber"].as_str().unwrap();
        assert!(!captured.contains(number), "an identity number leaked into a trace");
        for guardian in node["guardians"].as_array().unwrap() {
            if let Some(phone) = guardian["phone"].as_str() {
                assert!(!captured.contains(phone), "a phone number leaked into a trace");
            }
        }
    }
    app.stop().await.unwrap();
}
