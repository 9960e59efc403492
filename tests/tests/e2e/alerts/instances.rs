//! Several server instances over one database deliver each notification once: both run the
//! outbox worker, yet each push goes out once; a guardian subscribed on one instance gets a
//! notice published through the other exactly once.

use super::publish;
use crate::outbox::gateway::Gateway;
use crate::roll_call::{guardian_of, homeroom_class};
use crate::subscriptions::{Socket, connect_to, next};
use emis::config::Config;
use emis::startup::Application;
use emis_tests::{TestApp, policy_dir};
use entity::{guardian, notification};
use futures::{SinkExt as _, StreamExt as _};
use sea_orm::{ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _};
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

/// Outbox and subscription settings shared by both instances.
fn fast(config: &mut Config, gateway: &str) {
    config.outbox.poll_ms = 20;
    config.outbox.push_url = Some(gateway.to_owned());
    config.subscriptions.poll_ms = 50;
}

/// The next `next` event within `wait`, if any (pings answered).
async fn event_within(socket: &mut Socket, wait: Duration) -> Option<Value> {
    let reading = async {
        while let Some(Ok(message)) = socket.next().await {
            if let Message::Text(text) = message {
                let value: Value = serde_json::from_str(&text).unwrap();
                if value["type"] == "ping" {
                    socket.send(Message::text(json!({ "type": "pong" }).to_string())).await.unwrap();
                } else {
                    return Some(value);
                }
            }
        }
        None
    };
    tokio::time::timeout(wait, reading).await.ok().flatten()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_database_deliver_each_notification_once() {
    let gateway = Gateway::start(&[200]).await;
    let app = TestApp::spawn_with(|config| fast(config, &gateway.url)).await.unwrap();
    let mut config = Config::for_database(app.database.url.clone(), policy_dir());
    config.identity_file = Some(app.database.dir().join("identity.txt"));
    fast(&mut config, &gateway.url);
    let other = Application::build(config).await.unwrap();
    let other_address = format!("http://{}", other.local_addr().unwrap());
    let (stop, signal) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(other.run_until(async move {
        let _ = signal.await;
    }));

    let teacher = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &teacher).await;
    let mut usernames = Vec::new();
    for student in &class.students {
        usernames.push(guardian_of(&app, student).await);
    }
    usernames.sort();
    usernames.dedup();
    let mut with_device = Vec::new();
    for (index, username) in usernames.iter().enumerate() {
        let parent = app.sign_in(username).await.unwrap();
        let register = "mutation($t: String!) { registerPushDevice(token: $t, platform: \"android\") }";
        app.data(Some(&parent), register, json!({ "t": format!("tok-{index}") })).await.unwrap();
        let row = guardian::Entity::find().filter(guardian::Column::Username.eq(username)).one(&app.state.db).await;
        with_device.push(row.unwrap().unwrap().id);
    }
    assert!(with_device.len() >= 2);

    // A guardian subscribes on the other instance.
    let parent = app.sign_in(&guardian_of(&app, &class.students[0]).await).await.unwrap();
    let mut socket = connect_to(&other_address, &parent).await;
    assert_eq!(next(&mut socket).await.unwrap()["type"], "connection_ack");
    let subscribe = json!({ "id": "1", "type": "subscribe",
        "payload": { "query": "subscription { notifications { id kind noticeId } }" } });
    socket.send(Message::text(subscribe.to_string())).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    let notice = publish(&app, &teacher, &class.id, false).await;
    let told = notification::Entity::find().count(&app.state.db).await.unwrap();
    let event = event_within(&mut socket, Duration::from_secs(10)).await.expect("the notice arrives");
    assert_eq!(event["payload"]["data"]["notifications"]["noticeId"], json!(notice), "{event}");
    let mut events = 1;
    while let Some(extra) = event_within(&mut socket, Duration::from_millis(1500)).await {
        assert_eq!(extra["payload"]["data"]["notifications"]["noticeId"], json!(notice));
        assert_ne!(extra["payload"]["data"]["notifications"]["id"], event["payload"]["data"]["notifications"]["id"]);
        events += 1;
    }
    let mine = app.data(Some(&parent), "{ me { notifications(kinds: [\"notice\"]) { id } } }", json!({})).await;
    assert_eq!(events, mine.unwrap()["me"]["notifications"].as_array().unwrap().len(), "once per notification");

    // Both workers run; every notification's pushes go out once.
    let rows = notification::Entity::find().all(&app.state.db).await.unwrap();
    assert_eq!(u64::try_from(rows.len()).unwrap(), told);
    let expected = rows.iter().filter(|row| with_device.contains(&row.guardian_id)).count();
    assert!(expected >= 2);
    for _ in 0..200 {
        if gateway.received().len() >= expected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut references: Vec<String> =
        gateway.received().iter().map(|r| r.body["reference"].as_str().unwrap().to_owned()).collect();
    let sent = references.len();
    references.sort();
    references.dedup();
    assert_eq!((sent, references.len()), (expected, expected), "each push once, by one instance or the other");

    let _ = stop.send(());
    server.await.unwrap().unwrap();
    app.stop().await.unwrap();
}
