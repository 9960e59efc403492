//! Data-subject requests: a guardian asks about their child and the deadlines start; the
//! school's privacy officer sees the queue, most urgent first, acknowledges, hands on and
//! completes each, and the family reads the outcome. Nobody else reads or acts on them, and a
//! request out of reach, or badly asked, answers like a missing one and writes nothing.

use crate::disclosures::staff_named;
use crate::roll_call::guardian_of;
use emis::graphql::ids::encode;
use emis_tests::{TestApp, error_code};
use entity::{student, subject_request};
use sea_orm::{ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _};
use serde_json::{Value, json};

const FIELDS: &str = "id studentId kind details receivedAt acknowledgeBy completeBy acknowledgedAt assignedToId
    status outcome completedAt overdue";

fn ask_document() -> String {
    format!(
        "mutation($s: ID!, $k: String!, $d: String) {{ askSubjectRequest(studentId: $s, kind: $k, details: $d) {{ {FIELDS} }} }}"
    )
}

fn queue_document() -> String {
    format!("query($open: Boolean) {{ subjectRequests(open: $open) {{ {FIELDS} }} }}")
}

fn hours(from: &Value, to: &Value) -> i64 {
    let at = |value: &Value| chrono::DateTime::parse_from_rfc3339(value.as_str().unwrap()).unwrap();
    (at(to) - at(from)).num_hours()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_familys_request_is_queued_with_its_deadlines_handled_and_answered_by_the_officer_only() {
    let app = TestApp::spawn().await.unwrap();
    let db = &app.state.db;
    let child = student::Entity::find().filter(student::Column::Username.eq("hocsinh")).one(db).await.unwrap().unwrap();
    let child_id = encode("Student", child.id).0;
    let guardian = app.sign_in(&guardian_of(&app, &child_id).await).await.unwrap();
    let ask = ask_document();

    let copy = app.data(Some(&guardian), &ask, json!({ "s": child_id, "k": "ACCESS" })).await.unwrap();
    let copy = &copy["askSubjectRequest"];
    assert_eq!(
        (&copy["kind"], &copy["status"], &copy["overdue"]),
        (&json!("access"), &json!("received"), &json!(false))
    );
    assert!((48..=96).contains(&hours(&copy["receivedAt"], &copy["acknowledgeBy"])), "two working days: {copy}");
    assert_eq!(hours(&copy["receivedAt"], &copy["completeBy"]), 240);
    let vars = json!({ "s": child_id, "k": "deletion", "d": "Xin xóa dữ liệu của con" });
    let deletion = app.data(Some(&guardian), &ask, vars).await.unwrap();
    assert_eq!(hours(&deletion["askSubjectRequest"]["receivedAt"], &deletion["askSubjectRequest"]["completeBy"]), 480);

    // Badly asked, or about another family's child: refused, nothing written.
    let before = subject_request::Entity::find().count(db).await.unwrap();
    let bad = app.graphql(Some(&guardian), &ask, json!({ "s": child_id, "k": "erase" })).await.unwrap();
    assert_eq!(error_code(&bad), Some("BAD_USER_INPUT"), "{bad}");
    let empty = app.graphql(Some(&guardian), &ask, json!({ "s": child_id, "k": "correction", "d": "  " })).await;
    assert_eq!(error_code(&empty.unwrap()), Some("BAD_USER_INPUT"), "a correction says what");
    let other = student::Entity::find().filter(student::Column::Id.ne(child.id)).one(db).await.unwrap().unwrap();
    let other_id = encode("Student", other.id).0;
    let theirs = app.graphql(Some(&guardian), &ask, json!({ "s": other_id, "k": "erase" })).await.unwrap();
    let missing = app.graphql(Some(&guardian), &ask, json!({ "s": encode("Student", 999_999).0, "k": "access" }));
    assert_eq!(error_code(&theirs), Some("FORBIDDEN"), "the policy is asked before the kind: {theirs}");
    assert_eq!(error_code(&missing.await.unwrap()), Some("FORBIDDEN"));
    assert_eq!(subject_request::Entity::find().count(db).await.unwrap(), before);

    // The officer's queue, the earliest deadline first; no one else's.
    let officer = app.sign_in("baomat").await.unwrap();
    let queue = app.data(Some(&officer), &queue_document(), json!({ "open": true })).await.unwrap();
    let queue = queue["subjectRequests"].as_array().unwrap().clone();
    assert_eq!(queue.iter().map(|r| r["kind"].clone()).collect::<Vec<_>>(), [json!("access"), json!("deletion")]);
    for outsider in ["gvcn", "gvbm", "hieutruong", "vanthu"] {
        let token = app.sign_in(outsider).await.unwrap();
        let seen = app.data(Some(&token), &queue_document(), json!({})).await.unwrap();
        assert_eq!(seen["subjectRequests"], json!([]), "{outsider} reads no request");
    }
    let other_family = app.sign_in(&guardian_of(&app, &other_id).await).await.unwrap();
    let seen = app.data(Some(&other_family), &queue_document(), json!({})).await.unwrap();
    assert_eq!(seen["subjectRequests"], json!([]), "another family reads none");

    // Acknowledged and handed on: only to a privacy officer of the school; only by staff.
    let request = copy["id"].as_str().unwrap();
    let handle = "mutation($r: ID!, $a: ID) { handleSubjectRequest(requestId: $r, assigneeId: $a) { status acknowledgedAt assignedToId } }";
    let teacher = encode("Staff", staff_named(&app, "gvcn").await.id).0;
    let to_teacher = app.graphql(Some(&officer), handle, json!({ "r": request, "a": teacher })).await.unwrap();
    assert_eq!(error_code(&to_teacher), Some("BAD_USER_INPUT"), "{to_teacher}");
    let by_family = app.graphql(Some(&guardian), handle, json!({ "r": request })).await.unwrap();
    assert_eq!(error_code(&by_family), Some("FORBIDDEN"));
    let by_teacher = app.graphql(Some(&app.sign_in("gvcn").await.unwrap()), handle, json!({ "r": request })).await;
    assert_eq!(error_code(&by_teacher.unwrap()), Some("FORBIDDEN"));
    let handled = app.data(Some(&officer), handle, json!({ "r": request })).await.unwrap();
    let me = encode("Staff", staff_named(&app, "baomat").await.id).0;
    assert_eq!(
        (&handled["handleSubjectRequest"]["status"], &handled["handleSubjectRequest"]["assignedToId"]),
        (&json!("acknowledged"), &json!(me))
    );

    // Completed with its outcome, which the family reads; then it has ended.
    let complete = "mutation($r: ID!, $o: String!) { completeSubjectRequest(requestId: $r, outcome: $o) { status outcome completedAt } }";
    let outcome = "Đã gửi bản sao dữ liệu của con qua ứng dụng";
    let done = app.data(Some(&officer), complete, json!({ "r": request, "o": outcome })).await.unwrap();
    assert_eq!(done["completeSubjectRequest"]["status"], "completed");
    let again = app.graphql(Some(&officer), complete, json!({ "r": request, "o": "again" })).await.unwrap();
    assert_eq!(error_code(&again), Some("BAD_USER_INPUT"), "{again}");
    let mine = app.data(Some(&guardian), &queue_document(), json!({})).await.unwrap();
    let mine = mine["subjectRequests"].as_array().unwrap();
    let answered = mine.iter().find(|r| r["id"] == request).unwrap();
    assert_eq!((&answered["status"], &answered["outcome"]), (&json!("completed"), &json!(outcome)));
    let open = app.data(Some(&officer), &queue_document(), json!({ "open": true })).await.unwrap();
    assert_eq!(open["subjectRequests"].as_array().unwrap().len(), 1, "only the deletion is still open");
    app.stop().await.unwrap();
}
