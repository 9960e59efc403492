//! Delivery: a temporary failure is retried after a backoff and then sent; a refusal fails at
//! once; attempts run out; a message left `sending` by a killed worker is sent again once its
//! lease has passed, and not before; two workers never send one message twice; the worker
//! started with the server sends on its own.

use super::gateway::Gateway;
use super::{CODE, PHONE, code_message, school_and_guardian};
use emis::outbox::{HttpSender, LogSender, Settings, deliver_due, enqueue};
use emis_tests::TestApp;
use entity::outbox_message;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use std::time::Duration;

fn settings(gateway: &Gateway) -> Settings {
    Settings {
        gateway_url: Some(gateway.url.clone()),
        gateway_user: "truong".to_owned(),
        gateway_password: emis::outbox::Hidden("bi-mat".to_owned()),
        retry_base_ms: 60_000,
        max_attempts: 3,
        ..Settings::default()
    }
}

async fn queued(app: &TestApp) -> i64 {
    let (school, guardian) = school_and_guardian(app).await;
    enqueue(&app.state.db, &app.state.vault, code_message(school, guardian)).await.unwrap()
}

async fn row(app: &TestApp, id: i64) -> outbox_message::Model {
    outbox_message::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap()
}

#[tokio::test]
async fn a_temporary_failure_is_retried_after_a_backoff_then_sent() {
    let app = TestApp::spawn().await.unwrap();
    let gateway = Gateway::start(&[503, 200]).await;
    let settings = settings(&gateway);
    let sender = HttpSender::sms(&settings).unwrap().unwrap();
    let id = queued(&app).await;
    let (db, vault) = (&app.state.db, app.state.vault.as_ref());

    let now = chrono::Utc::now();
    let first = deliver_due(db, vault, &sender, &settings, now).await.unwrap();
    assert_eq!((first.sent, first.retried, first.failed), (0, 1, 0));
    let waiting = row(&app, id).await;
    assert_eq!((waiting.state.as_str(), waiting.attempts), ("pending", 1));
    assert_eq!(waiting.last_error.as_deref(), Some("http_503"));
    let wait = (waiting.next_attempt_at - now).num_milliseconds();
    assert!((30_000..=61_000).contains(&wait), "backed off by half to all of the base: {wait} ms");

    let early = deliver_due(db, vault, &sender, &settings, now + chrono::Duration::seconds(1)).await.unwrap();
    assert_eq!(early.handled(), 0, "not tried again before its time");
    let later = deliver_due(db, vault, &sender, &settings, waiting.next_attempt_at).await.unwrap();
    assert_eq!(later.sent, 1);
    let sent = row(&app, id).await;
    assert_eq!((sent.state.as_str(), sent.attempts, sent.last_error), ("sent", 2, None));
    assert!(sent.sent_at.is_some());

    let received = gateway.received();
    assert_eq!(received.len(), 2);
    assert_eq!(received[1].body["to"], PHONE);
    assert!(received[1].body["text"].as_str().unwrap().contains(CODE));
    assert_eq!(received[1].body["reference"], id.to_string());
    // "truong:bi-mat" in base64.
    assert_eq!(received[1].authorization.as_deref(), Some("Basic dHJ1b25nOmJpLW1hdA=="));
    app.stop().await.unwrap();
}

