//! What is kept about a staff member, read back: the principal reads a teacher's roles,
//! assignments, status changes and contact changes, newest first; the teacher reads their
//! own; another school's principal and a fellow teacher read nothing of it, exactly as for a
//! staff member who does not exist.

use super::book_locks::principal_elsewhere;
use super::roll_call::today;
use emis::graphql::ids::encode;
use emis_tests::TestApp;
use entity::staff;
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use serde_json::{Value, json};

const HISTORY: &str = "query($id: ID!) { node(id: $id) { ... on Staff { fullName history {
    roles { role endsOn } assignments { kind sectionId classId }
    statuses { status note effectiveFrom } contactChanges { oldPhone newPhone newEmail } } } } }";
const STATUS: &str = "mutation($s: ID!, $status: StaffStatusChoice!, $on: NaiveDate!, $note: String) {
    recordStaffStatus(staffId: $s, status: $status, on: $on, note: $note) { id status } }";
const CONTACT: &str = "mutation($phone: String) { updateMyContact(phone: $phone) { id } }";

/// The statuses of a history, newest first.
fn statuses(history: &Value) -> Vec<&str> {
    history["statuses"].as_array().unwrap().iter().map(|s| s["status"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn the_principal_reads_a_teachers_history_and_no_one_outside_reads_any_of_it() {
    let app = TestApp::spawn().await.unwrap();
    let principal = app.sign_in("hieutruong").await.unwrap();
    let teacher = app.sign_in("gvbm").await.unwrap();
    let row = staff::Entity::find().filter(staff::Column::Username.eq("gvbm")).one(&app.state.db).await.unwrap();
    let row = row.unwrap();
    let id = encode("Staff", row.id).0;

    // The teacher changes their phone; the principal records a leave and the return.
    app.data(Some(&teacher), CONTACT, json!({ "phone": "0988 111 222" })).await.unwrap();
    let on = today();
    let leave = json!({ "s": id, "status": "ON_LEAVE", "on": on, "note": "nghỉ phép năm" });
    app.data(Some(&principal), STATUS, leave).await.unwrap();
    app.data(Some(&principal), STATUS, json!({ "s": id, "status": "ACTIVE", "on": on })).await.unwrap();

    let read = app.data(Some(&principal), HISTORY, json!({ "id": id })).await.unwrap();
    let history = &read["node"]["history"];
    assert!(!history["assignments"].as_array().unwrap().is_empty(), "the teacher's sections: {history}");
    assert!(
        history["assignments"].as_array().unwrap().iter().all(|a| a["kind"] == "subject" || a["kind"] == "homeroom")
    );
    let kept = statuses(history);
    assert!(kept.contains(&"on_leave") && kept.contains(&"active"), "{history}");
    let noted = history["statuses"].as_array().unwrap().iter().find(|s| s["status"] == "on_leave").unwrap();
    assert_eq!(noted["note"], "nghỉ phép năm");
    let changes = history["contactChanges"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{history}");
    assert_eq!(changes[0]["newPhone"], "0988 111 222");
    assert!(changes[0]["oldPhone"].is_string(), "the phone before is kept: {history}");

    // The teacher, back from leave (which ended their sessions), reads their own history.
    let teacher = app.sign_in("gvbm").await.unwrap();
    let own = app.data(Some(&teacher), HISTORY, json!({ "id": id })).await.unwrap();
    assert_eq!(own["node"]["history"]["contactChanges"][0]["newPhone"], "0988 111 222");
    assert_eq!(statuses(&own["node"]["history"]), kept);

    // Another school's principal and a fellow teacher: nothing, as for no such staff member.
    let other = app.sign_in(&principal_elsewhere(&app, row.school_id).await).await.unwrap();
    let fellow = app.sign_in("gvcn").await.unwrap();
    let missing = app.data(Some(&principal), HISTORY, json!({ "id": encode("Staff", 999_999).0 })).await.unwrap();
    assert_eq!(missing["node"], Value::Null);
    for token in [&other, &fellow] {
        let refused = app.data(Some(token), HISTORY, json!({ "id": id })).await.unwrap();
        assert_eq!(refused, missing, "{refused}");
    }
    app.stop().await.unwrap();
}
