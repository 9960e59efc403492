//! The disclosure log proves itself: its chain is keyed (an HMAC under a key only the server
//! identity opens), so an edited, a deleted and a re-chained entry are each found, and an
//! unkeyed log is verified and re-keyed at the first start with an identity (a broken one
//! stops the start). Staff reads of leave reasons, roll-call notes, conduct and exemptions
//! are logged; the privacy officer narrows the log by student, reader, purpose and time;
//! a family downloads its child's log, and nobody else's.

use super::disclosures::{access_of, chain, staff_named};
use super::grade_entry::decode;
use super::roll_call::{guardian_of, homeroom_class, roll_call, today};
use emis::config::Config;
use emis::disclosure::{Disclosed, Recipient, entry_hash, verify_chain};
use emis::startup::Application;
use emis_tests::{TestApp, TestDatabase, policy_dir};
use entity::disclosure_log;
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, EntityTrait as _, IntoActiveModel as _,
    QueryFilter as _, QueryOrder as _,
};
use serde_json::json;

/// Entries written straight through the server's writer: one per student of the privacy
/// officer's school, by `actor`.
async fn append(app: &TestApp, actor: i64, purpose: &str, count: usize) {
    let school = staff_named(app, "baomat").await.school_id;
    let students = entity::student::Entity::find().filter(entity::student::Column::SchoolId.eq(school));
    let students = students.all(&app.state.db).await.unwrap();
    let disclosed = students
        .iter()
        .take(count)
        .map(|row| Disclosed { school: row.school_id, fields: "result".to_owned(), students: vec![row.id] })
        .collect();
    let recipient =
        Recipient { actor_kind: "staff", actor_id: actor, purpose: purpose.to_owned(), ..Default::default() };
    app.state.disclosures.append(recipient, disclosed).await.unwrap();
    app.state.disclosures.flush().await;
}

