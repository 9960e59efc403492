//! Carrying out data-subject requests. A completed deletion crypto-shreds the child's sealed
//! fields, erases leave reasons, removes conversations, notice deliveries and notifications
//! about the child, keeps the books, and reports each step; nothing of another child is
//! touched, and a refused deletion erases nothing. A completed restriction stops every
//! consent and every vendor's agreement from reaching the child until the family or the
//! officer lifts it, while the school's own books go on; another family cannot lift it.

use crate::consent::{decide, health_seen, notes_shown, school_health};
use crate::conversations::{OPEN, SEND};
use crate::grade_entry::decode;
use crate::roll_call::{REQUEST_LEAVE, guardian_of, homeroom_class, today};
use crate::vendors::reach::vendor_with;
use emis_tests::{TestApp, error_code};
use entity::{attendance, conversation, data_key, leave_request, notice_delivery, notification, result};
use sea_orm::{ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _};
use serde_json::{Value, json};

const ASK: &str = "mutation($s: ID!, $k: String!) { askSubjectRequest(studentId: $s, kind: $k) { id } }";
const STEPS: &str = "id kind status inForce liftedAt steps { part fate count vi en }";
const COMPLETE: &str = "mutation($r: ID!, $o: String!, $refused: Boolean) {
    completeSubjectRequest(requestId: $r, outcome: $o, refused: $refused) { id kind status inForce liftedAt
    steps { part fate count vi en } } }";
const LIFT: &str = "mutation($r: ID!) { liftSubjectRestriction(requestId: $r) { status inForce liftedAt } }";
const SEALED: &str = "query($id: ID!) { student(id: $id) { fullName identityNumber } }";

/// Asks `kind` about `child` as `guardian`; the request's id.
async fn ask(app: &TestApp, guardian: &str, child: &str, kind: &str) -> String {
    let asked = app.data(Some(guardian), ASK, json!({ "s": child, "k": kind })).await.unwrap();
    asked["askSubjectRequest"]["id"].as_str().unwrap().to_owned()
}

/// The request `id` as `token` reads it in their list.
async fn read(app: &TestApp, token: &str, id: &str) -> Value {
    let list = app.data(Some(token), &format!("{{ subjectRequests {{ {STEPS} }} }}"), json!({})).await.unwrap();
    list["subjectRequests"].as_array().unwrap().iter().find(|r| r["id"] == id).cloned().unwrap_or(Value::Null)
}

