//! What the log records and who reads it: staff reads of leave reasons, roll-call notes,
//! conduct and exemptions are logged; the officer narrows the log by student, reader, purpose
//! and time; a family downloads its own child's log and nobody else's.

use super::super::disclosures::{access_of, staff_named};
use super::super::grade_entry::decode;
use super::super::roll_call::{guardian_of, homeroom_class, roll_call, today};
use super::{append, entries};
use emis_tests::TestApp;
use entity::disclosure_log;
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use serde_json::json;

const LEAVE: &str = "mutation($student: ID!, $d: NaiveDate!) {
    requestLeave(studentId: $student, from: $d, to: $d, reason: \"Cháu bị sốt\") { id } }";
const CONDUCT: &str = "mutation($class: ID!, $semester: ID!, $entries: [ConductInput!]!) {
    recordConduct(classId: $class, semesterId: $semester, entries: $entries) { changed } }";
const EXEMPT: &str =
    "mutation($s: ID!, $k: ID!) { setExemption(studentId: $s, sectionId: $k, exempt: true) { sectionId } }";
const READ: &str = "query($id: ID!, $d: NaiveDate!) { student(id: $id) {
    attendance(from: $d, to: $d) { note } conduct { level } exemptions { sectionId } } }";

/// The field groups of the entries shown to the staff member `username`.
async fn logged_for(app: &TestApp, username: &str, student: &str) -> Vec<String> {
    app.state.disclosures.flush().await;
    let me = staff_named(app, username).await;
    let rows = disclosure_log::Entity::find()
        .filter(disclosure_log::Column::ActorId.eq(me.id))
        .filter(disclosure_log::Column::ActorKind.eq("staff"))
        .all(&app.state.db)
        .await
        .unwrap();
    let student = decode("Student", student);
    let mut fields: Vec<String> = rows
        .iter()
        .filter(|row| row.student_ids().any(|id| id == student))
        .flat_map(|row| row.fields.split(' ').map(str::to_owned).collect::<Vec<_>>())
        .collect();
    fields.sort();
    fields.dedup();
    fields
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_reads_of_leave_reasons_roll_call_notes_conduct_and_exemptions_are_logged() {
    let app = TestApp::spawn().await.unwrap();
    let teacher = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &teacher).await;
    let pupil = class.students[0].clone();
    let guardian = app.sign_in(&guardian_of(&app, &pupil).await).await.unwrap();
    app.data(Some(&guardian), LEAVE, json!({ "student": pupil, "d": today() })).await.unwrap();
    let own = app.data(Some(&guardian), "{ leaveRequests { reason } }", json!({})).await.unwrap();
    assert_eq!(own["leaveRequests"][0]["reason"], "Cháu bị sốt");
    app.state.disclosures.flush().await;
    assert_eq!(entries(&app).await.len(), 0, "a guardian reading their own child's request is not logged");

    let read = app.data(Some(&teacher), "{ leaveRequests { reason } }", json!({})).await.unwrap();
    assert_eq!(read["leaveRequests"][0]["reason"], "Cháu bị sốt");
    assert_eq!(logged_for(&app, "gvcn", &pupil).await, ["leave_request"]);

    let marks = json!([{ "studentId": pupil, "status": "late", "note": "ốm" }]);
    let called = roll_call(&app, &teacher, &class.id, "morning", marks).await;
    assert!(called["errors"].is_null(), "{called}");
    let query = "{ me { homeroomClasses { sections { assessments { semesterId } } } } }";
    let sections = app.data(Some(&teacher), query, json!({})).await.unwrap();
    let semester = sections["me"]["homeroomClasses"][0]["sections"][0]["assessments"][0]["semesterId"].clone();
    let entries = json!([{ "studentId": pupil, "level": "tot", "version": null }]);
    let set = app.data(Some(&teacher), CONDUCT, json!({ "class": class.id, "semester": semester, "entries": entries }));
    assert_eq!(set.await.unwrap()["recordConduct"]["changed"], 1);
    let principal = app.sign_in("hieutruong").await.unwrap();
    let sections = app
        .data(Some(&principal), "query($id: ID!) { class(id: $id) { sections { id } } }", json!({ "id": class.id }))
        .await
        .unwrap();
    let section = sections["class"]["sections"][0]["id"].clone();
    app.data(Some(&principal), EXEMPT, json!({ "s": pupil, "k": section })).await.unwrap();

    let before = logged_for(&app, "hieutruong", &pupil).await;
    assert!(before.is_empty(), "{before:?}");
    let shown = app.data(Some(&principal), READ, json!({ "id": pupil, "d": today() })).await.unwrap();
    assert_eq!(shown["student"]["attendance"][0]["note"], "ốm");
    assert_eq!(logged_for(&app, "hieutruong", &pupil).await, ["attendance", "conduct", "exemption"]);
    app.stop().await.unwrap();
}

