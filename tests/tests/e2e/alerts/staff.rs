//! What staff are told: a guardian's message reaches the teacher in the conversation — in the
//! app, live on their stream and by push — and no other teacher; a notice to the staff
//! reaches each staff member; `markRead` clears them. A teacher's availability (else the
//! school hours) holds the push back outside their hours without losing anything: the
//! notification is in the app at once and pushed when the next window opens. Only staff set
//! availability, only their own, and words that cannot be read are refused, changing nothing.

use super::PUBLISH;
use crate::grade_entry::decode;
use crate::roll_call::{guardian_of, homeroom_class};
use crate::subscriptions::{connect, next};
use emis::staffing::hours;
use emis_tests::{TestApp, error_code};
use entity::staff_notification;
use futures::SinkExt as _;
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

const OPEN: &str = "mutation($s: ID!, $t: ID!) { openConversation(input: { studentId: $s, withStaffId: $t }) { id } }";
const SEND: &str = "mutation($c: ID!, $b: String!) { sendMessage(conversationId: $c, body: $b) { id } }";
const REGISTER: &str = "mutation($t: String!) { registerPushDevice(token: $t, platform: \"ios\") }";
const TOLD: &str =
    "{ me { staffNotifications { id kind conversationId noticeId studentId readAt dispatchedAt heldUntil }
    unread { total notices messages } } }";
const MARK: &str = "mutation($input: MarkReadInput!) { markRead(input: $input) { total notices messages } }";
const SET: &str = "mutation($w: [AvailabilityInput!]!) { setAvailability(windows: $w) {
    windows { weekday from to } schoolHours always availableNow nextAvailableAt } }";
const AVAILABILITY: &str = "{ me { availability { windows { weekday } schoolHours always availableNow } } }";

/// `token`'s staff notifications and unread counts.
async fn told(app: &TestApp, token: &str) -> (Vec<Value>, Value) {
    let data = app.data(Some(token), TOLD, json!({})).await.unwrap();
    (data["me"]["staffNotifications"].as_array().unwrap().clone(), data["me"]["unread"].clone())
}

/// The push messages sent to staff member `id` (their device tokens and texts).
fn pushed_to(app: &TestApp, id: i64) -> Vec<(String, String)> {
    let sent = app.state.outbox.push_log().unwrap().sent();
    sent.iter()
        .filter(|d| d.recipient_kind == "staff" && d.recipient_id == id)
        .map(|d| (d.phone.clone(), d.body.clone()))
        .collect()
}

/// The staff id of `token`'s caller.
async fn staff_id(app: &TestApp, token: &str) -> i64 {
    let me = app.data(Some(token), "{ me { staff { id } } }", json!({})).await.unwrap();
    decode("Staff", me["me"]["staff"]["id"].as_str().unwrap())
}

