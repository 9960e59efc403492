//! What must reach every instance goes through the database: a guardian subscribed on one
//! instance receives an absence recorded through the other and is ended by a sign-out on
//! the other; a policy edit applied by one instance applies on the other, which does not
//! watch the files; and open subscriptions that wait cost no statements, however many.
//! Each subscription's periodic recheck is set to an hour, so only a signal can act in time.

use crate::roll_call::{guardian_of, homeroom_class, roll_call};
use crate::subscriptions::{Socket, assert_ends, connect, connect_to, next};
use emis::config::Config;
use emis::startup::Application;
use emis_tests::{TestApp, policy_copy, policy_dir};
use futures::SinkExt as _;
use serde_json::{Value, json};
use std::path::Path;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

/// No periodic recheck within a test's time.
fn waiting(config: &mut Config) {
    config.subscriptions.recheck_secs = 3600;
    config.subscriptions.poll_ms = 50;
}

/// Another instance over `app`'s database, its configuration adjusted by `adjust`.
struct Other {
    address: String,
    stop: oneshot::Sender<()>,
    server: JoinHandle<anyhow::Result<()>>,
}

impl Other {
    async fn start(app: &TestApp, adjust: impl FnOnce(&mut Config)) -> Self {
        let mut config = Config::for_database(app.database.url.clone(), policy_dir());
        config.identity_file = Some(app.database.dir().join("identity.txt"));
        adjust(&mut config);
        let other = Application::build(config).await.unwrap();
        let address = format!("http://{}", other.local_addr().unwrap());
        let (stop, signal) = oneshot::channel::<()>();
        let server = tokio::spawn(other.run_until(async move {
            let _ = signal.await;
        }));
        Self { address, stop, server }
    }

    async fn post(&self, token: &str, query: &str) -> Value {
        let request = reqwest::Client::new().post(format!("{}/graphql", self.address)).bearer_auth(token);
        request.json(&json!({ "query": query })).send().await.unwrap().json().await.unwrap()
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        self.server.await.unwrap().unwrap();
    }
}

async fn subscribe(socket: &mut Socket) {
    assert_eq!(next(socket).await.unwrap()["type"], "connection_ack");
    let subscribe = json!({ "id": "1", "type": "subscribe",
        "payload": { "query": "subscription { notifications { kind studentId status } }" } });
    socket.send(Message::text(subscribe.to_string())).await.unwrap();
    // The subscription registers and reads what is there before it (not sent).
    tokio::time::sleep(Duration::from_millis(300)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_absence_on_one_instance_reaches_the_other_and_a_sign_out_there_ends_it() {
    let app = TestApp::spawn_with(waiting).await.unwrap();
    let other = Other::start(&app, waiting).await;
    let teacher = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &teacher).await;
    let child = class.students[0].clone();
    let parent = app.sign_in(&guardian_of(&app, &child).await).await.unwrap();
    let mut socket = connect_to(&other.address, &parent).await;
    subscribe(&mut socket).await;

    let marks = json!([{ "studentId": child, "status": "unexcused" }]);
    let marked = roll_call(&app, &teacher, &class.id, "morning", marks).await;
    assert!(marked.get("errors").is_none(), "{marked}");
    let event = next(&mut socket).await.expect("the absence arrives");
    let told = &event["payload"]["data"]["notifications"];
    assert_eq!((told["studentId"].as_str(), told["status"].as_str()), (Some(child.as_str()), Some("unexcused")));

    // Signed out through the first instance: the stream on the other ends, not an hour later.
    app.data(Some(&parent), "mutation { signOut }", json!({})).await.unwrap();
    assert_ends(&mut socket).await;
    other.stop().await;
    app.stop().await.unwrap();
}

fn remove_line(dir: &Path, line: &str) {
    let path = dir.join("policy.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(line), "{line}");
    std::fs::write(&path, text.replace(&format!("{line}\n"), "")).unwrap();
}

const STUDENTS: &str = "{ students(first: 5) { nodes { id } } }";

fn sees_students(body: &Value) -> bool {
    body["data"]["students"]["nodes"].as_array().is_some_and(|nodes| !nodes.is_empty())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_policy_edit_applied_by_one_instance_applies_on_the_other() {
    let watched = policy_copy();
    let unwatched = policy_copy();
    let path = watched.path().to_path_buf();
    let app = TestApp::spawn_with(move |config| {
        config.policy_dir = path;
        config.policy_reload_secs = 1;
    })
    .await
    .unwrap();
    let path = unwatched.path().to_path_buf();
    let other = Other::start(&app, move |config| config.policy_dir = path).await;
    let clerk = app.sign_in("vanthu").await.unwrap();
    assert!(sees_students(&other.post(&clerk, STUDENTS).await), "the clerk reads the roll");

    remove_line(watched.path(), "p, clerk, student, read, in_school, allow");
    let mut applied = false;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if !sees_students(&other.post(&clerk, STUDENTS).await) {
            applied = true;
            break;
        }
    }
    assert!(applied, "the edit watched by the first instance applies on the other");
    assert_eq!(
        std::fs::read_to_string(unwatched.path().join("policy.csv")).unwrap(),
        std::fs::read_to_string(policy_dir().join("policy.csv")).unwrap(),
        "the other instance's files are unchanged: the version came through the database"
    );
    let first = app.graphql(Some(&clerk), STUDENTS, json!({})).await.unwrap();
    assert!(!sees_students(&first), "{first}");
    other.stop().await;
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiting_subscriptions_cost_no_statements() {
    const SUBSCRIPTIONS: u64 = 20;
    let app = TestApp::spawn_with(|config| config.subscriptions.recheck_secs = 3600).await.unwrap();
    let teacher = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &teacher).await;
    let parent = app.sign_in(&guardian_of(&app, &class.students[0]).await).await.unwrap();
    let mut sockets = Vec::new();
    for _ in 0..SUBSCRIPTIONS {
        let mut socket = connect(&app, &parent).await;
        subscribe(&mut socket).await;
        sockets.push(socket);
    }
    // Two seconds of waiting: a subscription that polled each second would run at least
    // two statements (its token, its read) each time.
    let before = app.sql_statements().await.unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let spent = app.sql_statements().await.unwrap() - before;
    assert!(spent < SUBSCRIPTIONS, "{spent} statements while {SUBSCRIPTIONS} subscriptions waited");
    let metrics = app.get("/metrics").await.unwrap().text().await.unwrap();
    assert!(metrics.contains(&format!("emis_subscriptions_open {SUBSCRIPTIONS}\n")), "{metrics}");

    // They still hear: one absence wakes them all.
    let marks = json!([{ "studentId": class.students[0], "status": "late" }]);
    let marked = roll_call(&app, &teacher, &class.id, "morning", marks).await;
    assert!(marked.get("errors").is_none(), "{marked}");
    for socket in &mut sockets {
        let event = next(socket).await.expect("the lateness arrives");
        assert_eq!(event["payload"]["data"]["notifications"]["status"], "late", "{event}");
    }
    app.stop().await.unwrap();
}