const LOG: &str = "query($student: ID, $reader: ID, $purpose: String, $from: DateTime, $to: DateTime) {
    disclosureLog(studentId: $student, readerId: $reader, purpose: $purpose, from: $from, to: $to, first: 200) {
        studentId actorKind purpose } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_officer_narrows_the_log_by_student_reader_purpose_and_time() {
    let app = TestApp::spawn().await.unwrap();
    let officer = staff_named(&app, "baomat").await;
    let principal = staff_named(&app, "hieutruong").await;
    let teacher = staff_named(&app, "gvbm").await;
    append(&app, principal.id, "education", 4).await;
    append(&app, teacher.id, "audit review", 2).await;
    append(&app, teacher.id, "learning_platform#3", 1).await;
    let token = app.sign_in("baomat").await.unwrap();
    let readable = access_of(&app, "baomat").await;
    let everything = emis::privacy::LogQuery::default();
    let all = readable.disclosures(&app.state.db, &everything, 200).await.unwrap();
    assert!(!all.is_empty(), "the officer reads their school's log");
    let ask = |variables| app.data(Some(&token), LOG, variables);
    let count = |data: serde_json::Value| data["disclosureLog"].as_array().unwrap().len();

    let everyone = count(ask(json!({})).await.unwrap());
    assert_eq!(everyone, all.len());
    let by_principal = ask(json!({ "reader": emis::graphql::ids::encode("Staff", principal.id) })).await.unwrap();
    let by_teacher = ask(json!({ "reader": emis::graphql::ids::encode("Staff", teacher.id) })).await.unwrap();
    assert_eq!(count(by_principal.clone()) + count(by_teacher.clone()), everyone);
    assert!(count(by_principal) > 0 && count(by_teacher) > 0);
    let audit = ask(json!({ "purpose": "audit review" })).await.unwrap();
    assert!(audit["disclosureLog"].as_array().unwrap().iter().all(|entry| entry["purpose"] == "audit review"));
    let vendor_code = ask(json!({ "purpose": "learning_platform" })).await.unwrap();
    assert!(vendor_code["disclosureLog"].as_array().unwrap().iter().all(|e| e["purpose"] == "learning_platform#3"));
    assert_eq!(count(ask(json!({ "purpose": "learning%" })).await.unwrap()), 0, "a pattern is not a purpose");
    let later = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let earlier = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    assert_eq!(count(ask(json!({ "from": later })).await.unwrap()), 0);
    assert_eq!(count(ask(json!({ "to": earlier })).await.unwrap()), 0);
    assert_eq!(count(ask(json!({ "from": earlier, "to": later })).await.unwrap()), everyone);
    let one = all[0].student();
    let student = emis::graphql::ids::encode("Student", one);
    let about = ask(json!({ "student": student })).await.unwrap();
    assert!(count(about.clone()) > 0);
    assert!(about["disclosureLog"].as_array().unwrap().iter().all(|e| e["studentId"] == student.as_str()));
    let wrong = app.graphql(Some(&token), LOG, json!({ "reader": student })).await.unwrap();
    assert_eq!(emis_tests::error_code(&wrong), Some("BAD_USER_INPUT"), "{wrong}");
    assert_ne!(officer.id, principal.id);
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_family_downloads_its_childs_log_and_nobody_elses() {
    let app = TestApp::spawn().await.unwrap();
    let guardian = app.sign_in("phuhuynh").await.unwrap();
    let children = app.data(Some(&guardian), "{ me { children { id } } }", json!({})).await.unwrap();
    let own: Vec<i64> = children["me"]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| decode("Student", c["id"].as_str().unwrap()))
        .collect();
    let child = children["me"]["children"][0]["id"].as_str().unwrap().to_owned();
    let principal = app.sign_in("hieutruong").await.unwrap();
    let query = "query($id: ID!) { student(id: $id) { identityNumber results { score } } }";
    app.data(Some(&principal), query, json!({ "id": child })).await.unwrap();
    let others = app.data(Some(&principal), "{ students(first: 3) { nodes { identityNumber } } }", json!({}));
    others.await.unwrap();
    app.state.disclosures.flush().await;

    let client = reqwest::Client::new();
    let download = |token: String, student: String| {
        client.get(format!("{}/exports/disclosures?studentId={student}", app.address)).bearer_auth(token).send()
    };
    let file = download(guardian.clone(), child.clone()).await.unwrap();
    assert_eq!(file.status(), 200);
    let text = file.text().await.unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    let listed = app.data(
        Some(&guardian),
        "query($id: ID!) { student(id: $id) { disclosures { at } } }",
        json!({ "id": child }),
    );
    let listed = listed.await.unwrap()["student"]["disclosures"].as_array().unwrap().len();
    assert!(listed >= 1);
    assert_eq!(lines.len(), listed + 1, "a header and one line per entry about the child: {text}");
    assert!(text.contains("số định danh học sinh / student identity numbers"), "{text}");

    let stranger = app.sign_in("gvbm").await.unwrap();
    let refused = download(stranger, child.clone()).await.unwrap();
    let another = entity::student::Entity::find().filter(entity::student::Column::Id.is_not_in(own));
    let another = another.one(&app.state.db).await.unwrap().unwrap();
    let other_child = emis::graphql::ids::encode("Student", another.id).to_string();
    let not_theirs = download(guardian.clone(), other_child).await.unwrap();
    let missing = download(guardian, emis::graphql::ids::encode("Student", 999_999).to_string()).await.unwrap();
    assert_eq!(not_theirs.status(), 404);
    assert_eq!(missing.status(), 404);
    assert_eq!(not_theirs.text().await.unwrap(), missing.text().await.unwrap(), "another child answers like none");
    assert!(
        refused.status() == 404 || refused.text().await.unwrap().trim_start_matches('\u{feff}').lines().count() == 1
    );
    app.stop().await.unwrap();
}