/// A guardian of `student` signed in, who opens a conversation about them with their teacher
/// `teacher` (a staff id) and writes `text`; the guardian's token and the conversation's id.
async fn family_writes(app: &TestApp, student: &str, teacher: i64, text: &str) -> (String, String) {
    let family = app.sign_in(&guardian_of(app, student).await).await.unwrap();
    let with = emis::graphql::ids::encode("Staff", teacher);
    let opened = app.data(Some(&family), OPEN, json!({ "s": student, "t": with })).await.unwrap();
    let id = opened["openConversation"]["id"].as_str().unwrap().to_owned();
    app.data(Some(&family), SEND, json!({ "c": id, "b": text })).await.unwrap();
    (family, id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_familys_message_reaches_its_teacher_live_and_by_push_and_no_other_teacher() {
    let app = TestApp::spawn_with(|config| config.subscriptions.poll_ms = 50).await.unwrap();
    let teacher = app.sign_in("gvcn").await.unwrap();
    let teacher_id = staff_id(&app, &teacher).await;
    let class = homeroom_class(&app, &teacher).await;
    let student = class.students[0].clone();
    assert_eq!(
        app.data(Some(&teacher), REGISTER, json!({ "t": "tok-gvcn" })).await.unwrap()["registerPushDevice"],
        true
    );
    let devices = app.data(Some(&teacher), "{ me { pushDevices { platform } } }", json!({})).await.unwrap();
    assert_eq!(devices["me"]["pushDevices"], json!([{ "platform": "ios" }]));

    let mut socket = connect(&app, &teacher).await;
    assert_eq!(next(&mut socket).await.unwrap()["type"], "connection_ack");
    let subscribe = json!({ "id": "1", "type": "subscribe",
        "payload": { "query": "subscription { staffNotifications { kind conversationId studentId } }" } });
    socket.send(Message::text(subscribe.to_string())).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let (family, conversation) = family_writes(&app, &student, teacher_id, "Cô ơi, cháu bị sốt.").await;

    let event = next(&mut socket).await.expect("an event");
    assert_eq!(event["type"], "next", "{event}");
    let live = &event["payload"]["data"]["staffNotifications"];
    assert_eq!(
        (live["kind"].as_str(), live["conversationId"].as_str()),
        (Some("message"), Some(conversation.as_str()))
    );
    assert_eq!(live["studentId"], json!(student));
    let (list, unread) = told(&app, &teacher).await;
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(unread, json!({ "total": 1, "notices": 0, "messages": 1 }));

    // Pushed to the teacher's device once, without the message's words.
    app.state.outbox.deliver_due(&app.state.db, &app.state.vault).await.unwrap();
    let pushed = pushed_to(&app, teacher_id);
    assert_eq!(pushed.len(), 1, "{pushed:?}");
    assert_eq!(pushed[0].0, "tok-gvcn");
    assert!(!pushed[0].1.contains("sốt"), "the push does not carry the text: {}", pushed[0].1);
    app.state.outbox.deliver_due(&app.state.db, &app.state.vault).await.unwrap();
    assert_eq!(pushed_to(&app, teacher_id).len(), 1, "dispatched once");
    let (list, _) = told(&app, &teacher).await;
    assert!(list[0]["dispatchedAt"].is_string() && list[0]["heldUntil"].is_null());

    // The family and another teacher of the school read none of it, and mark none of it.
    let (theirs, _) = told(&app, &family).await;
    assert!(theirs.is_empty());
    let other = app.sign_in("gvbm").await.unwrap();
    let (others, others_unread) = told(&app, &other).await;
    assert!(others.iter().all(|n| n["conversationId"] != json!(conversation)), "{others:?}");
    assert_eq!(others_unread["messages"], 0);
    let id = list[0]["id"].clone();
    app.data(Some(&other), MARK, json!({ "input": { "ids": [id] } })).await.unwrap();
    let refused = app.graphql(Some(&other), MARK, json!({ "input": { "ids": [conversation] } })).await.unwrap();
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "another teacher's conversation is out of reach");
    assert_eq!(told(&app, &teacher).await.1["messages"], 1, "nothing of the teacher's was marked");

    // The teacher's reply tells the family, not the teacher; reading the conversation clears it.
    app.data(Some(&teacher), SEND, json!({ "c": conversation, "b": "Cô biết rồi." })).await.unwrap();
    assert_eq!(told(&app, &teacher).await.0.len(), 1, "no notification of one's own message");
    let marked = app.data(Some(&teacher), MARK, json!({ "input": { "ids": [conversation] } })).await.unwrap();
    assert_eq!(marked["markRead"], json!({ "total": 0, "notices": 0, "messages": 0 }));

    // A notice to the school's staff reaches the teacher too, and is marked read by its id.
    let principal = app.sign_in("hieutruong").await.unwrap();
    let input = json!({ "kind": "notice", "title": "Họp hội đồng", "body": "14 giờ thứ Sáu.", "audience": "staff" });
    let published = app.data(Some(&principal), PUBLISH, json!({ "input": input })).await.unwrap();
    let notice = published["publishNotice"]["id"].as_str().unwrap().to_owned();
    let (list, unread) = told(&app, &teacher).await;
    assert_eq!((list[0]["kind"].as_str(), list[0]["noticeId"].as_str()), (Some("notice"), Some(notice.as_str())));
    assert_eq!(unread["notices"], 1);
    let marked = app.data(Some(&teacher), MARK, json!({ "input": { "ids": [notice] } })).await.unwrap();
    assert_eq!(marked["markRead"]["notices"], 0);
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outside_the_teachers_hours_the_push_waits_for_the_next_window_and_nothing_is_lost() {
    let app = TestApp::spawn().await.unwrap();
    let (db, vault) = (&app.state.db, &app.state.vault);
    let teacher = app.sign_in("gvcn").await.unwrap();
    let teacher_id = staff_id(&app, &teacher).await;
    let class = homeroom_class(&app, &teacher).await;
    app.data(Some(&teacher), REGISTER, json!({ "t": "tok-gvcn" })).await.unwrap();
    let shown = app.data(Some(&teacher), AVAILABILITY, json!({})).await.unwrap();
    assert_eq!(
        shown["me"]["availability"],
        json!({ "windows": [], "schoolHours": true, "always": true, "availableNow": true }),
        "no hours set and none for the school: always"
    );

    // The school hours hold a teacher who set none: a week with no window open now.
    family_writes(&app, &class.students[0], teacher_id, "Xin phép cho cháu nghỉ.").await;
    let now = chrono::Utc::now();
    let tomorrow = chrono::Datelike::weekday(&emis::clock::date_in_vietnam(now + chrono::Duration::days(1)));
    let school = hours::parse(&format!("{} 07:00-07:30", &tomorrow.to_string()[..3])).unwrap();
    assert_eq!(emis::outbox::dispatch_staff_due(db, vault, &school, now).await.unwrap(), 0, "held");
    let (list, _) = told(&app, &teacher).await;
    assert_eq!(list.len(), 1, "in the app at once");
    let held = list[0]["heldUntil"].as_str().expect("held until the school opens").to_owned();
    assert!(list[0]["dispatchedAt"].is_null());
    assert_eq!(emis::outbox::dispatch_staff_due(db, vault, &school, now).await.unwrap(), 0, "still held");
    let opens: chrono::DateTime<chrono::Utc> = held.parse().unwrap();
    assert!(opens > now);
    assert_eq!(emis::outbox::dispatch_staff_due(db, vault, &school, opens).await.unwrap(), 1, "pushed when it opens");
    app.state.outbox.deliver_due(db, vault).await.unwrap();
    assert_eq!(pushed_to(&app, teacher_id).len(), 1);

    // The teacher's own hours: closed now, open tomorrow morning.
    let day = &tomorrow.to_string()[..3];
    let set =
        app.data(Some(&teacher), SET, json!({ "w": [{ "days": day, "from": "7h", "to": "11h30" }] })).await.unwrap();
    let availability = &set["setAvailability"];
    assert_eq!(
        availability["windows"],
        json!([{ "weekday": tomorrow.number_from_monday(), "from": "07:00", "to": "11:30" }])
    );
    assert_eq!(
        (availability["schoolHours"].as_bool(), availability["availableNow"].as_bool()),
        (Some(false), Some(false))
    );
    let next_open: chrono::DateTime<chrono::Utc> = availability["nextAvailableAt"].as_str().unwrap().parse().unwrap();
    // The family sees, before writing, that the teacher's phone takes messages tomorrow.
    let family = app.sign_in(&guardian_of(&app, &class.students[1]).await).await.unwrap();
    let query = "query($s: ID!) { student(id: $s) { correspondents { staffId availableNow nextAvailableAt } } }";
    let listed = app.data(Some(&family), query, json!({ "s": class.students[1] })).await.unwrap();
    let homeroom = listed["student"]["correspondents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["staffId"] == json!(emis::graphql::ids::encode("Staff", teacher_id).0))
        .expect("the homeroom teacher is a correspondent")
        .clone();
    assert_eq!(
        (homeroom["availableNow"].as_bool(), homeroom["nextAvailableAt"].as_str()),
        (Some(false), availability["nextAvailableAt"].as_str())
    );
    family_writes(&app, &class.students[1], teacher_id, "Cô ơi, mai có kiểm tra không?").await;
    app.state.outbox.deliver_due(db, vault).await.unwrap();
    assert_eq!(pushed_to(&app, teacher_id).len(), 1, "the new message waits");
    let waiting = staff_notification::Entity::find()
        .filter(staff_notification::Column::StaffId.eq(teacher_id))
        .filter(staff_notification::Column::DispatchedAt.is_null())
        .one(db)
        .await
        .unwrap()
        .expect("one waits");
    assert_eq!(waiting.held_until, Some(next_open));
    assert_eq!(emis::outbox::dispatch_staff_due(db, vault, &None, next_open).await.unwrap(), 1);
    app.state.outbox.deliver_due(db, vault).await.unwrap();
    assert_eq!(pushed_to(&app, teacher_id).len(), 2, "pushed when the teacher's window opens");

    // Words that cannot be read are refused and change nothing; an empty list is the school's.
    for wrong in [
        json!({ "days": "t9", "from": "07:00", "to": "09:00" }),
        json!({ "days": "t2", "from": "17:00", "to": "07:00" }),
    ] {
        let refused = app.graphql(Some(&teacher), SET, json!({ "w": [wrong] })).await.unwrap();
        assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    }
    let kept = app.data(Some(&teacher), AVAILABILITY, json!({})).await.unwrap();
    assert_eq!(kept["me"]["availability"]["windows"].as_array().unwrap().len(), 1);
    let reset = app.data(Some(&teacher), SET, json!({ "w": [] })).await.unwrap();
    assert_eq!(reset["setAvailability"]["schoolHours"], true);

    // Only staff have availability.
    let refused = app.graphql(Some(&family), SET, json!({ "w": [] })).await.unwrap();
    assert_eq!(error_code(&refused), Some("FORBIDDEN"));
    let refused = app.graphql(Some(&family), AVAILABILITY, json!({})).await.unwrap();
    assert_eq!(error_code(&refused), Some("FORBIDDEN"));
    app.stop().await.unwrap();
}

#[test]
fn school_hours_are_read_as_schools_write_them() {
    let week = hours::parse("Thứ 2 - Thứ 6 7h-17h; T7 07:00-11:30").unwrap().unwrap();
    assert_eq!(week.shown().len(), 6);
    assert!(hours::parse("mỗi ngày").is_err());
}