async fn entries(app: &TestApp) -> Vec<disclosure_log::Model> {
    disclosure_log::Entity::find().order_by_asc(disclosure_log::Column::Id).all(&app.state.db).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_finds_an_edited_a_deleted_and_a_rechained_entry() {
    let app = TestApp::spawn().await.unwrap();
    append(&app, 1, "education", 5).await;
    assert_eq!(chain(&app).await, Ok(5));
    let rows = entries(&app).await;
    assert!(
        rows.iter().all(|row| row.hash != entry_hash(None, row.prev_hash.as_deref(), row)),
        "the links are keyed, not plain SHA-256"
    );
    let db = &app.state.db;
    let key = app.state.disclosures.chain_key();

    // Edited: the entry itself no longer matches its link.
    let mut edited = rows[2].clone().into_active_model();
    edited.fields = Set("student.identity".to_owned());
    edited.update(db).await.unwrap();
    let broken = verify_chain(db, key).await.unwrap().unwrap_err();
    assert_eq!((broken.id, broken.link), (rows[2].id, false));
    assert!(broken.to_string().contains(&format!("entry {} (", rows[2].id)), "{broken}");
    rows[2].clone().into_active_model().reset_all().update(db).await.unwrap();
    assert_eq!(chain(&app).await, Ok(5));

    // Deleted: the next entry no longer follows the one before it.
    disclosure_log::Entity::delete_by_id(rows[1].id).exec(db).await.unwrap();
    let broken = verify_chain(db, key).await.unwrap().unwrap_err();
    assert_eq!((broken.id, broken.link), (rows[2].id, true));
    rows[1].clone().into_active_model().reset_all().insert(db).await.unwrap();
    assert_eq!(chain(&app).await, Ok(5));

    // Re-chained by a database writer: every link after the edit recomputed, with SHA-256
    // (all such a writer can compute); the edited entry is named.
    let mut prev = rows[1].hash.clone();
    for (at, row) in rows.iter().enumerate().skip(2) {
        let mut forged = row.clone();
        if at == 2 {
            forged.students = rows[3].students.clone();
        }
        forged.prev_hash = Some(prev.clone());
        forged.hash = entry_hash(None, Some(&prev), &forged);
        prev = forged.hash.clone();
        forged.into_active_model().reset_all().update(db).await.unwrap();
    }
    let broken = verify_chain(db, key).await.unwrap().unwrap_err();
    assert_eq!((broken.id, broken.link), (rows[2].id, false));
    app.stop().await.unwrap();
}

/// A server on `url`, with the identity file in `dir` or without one.
async fn start(url: &str, identity: Option<std::path::PathBuf>) -> anyhow::Result<Application> {
    let mut config = Config::for_database(url.to_owned(), policy_dir());
    config.identity_file = identity;
    Application::build(config).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_written_without_a_key_is_verified_and_rekeyed_at_the_first_start_with_one() {
    let mut database = TestDatabase::create().await.unwrap();
    let identity = database.dir().join("identity.txt");
    emis_tests::emis_crypto_identity(&identity).unwrap();
    let unkeyed = start(&database.url, None).await.unwrap();
    let state = unkeyed.state();
    assert!(state.disclosures.chain_key().is_none());
    let recipient =
        || Recipient { actor_kind: "staff", actor_id: 1, purpose: "education".into(), ..Default::default() };
    let disclosed = |student| vec![Disclosed { school: 1, fields: "result".into(), students: vec![student] }];
    for student in 1..=3 {
        state.disclosures.append(recipient(), disclosed(student)).await.unwrap();
    }
    state.disclosures.flush().await;
    assert_eq!(verify_chain(&state.db, None).await.unwrap().map_err(|broken| broken.id), Ok(3));
    let before = disclosure_log::Entity::find().all(&state.db).await.unwrap();
    drop(unkeyed);

    let keyed = start(&database.url, Some(identity.clone())).await.unwrap();
    let state = keyed.state();
    let key = state.disclosures.chain_key().expect("a key once the server has its identity");
    assert_eq!(verify_chain(&state.db, Some(key)).await.unwrap().map_err(|broken| broken.id), Ok(3));
    assert!(verify_chain(&state.db, None).await.unwrap().is_err(), "re-chained under the key");
    let after = disclosure_log::Entity::find().all(&state.db).await.unwrap();
    let content =
        |rows: &[disclosure_log::Model]| rows.iter().map(|row| (row.id, row.students.clone())).collect::<Vec<_>>();
    assert_eq!(content(&after), content(&before), "the entries themselves are kept");
    drop(keyed);

    // A second start loads the same key.
    let again = start(&database.url, Some(identity)).await.unwrap();
    let state = again.state();
    let key = state.disclosures.chain_key().unwrap();
    assert_eq!(verify_chain(&state.db, Some(key)).await.unwrap().map_err(|broken| broken.id), Ok(3));
    drop(again);
    database.drop_database().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_altered_unkeyed_log_stops_the_start_that_would_key_it() {
    let mut database = TestDatabase::create().await.unwrap();
    let identity = database.dir().join("identity.txt");
    emis_tests::emis_crypto_identity(&identity).unwrap();
    let unkeyed = start(&database.url, None).await.unwrap();
    let state = unkeyed.state();
    for student in 1..=2 {
        let recipient =
            Recipient { actor_kind: "staff", actor_id: 1, purpose: "education".into(), ..Default::default() };
        let disclosed = vec![Disclosed { school: 1, fields: "result".into(), students: vec![student] }];
        state.disclosures.append(recipient, disclosed).await.unwrap();
    }
    state.disclosures.flush().await;
    let first = disclosure_log::Entity::find().order_by_asc(disclosure_log::Column::Id).one(&state.db).await;
    let first = first.unwrap().unwrap();
    let mut edited = first.clone().into_active_model();
    edited.students = Set("2".to_owned());
    edited.update(&state.db).await.unwrap();
    drop(unkeyed);
    let error = start(&database.url, Some(identity)).await.err().expect("the start is refused");
    let message = format!("{error:#}");
    assert!(message.contains(&format!("entry {}", first.id)) && message.contains("edited"), "{message}");
    database.drop_database().await.unwrap();
}

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