/// What is stored about student `id`: leave reasons, conversations, deliveries, notifications,
/// results and roll-call entries.
async fn stored_about(app: &TestApp, id: i64) -> (Vec<String>, u64, u64, u64, u64, u64) {
    let db = &app.state.db;
    let leave = leave_request::Entity::find().filter(leave_request::Column::StudentId.eq(id)).all(db).await.unwrap();
    (
        leave.into_iter().map(|row| row.reason).collect(),
        conversation::Entity::find().filter(conversation::Column::StudentId.eq(id)).count(db).await.unwrap(),
        notice_delivery::Entity::find().filter(notice_delivery::Column::StudentId.eq(id)).count(db).await.unwrap(),
        notification::Entity::find().filter(notification::Column::StudentId.eq(id)).count(db).await.unwrap(),
        result::Entity::find().filter(result::Column::StudentId.eq(id)).count(db).await.unwrap(),
        attendance::Entity::find().filter(attendance::Column::StudentId.eq(id)).count(db).await.unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_completed_deletion_erases_what_it_may_keeps_the_books_and_says_which() {
    let app = crate::movements::spawn().await;
    let homeroom = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &homeroom).await;
    let (child, other) = (class.students[0].clone(), class.students[1].clone());
    let (child_id, other_id) = (decode("Student", &child), decode("Student", &other));
    let guardian = app.sign_in(&guardian_of(&app, &child).await).await.unwrap();
    let other_guardian = app.sign_in(&guardian_of(&app, &other).await).await.unwrap();
    // Each child has a leave request, a conversation with the homeroom teacher and a notice.
    let me = app.data(Some(&homeroom), "{ me { staff { id } } }", json!({})).await.unwrap();
    let teacher = me["me"]["staff"]["id"].clone();
    for (family, student) in [(&guardian, &child), (&other_guardian, &other)] {
        app.data(Some(family), REQUEST_LEAVE, json!({ "student": student, "d": today() })).await.unwrap();
        let opened = app.data(Some(family), OPEN, json!({ "s": student, "with": teacher })).await.unwrap();
        let conversation = opened["openConversation"]["id"].clone();
        app.data(Some(family), SEND, json!({ "c": conversation, "b": "Cháu bị sốt" })).await.unwrap();
    }
    crate::notices::publish(&app, &homeroom, Some(&class.id)).await;
    let before = stored_about(&app, child_id).await;
    assert!(before.1 > 0 && before.2 > 0 && !before.0.is_empty(), "{before:?}");
    let other_before = stored_about(&app, other_id).await;
    let principal = app.sign_in("hieutruong").await.unwrap();
    let sealed_before = app.data(Some(&principal), SEALED, json!({ "id": child })).await.unwrap();
    assert!(sealed_before["student"]["identityNumber"].is_string());
    let other_sealed = app.data(Some(&principal), SEALED, json!({ "id": other })).await.unwrap();

    // While open, the family and the officer read the plan: nothing counted yet.
    let officer = app.sign_in("baomat").await.unwrap();
    let request = ask(&app, &guardian, &child, "deletion").await;
    let planned = read(&app, &officer, &request).await;
    let fates: Vec<&str> = planned["steps"].as_array().unwrap().iter().map(|s| s["fate"].as_str().unwrap()).collect();
    assert_eq!(fates, ["shredded", "erased", "removed", "removed", "removed", "kept", "kept", "kept", "kept"]);
    assert!(planned["steps"].as_array().unwrap().iter().all(|step| step["count"].is_null()));
    assert_eq!(read(&app, &guardian, &request).await["steps"], planned["steps"]);

    // A refused deletion erases nothing.
    let refused_request = ask(&app, &guardian, &child, "deletion").await;
    let vars = json!({ "r": refused_request, "o": "Hồ sơ đang cần cho kỳ thi", "refused": true });
    let refused = app.data(Some(&officer), COMPLETE, vars).await.unwrap();
    assert_eq!(refused["completeSubjectRequest"]["steps"], json!([]));
    assert_eq!(stored_about(&app, child_id).await, before);

    // Completed: carried out, each step counted.
    let vars = json!({ "r": request, "o": "Đã xóa những gì luật cho phép" });
    let done = app.data(Some(&officer), COMPLETE, vars).await.unwrap();
    let steps = done["completeSubjectRequest"]["steps"].as_array().unwrap().clone();
    let count = |part: &str| steps.iter().find(|s| s["part"] == part).unwrap()["count"].clone();
    assert!(count("sealedFields").as_u64().unwrap() >= 1, "{steps:?}");
    assert_eq!(count("leaveReasons"), json!(before.0.len()));
    assert_eq!(count("conversations"), json!(before.1));
    assert!(count("noticesDelivered").as_u64().unwrap() >= before.2);
    assert_eq!(count("register"), Value::Null, "what is kept is not counted");
    assert_eq!(read(&app, &guardian, &request).await["steps"], json!(steps), "the family reads the report");

    let after = stored_about(&app, child_id).await;
    assert!(after.0.iter().all(String::is_empty) && after.0.len() == before.0.len(), "{after:?}");
    assert_eq!((after.1, after.2, after.3), (0, 0, 0), "conversations, deliveries, notifications removed");
    assert_eq!((after.4, after.5), (before.4, before.5), "results and roll-call entries kept");
    assert_eq!(stored_about(&app, other_id).await, other_before, "nothing of another child is touched");
    let keys = data_key::Entity::find()
        .filter(data_key::Column::Scope.eq(format!("student:{child_id}")))
        .all(&app.state.db)
        .await
        .unwrap();
    assert!(!keys.is_empty() && keys.iter().all(|key| key.destroyed_at.is_some() && key.wrapped.is_empty()));
    let sealed_after = app.data(Some(&principal), SEALED, json!({ "id": child })).await.unwrap();
    assert_eq!(
        sealed_after["student"]["fullName"], sealed_before["student"]["fullName"],
        "the register keeps the name"
    );
    assert!(sealed_after["student"]["identityNumber"].is_null(), "{sealed_after}");
    assert_eq!(app.data(Some(&principal), SEALED, json!({ "id": other })).await.unwrap(), other_sealed);
    let again = app.graphql(Some(&officer), COMPLETE, json!({ "r": request, "o": "again" })).await.unwrap();
    assert_eq!(error_code(&again), Some("BAD_USER_INPUT"), "carried out once");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restriction_stops_consents_and_vendors_reaching_the_child_until_lifted() {
    let app = TestApp::spawn().await.unwrap();
    let principal = app.sign_in("hieutruong").await.unwrap();
    let teacher = app.sign_in("gvbm").await.unwrap();
    // A child the subject teacher teaches, whose family and who consent to health notes.
    let with_notes = health_seen(&app, &principal).await;
    let taught = health_seen(&app, &teacher).await;
    let child = taught.keys().find(|id| with_notes.get(*id).is_some_and(|n| !n.is_null())).unwrap().clone();
    let guardian = app.sign_in(&guardian_of(&app, &child).await).await.unwrap();
    decide(&app, &guardian, &child, true, Some(true)).await;
    assert_eq!(notes_shown(&app, &teacher).await, vec![child.clone()]);
    // A vendor the school shares its roster with.
    let (_, _, vendor) = vendor_with(&app, &principal, "Học Vui", json!({})).await;
    let roster = "{ students { totalCount } }";
    let one = "query($s: ID!) { student(id: $s) { id } }";
    let shared = app.data(Some(&vendor), roster, json!({})).await.unwrap();
    let total = shared["students"]["totalCount"].as_u64().unwrap();
    let looked_up = app.data(Some(&vendor), one, json!({ "s": child })).await.unwrap();
    assert_eq!(looked_up["student"]["id"], json!(child), "the child is shared");

    // Asked: nothing changes until the officer completes it.
    let request = ask(&app, &guardian, &child, "restriction").await;
    assert_eq!(notes_shown(&app, &teacher).await, vec![child.clone()]);
    let officer = app.sign_in("baomat").await.unwrap();
    let done = app.data(Some(&officer), COMPLETE, json!({ "r": request, "o": "Đã hạn chế xử lý" })).await.unwrap();
    assert_eq!(done["completeSubjectRequest"]["inForce"], true);
    assert_eq!(notes_shown(&app, &teacher).await, Vec::<String>::new(), "no consent counts while restricted");
    let asked = school_health(&app, &guardian, &child).await;
    assert_eq!((&asked["decision"], &asked["inForce"]), (&json!("given"), &json!(false)), "the family sees why");
    let restricted = app.data(Some(&vendor), roster, json!({})).await.unwrap();
    assert_eq!(restricted["students"]["totalCount"], total - 1, "the vendor loses exactly the child");
    let looked_up = app.data(Some(&vendor), one, json!({ "s": child })).await.unwrap();
    assert_eq!(looked_up["student"], Value::Null, "the look-up agrees with the list");
    let books = app.data(Some(&principal), SEALED, json!({ "id": child })).await.unwrap();
    assert!(books["student"]["fullName"].is_string(), "the school's own task goes on");

    // Another family, or a deletion, cannot be lifted; the family lifts it.
    let other = with_notes.keys().find(|id| **id != child).unwrap();
    let other_family = app.sign_in(&guardian_of(&app, other).await).await.unwrap();
    let theirs = app.graphql(Some(&other_family), LIFT, json!({ "r": request })).await.unwrap();
    assert_eq!(error_code(&theirs), Some("FORBIDDEN"), "another family's request answers like a missing one");
    let deletion = ask(&app, &guardian, &child, "deletion").await;
    let not_restriction = app.graphql(Some(&guardian), LIFT, json!({ "r": deletion })).await.unwrap();
    assert_eq!(error_code(&not_restriction), Some("BAD_USER_INPUT"));
    let lifted = app.data(Some(&guardian), LIFT, json!({ "r": request })).await.unwrap();
    assert_eq!(lifted["liftSubjectRestriction"]["inForce"], false);
    assert!(lifted["liftSubjectRestriction"]["liftedAt"].is_string());
    assert_eq!(notes_shown(&app, &teacher).await, vec![child.clone()], "processing resumes at the next request");
    let back = app.data(Some(&vendor), roster, json!({})).await.unwrap();
    assert_eq!(back["students"]["totalCount"], total);
    let twice = app.graphql(Some(&officer), LIFT, json!({ "r": request })).await.unwrap();
    assert_eq!(error_code(&twice), Some("BAD_USER_INPUT"), "lifted once");
    app.stop().await.unwrap();
}
