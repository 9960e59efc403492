//! The disclosure log: staff reads of a child's grades and sensitive fields are recorded and
//! shown to the child's guardian; the guardian's own reads are not; the chain detects edits.

use chrono::{TimeZone as _, Utc};
use emis::auth::{Account, Principal};
use emis::disclosure::{Disclosed, Recipient, entry_hash, verify_chain};
use emis::graphql::ids::encode;
use emis::privacy::Access;
use emis_tests::{TestApp, TestDatabase};
use entity::{disclosure_log, staff, student};
use migration::{Migrator, MigratorTrait as _};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, ConnectionTrait as _, Database, EntityTrait as _,
    PaginatorTrait as _, QueryFilter as _, QueryOrder as _, Statement,
};
use serde_json::json;
use std::collections::BTreeSet;
use std::sync::Arc;

const CHILDREN: &str = "{ me { children { id fullName identityNumber results { score } } } }";
const OWN_LOG: &str = "{ me { children { id disclosures { studentId fields } } } disclosureLog { studentId } }";
const LOG: &str = "query($id: ID!) { student(id: $id) { disclosures { actorKind actorName fields purpose } } }";

/// The staff member signing in as `username`.
pub(crate) async fn staff_named(app: &TestApp, username: &str) -> staff::Model {
    let found = staff::Entity::find().filter(staff::Column::Username.eq(username)).one(&app.state.db).await.unwrap();
    found.expect("a staff member of the seed")
}

/// The privacy layer's access of the staff member signing in as `username`, as a request of
/// theirs would have it today.
pub(crate) async fn access_of(app: &TestApp, username: &str) -> Access {
    let me = staff_named(app, username).await;
    let today = emis::clock::today();
    let principal = Principal::load(&app.state.db, Account::Staff(me.id), None, today).await.unwrap().unwrap();
    Access::new(Arc::new(principal), app.state.policy.current(), app.state.db.clone())
}

/// The disclosure log's chain checked with the server's chain key: the entries, or the id
/// of the first broken one.
pub(crate) async fn chain(app: &TestApp) -> Result<usize, i64> {
    let checked = verify_chain(&app.state.db, app.state.disclosures.chain_key()).await.unwrap();
    checked.map_err(|broken| broken.id)
}

