//! Reading the delivery state: the school's principal and clerk see its messages (purpose,
//! recipient, state — no phone, no text); another school's principal, a teacher and a
//! guardian get what a school that does not exist gets. And absence notices: an unexcused
//! absence queues a short text to the guardian with a phone when the server sends them, and
//! nothing when it does not.

use super::super::book_locks::principal_elsewhere;
use super::super::roll_call::{guardian_of, homeroom_class, roll_call};
use super::{PHONE, code_message, school_and_guardian};
use emis::outbox::enqueue;
use emis_tests::TestApp;
use entity::{guardian, outbox_message};
use sea_orm::{ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _};
use serde_json::{Value, json};

const OUTBOX: &str = "query($school: ID!, $state: String) {
    outbox(schoolId: $school, state: $state, first: 20) {
        id purpose recipientKind recipientId state attempts createdAt sentAt lastError
    }
}";

fn school_id(school: i64) -> String {
    emis::graphql::ids::encode("School", school).0
}

async fn outbox(app: &TestApp, username: &str, school: &str, state: Option<&str>) -> Value {
    let token = app.sign_in(username).await.unwrap();
    let data = app.data(Some(&token), OUTBOX, json!({ "school": school, "state": state })).await.unwrap();
    data["outbox"].clone()
}

#[tokio::test]
async fn the_school_reads_its_delivery_state_and_nobody_else_tells_it_from_a_missing_school() {
    let app = TestApp::spawn().await.unwrap();
    let (school, guardian) = school_and_guardian(&app).await;
    let id = enqueue(&app.state.db, &app.state.vault, code_message(school, guardian)).await.unwrap();
    let own = school_id(school);

    let seen = outbox(&app, "hieutruong", &own, None).await;
    let messages = seen.as_array().unwrap();
    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    assert_eq!(message["id"], emis::graphql::ids::encode("OutboxMessage", id).0);
    assert_eq!((message["purpose"].as_str(), message["state"].as_str()), (Some("activation_code"), Some("pending")));
    assert_eq!(message["recipientKind"], "guardian");
    assert_eq!(message["recipientId"], emis::graphql::ids::encode("Guardian", guardian).0);
    assert!(!message.to_string().contains(PHONE), "no phone in the answer");
    assert_eq!(outbox(&app, "vanthu", &own, None).await, seen, "the clerk reads it too");
    assert_eq!(outbox(&app, "hieutruong", &own, Some("sent")).await, json!([]), "filtered by state");

    let missing = school_id(987_654);
    assert_eq!(outbox(&app, "hieutruong", &missing, None).await, Value::Null);
    let elsewhere = principal_elsewhere(&app, school).await;
    for username in [elsewhere.as_str(), "gvcn", "gvbm", "phuhuynh"] {
        assert_eq!(outbox(&app, username, &own, None).await, Value::Null, "{username} reads as a missing school");
        assert_eq!(outbox(&app, username, &missing, None).await, Value::Null);
    }

    let token = app.sign_in("hieutruong").await.unwrap();
    let wrong = app.graphql(Some(&token), OUTBOX, json!({ "school": own, "state": "lost" })).await.unwrap();
    assert_eq!(emis_tests::error_code(&wrong), Some("BAD_USER_INPUT"));
    app.stop().await.unwrap();
}

/// The guardian `username`'s id and whether they have a phone.
async fn guardian_with_phone(app: &TestApp, username: &str) -> (i64, bool) {
    let row = guardian::Entity::find().filter(guardian::Column::Username.eq(username)).one(&app.state.db).await;
    let row = row.unwrap().unwrap();
    (row.id, row.phone_enc.is_some())
}

#[tokio::test]
async fn an_unexcused_absence_texts_the_guardians_only_when_the_server_sends_absence_notices() {
    for sends in [false, true] {
        let app = TestApp::spawn_with(|config| config.outbox.absence_sms = sends).await.unwrap();
        let teacher = app.sign_in("gvcn").await.unwrap();
        let class = homeroom_class(&app, &teacher).await;
        let absent = class.students[0].clone();
        let late = class.students[1].clone();
        let marks = json!([
            { "studentId": absent, "status": "unexcused", "note": "sốt cao" },
            { "studentId": late, "status": "late" },
        ]);
        let taken = roll_call(&app, &teacher, &class.id, "morning", marks).await;
        assert!(taken["errors"].is_null(), "{taken}");
        let (guardian, has_phone) = guardian_with_phone(&app, &guardian_of(&app, &absent).await).await;
        app.state.outbox.dispatch_due(&app.state.db, &app.state.vault).await.unwrap();
        let queued = outbox_message::Entity::find().all(&app.state.db).await.unwrap();
        if !sends {
            assert!(queued.is_empty(), "no text unless the server sends absence notices");
        }
        if sends {
            assert!(has_phone, "the test needs a guardian with a phone");
            let to_guardian = outbox_message::Entity::find()
                .filter(outbox_message::Column::RecipientId.eq(guardian))
                .filter(outbox_message::Column::Purpose.eq("absence_notice"))
                .count(&app.state.db)
                .await
                .unwrap();
            assert_eq!(to_guardian, 1);
            assert!(queued.iter().all(|row| row.purpose == "absence_notice"), "late is told in the app only");
            app.state.outbox.deliver_due(&app.state.db, &app.state.vault).await.unwrap();
            let sent = app.state.outbox.log().unwrap().sent();
            let notice = sent.iter().find(|d| d.recipient_id == guardian).expect("the notice went out");
            assert!(notice.body.contains("vắng không phép buổi sáng"), "{}", notice.body);
            assert!(!notice.body.contains("sốt"), "no reason or health detail in the text");
        }
        app.stop().await.unwrap();
    }
}
