//! Subscriptions over WebSocket (graphql-transport-ws): a guardian's open subscription
//! receives the absence of their child as it is recorded, and is completed by the server
//! once their guardianships end — with the connection's token still unrevoked; a
//! notification that commits after one with a larger id still arrives. A connection
//! without a valid token is refused.

use super::grade_entry::decode;
use super::roll_call::{homeroom_class, roll_call};
use emis_tests::TestApp;
use entity::{guardian, guardianship, notification};
use futures::{SinkExt as _, StreamExt as _};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, QueryOrder as _};
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;

pub(crate) type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub(crate) async fn connect(app: &TestApp, token: &str) -> Socket {
    connect_to(&app.address, token).await
}

/// A graphql-ws connection to the server at `address`, initialised with `token`.
pub(crate) async fn connect_to(address: &str, token: &str) -> Socket {
    let url = format!("{}/graphql/ws", address.replacen("http://", "ws://", 1));
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } });
    socket.send(Message::text(init.to_string())).await.unwrap();
    socket
}

/// The next protocol message (pings answered), or `None` when the socket closed; fails the
/// test after 10 s.
pub(crate) async fn next(socket: &mut Socket) -> Option<Value> {
    let wait = async {
        while let Some(message) = socket.next().await {
            match message {
                Ok(Message::Text(text)) => {
                    let value: Value = serde_json::from_str(&text).unwrap();
                    if value["type"] == "ping" {
                        socket.send(Message::text(json!({ "type": "pong" }).to_string())).await.unwrap();
                        continue;
                    }
                    return Some(value);
                }
                Ok(Message::Close(_)) | Err(_) => return None,
                Ok(_) => {}
            }
        }
        None
    };
    tokio::time::timeout(Duration::from_secs(10), wait).await.expect("the server answered in time")
}

/// Reads past events until the server completes the subscription or closes the socket;
/// fails the test when it does neither.
pub(crate) async fn assert_ends(socket: &mut Socket) {
    let ended = loop {
        match next(socket).await {
            Some(message) if message["type"] == "next" => continue,
            other => break other,
        }
    };
    assert!(ended.as_ref().is_none_or(|message| message["type"] == "complete"), "{ended:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guardians_subscription_receives_an_absence_and_is_completed_when_the_guardianship_ends() {
    // PostgreSQL announces a guardianship's change; on SQLite the periodic recheck finds it.
    let app = TestApp::spawn_with(|config| {
        config.subscriptions.poll_ms = 50;
        config.subscriptions.recheck_secs = 1;
    })
    .await
    .unwrap();
    let teacher = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &teacher).await;
    let child = class.students[0].clone();
    let link = guardianship::Entity::find()
        .filter(guardianship::Column::StudentId.eq(decode("Student", &child)))
        .filter(guardianship::Column::AccessStatus.eq("active"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let parent = guardian::Entity::find_by_id(link.guardian_id).one(&app.state.db).await.unwrap().unwrap();
    let token = app.sign_in(parent.username.as_deref().unwrap()).await.unwrap();

    let mut socket = connect(&app, &token).await;
    assert_eq!(next(&mut socket).await.unwrap()["type"], "connection_ack");
    let subscribe = json!({ "id": "1", "type": "subscribe",
        "payload": { "query": "subscription { notifications { kind studentId status session } }" } });
    socket.send(Message::text(subscribe.to_string())).await.unwrap();
    // Give the subscription a poll to start from the newest notification, then mark the child.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let marked =
        roll_call(&app, &teacher, &class.id, "morning", json!([{ "studentId": child, "status": "unexcused" }])).await;
    assert!(marked.get("errors").is_none(), "{marked}");
    let event = next(&mut socket).await.expect("an event");
    assert_eq!(event["type"], "next", "{event}");
    let told = &event["payload"]["data"]["notifications"];
    assert_eq!((told["studentId"].as_str(), told["status"].as_str()), (Some(child.as_str()), Some("unexcused")));

    // Ids are not commit order: a notification that took a smaller id but committed after
    // one already sent still arrives.
    let sent = notification::Entity::find()
        .filter(notification::Column::GuardianId.eq(parent.id))
        .order_by_desc(notification::Column::Id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    for (offset, status) in [(10, "late"), (5, "excused")] {
        let row = notification::Model {
            id: sent.id + offset,
            status: Some(status.to_owned()),
            created_at: chrono::Utc::now(),
            ..sent.clone()
        };
        notification::Entity::insert(notification::ActiveModel::from(row)).exec(&app.state.db).await.unwrap();
        let event = next(&mut socket).await.expect("an event");
        assert_eq!(event["payload"]["data"]["notifications"]["status"], status, "{event}");
    }

    // Every guardianship of the guardian ends: the server completes the subscription.
    guardianship::Entity::update_many()
        .col_expr(
            guardianship::Column::EndsOn,
            sea_orm::sea_query::Expr::value(emis::clock::today().pred_opt().unwrap()),
        )
        .filter(guardianship::Column::GuardianId.eq(parent.id))
        .exec(&app.state.db)
        .await
        .unwrap();
    assert_ends(&mut socket).await;
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_without_a_valid_token_is_refused() {
    let app = TestApp::spawn().await.unwrap();
    let mut socket = connect(&app, "emis_atg_not-a-token").await;
    let answer = next(&mut socket).await;
    assert!(answer.as_ref().is_none_or(|message| message["type"] != "connection_ack"), "{answer:?}");
    app.stop().await.unwrap();
}
