//! Nothing secret in logs: with every span and event captured at DEBUG level while a code is
//! queued, refused once by the gateway, sent, and also "sent" by the log sender, neither the
//! phone number, the code nor the gateway's password appears — yet the messages' ids do, so
//! the capture did see the outbox at work.

use super::gateway::Gateway;
use super::{CODE, PHONE, code_message, school_and_guardian};
use emis::outbox::{Hidden, HttpSender, LogSender, Settings, deliver_due, enqueue};
use emis_tests::TestApp;

/// The capture is the test binary's, at DEBUG level, shared with the other tests (which
/// must leak nothing either).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_outbox_logs_ids_and_purposes_never_the_phone_the_code_or_the_gateway_password() {
    super::super::traces::install();

    let app = TestApp::spawn().await.unwrap();
    let (school, guardian) = school_and_guardian(&app).await;
    let (db, vault) = (&app.state.db, app.state.vault.as_ref());
    let gateway = Gateway::start(&[503, 200]).await;
    let settings = Settings {
        gateway_url: Some(gateway.url.clone()),
        gateway_password: Hidden("mat-khau-cong".to_owned()),
        retry_base_ms: 10,
        ..Settings::default()
    };
    let sender = HttpSender::sms(&settings).unwrap().unwrap();
    tracing::info!(settings = ?settings, "the test's outbox settings");
    let by_gateway = enqueue(db, vault, code_message(school, guardian)).await.unwrap();
    deliver_due(db, vault, &sender, &settings, chrono::Utc::now()).await.unwrap();
    let later = chrono::Utc::now() + chrono::Duration::minutes(1);
    assert_eq!(deliver_due(db, vault, &sender, &settings, later).await.unwrap().sent, 1);
    let by_log = enqueue(db, vault, code_message(school, guardian)).await.unwrap();
    let log = LogSender::default();
    assert_eq!(deliver_due(db, vault, &log, &settings, later).await.unwrap().sent, 1);
    assert!(log.sent()[0].body.contains(CODE), "the log sender keeps the message for tests");
    app.stop().await.unwrap();

    let captured = super::super::traces::captured();
    for id in [by_gateway, by_log] {
        assert!(captured.contains(&format!("message_id={id}")), "the outbox's events were captured");
    }
    assert!(captured.contains("http_503"), "the classified reason is logged");
    assert!(captured.contains("activation_code"));
    assert!(!captured.contains(PHONE), "a phone number leaked into the log");
    assert!(!captured.contains(CODE), "a code leaked into the log");
    assert!(!captured.contains("mat-khau-cong"), "the gateway password leaked into the log");
}