/// The demo guardian's token and their first child's id, read as the guardian reads them.
async fn guardian_and_child(app: &TestApp) -> (String, String) {
    let guardian = app.sign_in("phuhuynh").await.unwrap();
    let children = app.data(Some(&guardian), CHILDREN, json!({})).await.unwrap();
    let child = children["me"]["children"][0]["id"].as_str().unwrap().to_owned();
    (guardian, child)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guardian_sees_which_staff_member_was_shown_their_childs_records() {
    let app = TestApp::spawn().await.unwrap();
    let (guardian, child) = guardian_and_child(&app).await;
    app.state.disclosures.flush().await;
    let own_reads = disclosure_log::Entity::find().count(&app.state.db).await.unwrap();
    assert_eq!(own_reads, 0, "a guardian's own reads are not disclosures");

    let principal = app.sign_in("hieutruong").await.unwrap();
    let body = app
        .graphql(
            Some(&principal),
            "query($id: ID!) { student(id: $id) { identityNumber results { score } } }",
            json!({ "id": child }),
        )
        .await
        .unwrap();
    assert!(body["data"]["student"]["identityNumber"].is_string());
    app.state.disclosures.flush().await;

    let log = app.data(Some(&guardian), LOG, json!({ "id": child })).await.unwrap();
    let entries = log["student"]["disclosures"].as_array().unwrap().clone();
    assert_eq!(entries.len(), 1, "one entry per request and student: {entries:?}");
    assert_eq!(entries[0]["actorKind"], "staff");
    assert!(entries[0]["actorName"].is_string());
    let fields: Vec<&str> = entries[0]["fields"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    assert!(fields.contains(&"student.identity") && fields.contains(&"result"), "{fields:?}");
    assert_eq!(entries[0]["purpose"], "education");
    assert_eq!(chain(&app).await, Ok(1));
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_guardian_and_a_subject_teacher_cannot_read_a_childs_log() {
    let app = TestApp::spawn().await.unwrap();
    let principal = app.sign_in("hieutruong").await.unwrap();
    let page =
        app.data(Some(&principal), "{ students(first: 5) { nodes { id identityNumber } } }", json!({})).await.unwrap();
    let id = page["students"]["nodes"][0]["id"].as_str().unwrap().to_owned();
    app.state.disclosures.flush().await;
    let teacher = app.sign_in("gvbm").await.unwrap();
    let seen = app.data(Some(&teacher), "{ disclosureLog { fields } }", json!({})).await.unwrap();
    assert_eq!(seen["disclosureLog"].as_array().unwrap().len(), 0);
    let officer = app.sign_in("baomat").await.unwrap();
    let seen = app.data(Some(&officer), "{ disclosureLog { fields studentId } }", json!({})).await.unwrap();
    assert!(seen["disclosureLog"].as_array().unwrap().iter().any(|e| e["studentId"] == id.as_str()));
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editing_an_entry_breaks_the_chain() {
    let app = TestApp::spawn().await.unwrap();
    let principal = app.sign_in("hieutruong").await.unwrap();
    app.data(Some(&principal), "{ students(first: 3) { nodes { identityNumber } } }", json!({})).await.unwrap();
    app.state.disclosures.flush().await;
    assert_eq!(chain(&app).await, Ok(1), "one entry for the request's three students");
    app.data(Some(&principal), "{ students(first: 2) { nodes { address } } }", json!({})).await.unwrap();
    app.state.disclosures.flush().await;
    assert_eq!(chain(&app).await, Ok(2));
    let first = disclosure_log::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    let mut edited: disclosure_log::ActiveModel = first.clone().into();
    edited.fields = Set("result".to_owned());
    edited.update(&app.state.db).await.unwrap();
    assert_eq!(chain(&app).await, Err(first.id));
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_larger_than_one_insert_statement_is_written_whole_and_chained() {
    let app = TestApp::spawn().await.unwrap();
    let students = student::Entity::find().all(&app.state.db).await.unwrap();
    let disclosed: Vec<Disclosed> = students
        .iter()
        .cycle()
        .take(150)
        .map(|row| Disclosed { school: row.school_id, fields: "result".to_owned(), students: vec![row.id] })
        .collect();
    let recipient = Recipient {
        actor_kind: "staff",
        actor_id: 1,
        session_id: None,
        purpose: "education".to_owned(),
        ..Default::default()
    };
    app.state.disclosures.append(recipient, disclosed).await.unwrap();
    app.state.disclosures.flush().await;
    assert_eq!(chain(&app).await, Ok(150));
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_entry_lists_every_student_a_request_showed_and_each_reader_sees_only_their_students() {
    let app = TestApp::spawn().await.unwrap();
    let (guardian, child) = guardian_and_child(&app).await;

    // The principal is shown ten students and the child in one request.
    let principal = app.sign_in("hieutruong").await.unwrap();
    let shown = app
        .data(
            Some(&principal),
            "query($id: ID!) { students(first: 10) { nodes { id identityNumber } } student(id: $id) { identityNumber } }",
            json!({ "id": child }),
        )
        .await
        .unwrap();
    let mut expected: BTreeSet<String> =
        shown["students"]["nodes"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap().to_owned()).collect();
    expected.insert(child.clone());
    app.state.disclosures.flush().await;
    let stored = disclosure_log::Entity::find().all(&app.state.db).await.unwrap();
    assert_eq!(stored.len(), 1, "one entry for the whole request: {stored:?}");
    assert_eq!(stored[0].student_ids().count(), expected.len());

    // The school's privacy officer sees one entry per student shown.
    let officer = app.sign_in("baomat").await.unwrap();
    let log = app.data(Some(&officer), "{ disclosureLog(first: 200) { studentId fields } }", json!({})).await.unwrap();
    let seen: BTreeSet<String> =
        log["disclosureLog"].as_array().unwrap().iter().map(|e| e["studentId"].as_str().unwrap().to_owned()).collect();
    assert_eq!(seen, expected);

    // The guardian sees the entry as their child's alone, never the other students in it.
    let own = app.data(Some(&guardian), OWN_LOG, json!({})).await.unwrap();
    let mine: Vec<&str> = own["me"]["children"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    let child_log = own["me"]["children"].as_array().unwrap().iter().find(|c| c["id"] == child.as_str()).unwrap();
    assert_eq!(child_log["disclosures"].as_array().unwrap().len(), 1, "{own}");
    assert_eq!(child_log["disclosures"][0]["studentId"], child.as_str());
    let listed = own["disclosureLog"].as_array().unwrap();
    assert!(!listed.is_empty() && listed.iter().all(|e| mine.contains(&e["studentId"].as_str().unwrap())), "{own}");

    // Another student's log is not the guardian's to read, though the same entry lists them.
    let other = expected.iter().find(|id| !mine.contains(&id.as_str())).unwrap();
    let body = app.graphql(Some(&guardian), LOG, json!({ "id": other })).await.unwrap();
    assert!(body["data"]["student"].is_null(), "{body}");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_written_one_per_student_keep_their_chain_through_the_upgrade() {
    let mut database = TestDatabase::create().await.unwrap();
    let db = Database::connect(database.url.clone()).await.unwrap();
    Migrator::up(&db, Some(19)).await.unwrap();
    // Entries as they were written before a request's students shared one entry.
    let at = Utc.with_ymd_and_hms(2026, 12, 1, 7, 30, 0).unwrap();
    let mut prev: Option<String> = None;
    for (id, student) in [(1_i64, 345_i64), (2, 346)] {
        let row = disclosure_log::Model {
            id,
            at,
            actor_kind: "staff".into(),
            actor_id: 12,
            session_id: None,
            school_id: 6,
            fields: "result".into(),
            purpose: "education".into(),
            policy_version: None,
            prev_hash: prev.clone(),
            hash: String::new(),
            students: student.to_string(),
        };
        let hash = entry_hash(None, prev.as_deref(), &row);
        let insert = Statement::from_sql_and_values(
            db.get_database_backend(),
            "INSERT INTO disclosure_log (id, at, actor_kind, actor_id, student_id, school_id, fields, purpose, \
             prev_hash, hash) VALUES ($1, $2, 'staff', 12, $3, 6, 'result', 'education', $4, $5)",
            [id.into(), at.into(), student.into(), prev.clone().into(), hash.clone().into()],
        );
        db.execute_raw(insert).await.unwrap();
        prev = Some(hash);
    }
    Migrator::up(&db, None).await.unwrap();
    assert_eq!(verify_chain(&db, None).await.unwrap(), Ok(2));
    let rows = disclosure_log::Entity::find().order_by_asc(disclosure_log::Column::Id).all(&db).await.unwrap();
    let students: Vec<&str> = rows.iter().map(|row| row.students.as_str()).collect();
    assert_eq!(students, ["345", "346"]);
    db.close().await.unwrap();
    database.drop_database().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_schools_entries_and_who_was_shown_them_stay_with_that_school() {
    let app = TestApp::spawn().await.unwrap();
    let db = &app.state.db;
    let officer = staff_named(&app, "baomat").await;
    let ours = student::Entity::find().filter(student::Column::SchoolId.eq(officer.school_id)).one(db).await.unwrap();
    let ours = ours.expect("a student of the officer's school");
    let theirs = student::Entity::find().filter(student::Column::SchoolId.ne(officer.school_id)).one(db).await.unwrap();
    let theirs = theirs.expect("a student of another school");
    let their_staff = staff::Entity::find().filter(staff::Column::SchoolId.eq(theirs.school_id)).one(db).await.unwrap();
    let their_staff = their_staff.expect("a staff member of the other school");

    // The other school's staff member was shown the other school's student, then ours.
    let recipient = Recipient {
        actor_kind: "staff",
        actor_id: their_staff.id,
        session_id: None,
        purpose: "education".to_owned(),
        ..Default::default()
    };
    let shown = |row: &student::Model| Disclosed {
        school: row.school_id,
        fields: "student.health".to_owned(),
        students: vec![row.id],
    };
    app.state.disclosures.append(recipient, vec![shown(&theirs), shown(&ours)]).await.unwrap();
    app.state.disclosures.flush().await;

    let token = app.sign_in("baomat").await.unwrap();
    let log = app.data(Some(&token), "{ disclosureLog(first: 200) { studentId actorName } }", json!({})).await.unwrap();
    let log = log["disclosureLog"].as_array().unwrap();
    let (our_id, their_id) = (encode("Student", ours.id).0, encode("Student", theirs.id).0);
    assert!(log.iter().any(|e| e["studentId"] == our_id.as_str() && e["actorName"] == their_staff.full_name.as_str()));
    assert!(log.iter().all(|e| e["studentId"] != their_id.as_str()), "{log:?}");
    let asked = app.graphql(Some(&token), LOG, json!({ "id": their_id })).await.unwrap();
    assert!(asked["data"]["student"].is_null(), "{asked}");

    // Asked of the privacy layer itself, by the other school's student's id: nothing.
    let access = access_of(&app, "baomat").await;
    assert!(access.disclosures_about(db, theirs.id, &Default::default(), 200).await.unwrap().is_empty());
    let about_ours = access.disclosures_about(db, ours.id, &Default::default(), 200).await.unwrap();
    assert_eq!(about_ours.len(), 1, "the officer reads their school's entry about its student");
    assert_eq!(about_ours[0].recipient_name(db).await.unwrap().as_deref(), Some(their_staff.full_name.as_str()));
    let all = access.disclosures(db, &Default::default(), 200).await.unwrap();
    assert!(all.iter().all(|part| part.student() != theirs.id), "only the students the officer may read");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_students_log_holds_exactly_the_entries_listing_that_student() {
    let app = TestApp::spawn().await.unwrap();
    let db = &app.state.db;
    let school = staff_named(&app, "hieutruong").await.school_id;
    let students = student::Entity::find()
        .filter(student::Column::SchoolId.eq(school))
        .order_by_asc(student::Column::Id)
        .all(db)
        .await
        .unwrap();
    // One entry per student, each with its own purpose; and one listing the student whose
    // id is the school's, wherever that student is.
    let mut listed: Vec<i64> = students.iter().take(3).map(|row| row.id).collect();
    if !listed.contains(&school) {
        listed.push(school);
    }
    for id in &listed {
        let recipient = Recipient {
            actor_kind: "staff",
            actor_id: 1,
            session_id: None,
            purpose: format!("about {id}"),
            ..Default::default()
        };
        let entry = Disclosed { school, fields: "result".to_owned(), students: vec![*id] };
        app.state.disclosures.append(recipient, vec![entry]).await.unwrap();
    }
    app.state.disclosures.flush().await;

    let token = app.sign_in("hieutruong").await.unwrap();
    for row in students.iter().take(3) {
        let log = app.data(Some(&token), LOG, json!({ "id": encode("Student", row.id) })).await.unwrap();
        let purposes: Vec<&str> = log["student"]["disclosures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|entry| entry["purpose"].as_str().unwrap())
            .collect();
        assert_eq!(purposes, [format!("about {}", row.id)], "{log}");
    }
    app.stop().await.unwrap();
}
