//! A guardian's notifications of every kind in one place: a class notice, a teacher's
//! message, an absence and scores each reach the child's guardians — live on one
//! subscription, which ends on sign-out — and no one else; unread counts by kind follow
//! `markRead`, `markNoticeRead` and `markConversationRead`; and `markRead` with another
//! family's ids, a conversation out of reach or a staff token marks nothing. How they reach
//! phones is in `channels`; several instances in `instances`; what staff are told in `staff`.

mod channels;
mod instances;
mod staff;

use crate::grade_entry::{RECORD, decode, scored_column};
use crate::roll_call::{guardian_of, homeroom_class, roll_call};
use crate::subscriptions::{assert_ends, connect, next};
use emis_tests::{TestApp, error_code};
use entity::notification;
use futures::SinkExt as _;
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

pub(crate) const PUBLISH: &str = "mutation($input: PublishNoticeInput!) { publishNotice(input: $input) { id } }";
const OPEN: &str = "mutation($s: ID!) { openConversation(input: { studentId: $s }) { id } }";
const SEND: &str = "mutation($c: ID!, $b: String!) { sendMessage(conversationId: $c, body: $b) { id } }";
const UNREAD: &str = "{ me { unread { total absences notices messages scores } } }";
const LIST: &str = "query($kinds: [String!]) { me { notifications(kinds: $kinds) {
    id kind studentId noticeId conversationId sectionId urgent readAt } } }";
const MARK: &str =
    "mutation($input: MarkReadInput!) { markRead(input: $input) { total absences notices messages scores } }";

/// Publishes a notice to `class` as `token`; its id.
pub(crate) async fn publish(app: &TestApp, token: &str, class: &str, urgent: bool) -> String {
    let input = json!({ "kind": "notice", "title": "Nghỉ học do bão", "body": "Thứ Hai nghỉ.", "classId": class,
        "urgent": urgent });
    let data = app.data(Some(token), PUBLISH, json!({ "input": input })).await.unwrap();
    data["publishNotice"]["id"].as_str().unwrap().to_owned()
}

/// Opens a conversation with `student`'s guardians as their teacher `token` and sends one
/// message; the conversation's id.
async fn message(app: &TestApp, token: &str, student: &str) -> String {
    let opened = app.data(Some(token), OPEN, json!({ "s": student })).await.unwrap();
    let id = opened["openConversation"]["id"].as_str().unwrap().to_owned();
    app.data(Some(token), SEND, json!({ "c": id, "b": "Cháu hôm nay rất ngoan." })).await.unwrap();
    id
}

/// `token`'s unread counts.
async fn unread(app: &TestApp, token: &str) -> Value {
    app.data(Some(token), UNREAD, json!({})).await.unwrap()["me"]["unread"].clone()
}

/// `token`'s notifications (of `kinds`, or all).
async fn listed(app: &TestApp, token: &str, kinds: Option<&[&str]>) -> Vec<Value> {
    let data = app.data(Some(token), LIST, json!({ "kinds": kinds })).await.unwrap();
    data["me"]["notifications"].as_array().unwrap().clone()
}