#[tokio::test]
async fn a_refusal_fails_at_once_and_a_gateway_down_runs_out_of_attempts() {
    let app = TestApp::spawn().await.unwrap();
    let (db, vault) = (&app.state.db, app.state.vault.as_ref());
    let refusing = Gateway::start(&[400]).await;
    let settings_refused = settings(&refusing);
    let sender = HttpSender::sms(&settings_refused).unwrap().unwrap();
    let refused = queued(&app).await;
    let report = deliver_due(db, vault, &sender, &settings_refused, chrono::Utc::now()).await.unwrap();
    assert_eq!(report.failed, 1);
    let row_refused = row(&app, refused).await;
    assert_eq!((row_refused.state.as_str(), row_refused.attempts), ("failed", 1));
    assert_eq!(row_refused.last_error.as_deref(), Some("http_400"));

    let down = Gateway::start(&[502]).await;
    let settings_down = settings(&down);
    let sender = HttpSender::sms(&settings_down).unwrap().unwrap();
    let given_up = queued(&app).await;
    let mut at = chrono::Utc::now();
    for _ in 0..3 {
        deliver_due(db, vault, &sender, &settings_down, at).await.unwrap();
        at = row(&app, given_up).await.next_attempt_at.max(at) + chrono::Duration::milliseconds(1);
    }
    let last = row(&app, given_up).await;
    assert_eq!((last.state.as_str(), last.attempts), ("failed", 3), "three attempts, then given up");
    assert_eq!(last.last_error.as_deref(), Some("http_502"));
    assert_eq!(down.received().len(), 3);
    assert_eq!(
        deliver_due(db, vault, &sender, &settings_down, at + chrono::Duration::days(1)).await.unwrap().handled(),
        0
    );

    // Nothing listens on a closed port: a connection failure is temporary.
    let closed = Settings { gateway_url: Some("http://127.0.0.1:9/sms".to_owned()), ..settings_down };
    let sender = HttpSender::sms(&closed).unwrap().unwrap();
    let unreachable = queued(&app).await;
    deliver_due(db, vault, &sender, &closed, chrono::Utc::now()).await.unwrap();
    let row_unreachable = row(&app, unreachable).await;
    assert_eq!((row_unreachable.state.as_str(), row_unreachable.last_error.as_deref()), ("pending", Some("connect")));
    app.stop().await.unwrap();
}

#[tokio::test]
async fn a_message_left_sending_by_a_killed_worker_is_sent_again_once_its_lease_passed() {
    let app = TestApp::spawn().await.unwrap();
    let (db, vault) = (&app.state.db, app.state.vault.as_ref());
    let settings = Settings::default();
    let sender = LogSender::default();
    let id = queued(&app).await;
    // A worker claimed it and was killed mid-send: `sending`, one attempt, lease running.
    let now = chrono::Utc::now();
    let lease_ends = now + settings.lease();
    outbox_message::Entity::update_many()
        .col_expr(outbox_message::Column::State, Expr::value("sending"))
        .col_expr(outbox_message::Column::Attempts, Expr::value(1))
        .col_expr(outbox_message::Column::NextAttemptAt, Expr::value(lease_ends))
        .filter(outbox_message::Column::Id.eq(id))
        .exec(db)
        .await
        .unwrap();
    let during = deliver_due(db, vault, &sender, &settings, now + chrono::Duration::seconds(5)).await.unwrap();
    assert_eq!(during.handled(), 0, "another worker's lease is respected");
    assert!(sender.sent().is_empty());
    let after = deliver_due(db, vault, &sender, &settings, lease_ends).await.unwrap();
    assert_eq!(after.sent, 1);
    let sent = row(&app, id).await;
    assert_eq!((sent.state.as_str(), sent.attempts), ("sent", 2));
    assert_eq!(sender.sent().len(), 1);
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_at_once_send_each_message_once() {
    let app = TestApp::spawn().await.unwrap();
    let (db, vault) = (&app.state.db, app.state.vault.as_ref());
    let mut ids = Vec::new();
    for _ in 0..6 {
        ids.push(queued(&app).await);
    }
    let (settings, one, other) = (Settings::default(), LogSender::default(), LogSender::default());
    let now = chrono::Utc::now();
    let (a, b) =
        tokio::join!(deliver_due(db, vault, &one, &settings, now), deliver_due(db, vault, &other, &settings, now));
    assert_eq!(a.unwrap().sent + b.unwrap().sent, 6);
    let mut sent: Vec<i64> = one.sent().iter().chain(other.sent().iter()).map(|d| d.message_id).collect();
    sent.sort_unstable();
    assert_eq!(sent, ids, "each message went out exactly once");
    app.stop().await.unwrap();
}

#[tokio::test]
async fn the_worker_started_with_the_server_sends_on_its_own_and_stops_with_it() {
    let app = TestApp::spawn_with(|config| config.outbox.poll_ms = 20).await.unwrap();
    let id = queued(&app).await;
    let mut state = String::new();
    for _ in 0..250 {
        state = row(&app, id).await.state;
        if state == "sent" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(state, "sent");
    let log = app.state.outbox.log().expect("no gateway configured: the log sender");
    let delivered = log.sent();
    assert_eq!(delivered.len(), 1);
    assert_eq!((delivered[0].phone.as_str(), delivered[0].recipient_kind.as_str()), (PHONE, "guardian"));
    assert!(delivered[0].body.contains(CODE));
    tokio::time::timeout(Duration::from_secs(10), app.stop()).await.expect("the server stops with its worker").unwrap();
}