/// The next `kind` of event the subscription sends.
async fn next_kind(socket: &mut crate::subscriptions::Socket) -> Value {
    let event = next(socket).await.expect("an event");
    assert_eq!(event["type"], "next", "{event}");
    event["payload"]["data"]["notifications"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notice_a_message_and_an_absence_arrive_live_on_one_stream_which_ends_on_sign_out() {
    let app = TestApp::spawn_with(|config| config.subscriptions.poll_ms = 50).await.unwrap();
    let teacher = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &teacher).await;
    let child = class.students[0].clone();
    let parent = app.sign_in(&guardian_of(&app, &child).await).await.unwrap();

    let mut socket = connect(&app, &parent).await;
    assert_eq!(next(&mut socket).await.unwrap()["type"], "connection_ack");
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query":
        "subscription { notifications { kind studentId noticeId conversationId status } }" } });
    socket.send(Message::text(subscribe.to_string())).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    let notice = publish(&app, &teacher, &class.id, false).await;
    let told = next_kind(&mut socket).await;
    assert_eq!((told["kind"].as_str(), told["noticeId"].as_str()), (Some("notice"), Some(notice.as_str())));
    assert_eq!(told["studentId"], json!(child));

    let conversation = message(&app, &teacher, &child).await;
    let told = next_kind(&mut socket).await;
    assert_eq!(told["kind"], "message", "{told}");
    assert_eq!(told["conversationId"], json!(conversation));

    let marked =
        roll_call(&app, &teacher, &class.id, "morning", json!([{ "studentId": child, "status": "unexcused" }]));
    assert!(marked.await.get("errors").is_none());
    let told = next_kind(&mut socket).await;
    assert_eq!((told["kind"].as_str(), told["status"].as_str()), (Some("absence"), Some("unexcused")));

    app.data(Some(&parent), "mutation { signOut }", json!({})).await.unwrap();
    assert_ends(&mut socket).await;
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unread_counts_by_kind_follow_reading_and_another_familys_ids_mark_nothing() {
    let app = crate::movements::spawn().await;
    let teacher = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &teacher).await;
    let child = class.students[0].clone();
    let parent = app.sign_in(&guardian_of(&app, &child).await).await.unwrap();
    let other = crate::conversations::other_family(&app, &class, &child).await;
    let before = unread(&app, &parent).await;
    assert_eq!(before, json!({ "total": 0, "absences": 0, "notices": 0, "messages": 0, "scores": 0 }));

    let notice = publish(&app, &teacher, &class.id, false).await;
    let conversation = message(&app, &teacher, &child).await;
    let absent = json!([{ "studentId": child, "status": "unexcused" }]);
    assert!(roll_call(&app, &teacher, &class.id, "morning", absent).await.get("errors").is_none());
    assert_eq!(
        unread(&app, &parent).await,
        json!({ "total": 3, "absences": 1, "notices": 1, "messages": 1, "scores": 0 })
    );
    let kinds: Vec<Value> = listed(&app, &parent, None).await.iter().map(|n| n["kind"].clone()).collect();
    assert_eq!(kinds, [json!("absence"), json!("message"), json!("notice")], "newest first");
    assert_eq!(listed(&app, &parent, Some(&["message"])).await.len(), 1);

    // The other family of the class got the notice, and nothing of this child.
    let theirs = listed(&app, &other, None).await;
    assert!(theirs.iter().all(|n| n["studentId"] != json!(child)), "{theirs:?}");
    assert_eq!(unread(&app, &other).await["messages"], 0);
    // Their ids and another's conversation mark nothing of this family's.
    let mine: Vec<Value> = listed(&app, &parent, None).await.iter().map(|n| n["id"].clone()).collect();
    let refused = app.graphql(Some(&other), MARK, json!({ "input": { "ids": [conversation] } })).await.unwrap();
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    app.data(Some(&other), MARK, json!({ "input": { "ids": mine } })).await.unwrap();
    assert_eq!(unread(&app, &parent).await["total"], 3, "another family's call marked nothing here");
    // A teacher's markRead marks their own staff notifications only: a family's ids are refused.
    let staff = app.graphql(Some(&teacher), MARK, json!({ "input": { "ids": mine } })).await.unwrap();
    assert_eq!(error_code(&staff), Some("FORBIDDEN"), "{staff}");
    app.data(Some(&teacher), MARK, json!({ "input": { "kinds": ["absence", "notice", "message"] } })).await.unwrap();
    let wrong = app.graphql(Some(&parent), MARK, json!({ "input": { "kinds": ["sms"] } })).await.unwrap();
    assert_eq!(error_code(&wrong), Some("BAD_USER_INPUT"));
    assert_eq!(unread(&app, &parent).await["total"], 3, "a refused call marks nothing");

    // Reading the conversation or the notice clears their notifications; a kind clears all.
    app.data(
        Some(&parent),
        "mutation($c: ID!) { markConversationRead(conversationId: $c) { id } }",
        json!({ "c": conversation }),
    )
    .await
    .unwrap();
    assert_eq!(unread(&app, &parent).await["messages"], 0);
    app.data(Some(&parent), "mutation($id: ID!) { markNoticeRead(noticeId: $id) }", json!({ "id": notice }))
        .await
        .unwrap();
    assert_eq!(unread(&app, &parent).await["notices"], 0);
    let after = app.data(Some(&parent), MARK, json!({ "input": { "kinds": ["absence"] } })).await.unwrap();
    assert_eq!(after["markRead"], json!({ "total": 0, "absences": 0, "notices": 0, "messages": 0, "scores": 0 }));
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scores_recorded_tell_the_students_guardians_once_per_call_and_a_message_reaches_only_its_conversation() {
    let app = crate::movements::spawn().await;
    let teacher = app.sign_in("gvbm").await.unwrap();
    let column = scored_column(&app, &teacher).await;
    let (child, version) = column.students[0].clone();
    let (classmate, _) = column.students[1].clone();
    let entries = json!([{ "studentId": child, "score": 8.5, "version": version }]);
    let recorded = app.graphql(Some(&teacher), RECORD, json!({ "column": column.id, "entries": entries })).await;
    assert!(recorded.unwrap().get("errors").is_none());
    let parent = app.sign_in(&guardian_of(&app, &child).await).await.unwrap();
    let scores = listed(&app, &parent, Some(&["score"])).await;
    assert_eq!(scores.len(), 1, "{scores:?}");
    assert_eq!(
        (scores[0]["sectionId"].as_str(), scores[0]["studentId"].as_str()),
        (Some(column.section.as_str()), Some(child.as_str()))
    );
    assert_eq!(unread(&app, &parent).await["scores"], 1);
    let theirs = app.sign_in(&guardian_of(&app, &classmate).await).await.unwrap();
    let told: Vec<Value> = listed(&app, &theirs, Some(&["score"])).await;
    assert!(told.iter().all(|n| n["studentId"] != json!(child)), "a classmate's family is not told");

    // A row of a kind no reader knows, or a message notification naming a conversation the
    // guardian is not in, is read by no one.
    let mine = notification::Entity::find()
        .filter(notification::Column::StudentId.eq(decode("Student", &child)))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    for (kind, conversation) in [("unknown", None), ("message", Some(mine.id + 1_000_000))] {
        let row = notification::Model {
            id: mine.id + 500,
            kind: kind.to_owned(),
            conversation_id: conversation,
            ..mine.clone()
        };
        notification::Entity::insert(notification::ActiveModel::from(row)).exec(&app.state.db).await.unwrap();
        let seen = listed(&app, &parent, None).await;
        assert!(
            seen.iter().all(|n| n["id"] != json!(emis::graphql::ids::encode("Notification", mine.id + 500))),
            "{kind}"
        );
        notification::Entity::delete_by_id(mine.id + 500).exec(&app.state.db).await.unwrap();
    }
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_muted_conversation_still_counts_its_messages_but_no_longer_notifies() {
    let app = TestApp::spawn().await.unwrap();
    let teacher = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &teacher).await;
    let child = class.students[0].clone();
    let parent = app.sign_in(&guardian_of(&app, &child).await).await.unwrap();
    let conversation = message(&app, &teacher, &child).await;
    let mute = "mutation($c: ID!, $m: Boolean!) { muteConversation(conversationId: $c, muted: $m) { id unread } }";
    let muted = app.data(Some(&parent), mute, json!({ "c": conversation, "m": true })).await.unwrap();
    assert_eq!(muted["muteConversation"]["unread"], 1);
    app.data(Some(&teacher), SEND, json!({ "c": conversation, "b": "Nhắc lại: mai mang áo đồng phục." }))
        .await
        .unwrap();
    assert_eq!(unread(&app, &parent).await["messages"], 1, "no new notification while muted");
    let listed = app.data(Some(&parent), "{ me { conversations { id unread } } }", json!({})).await.unwrap();
    assert_eq!(listed["me"]["conversations"][0]["unread"], 2, "the message still arrived: {listed}");
    app.data(Some(&parent), mute, json!({ "c": conversation, "m": false })).await.unwrap();
    app.data(Some(&teacher), SEND, json!({ "c": conversation, "b": "Cảm ơn chị." })).await.unwrap();
    assert_eq!(unread(&app, &parent).await["messages"], 2, "unmuted: told again");
    // Someone outside the conversation cannot mute it.
    let other = crate::conversations::other_family(&app, &class, &child).await;
    let refused = app.graphql(Some(&other), mute, json!({ "c": conversation, "m": true })).await.unwrap();
    assert_eq!(error_code(&refused), Some("FORBIDDEN"));
    app.stop().await.unwrap();
}
