//! Locking the books: only the principal locks a section's or a school's semester; after
//! that a teacher's change is refused without a reason and, with one, waits as a request
//! that only the principal of that school may read and decide; an approved change appears
//! in the history with its reason and approver, a rejected or stale one changes nothing. A
//! mark submitted while its book is being locked (a rollover) waits and is refused once the
//! lock has committed.

use super::grade_entry::{Column, RECORD, decode, scored_column, stored};
use chrono::Utc;
use emis_tests::{TestApp, error_code};
use entity::{book_lock, staff, staff_role};
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait as _, DatabaseTransaction, DbBackend, EntityTrait as _,
    QueryFilter as _, Statement, TransactionTrait as _,
};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicBool, Ordering};

const LOCK: &str = "mutation($semester: ID!, $section: ID, $school: ID) {
    lockBook(semesterId: $semester, sectionId: $section, schoolId: $school) { id sectionId schoolId unlockedAt }
}";
const DECIDE: &str = "mutation($id: ID!, $approve: Boolean!) {
    decideChange(requestId: $id, approve: $approve, note: \"đã xem\") { status decidedBy decisionNote }
}";
const REQUESTS: &str = "{ changeRequests { id status oldValue newValue reason student { id } } }";

/// One entry for the column's `index`-th student at the version read.
fn one(column: &Column, index: usize, score: f64) -> Value {
    let (student, version) = &column.students[index];
    json!([{ "studentId": student, "score": score, "version": version }])
}

async fn record(app: &TestApp, token: &str, column: &Column, entries: Value, reason: Option<&str>) -> Value {
    let query = RECORD
        .replace("$entries: [ScoreInput!]!)", "$entries: [ScoreInput!]!, $reason: String)")
        .replace("entries: $entries)", "entries: $entries, reason: $reason)");
    let query = query.replace(
        "results { score version assessmentId } }",
        "results { score version assessmentId } requests { id status newValue } }",
    );
    app.graphql(Some(token), &query, json!({ "column": column.id, "entries": entries, "reason": reason }))
        .await
        .unwrap()
}

/// The ids of the change requests `token` may read.
async fn readable_requests(app: &TestApp, token: &str) -> Vec<Value> {
    let data = app.data(Some(token), REQUESTS, json!({})).await.unwrap();
    data["changeRequests"].as_array().unwrap().clone()
}

/// The username of a principal of a school other than `school`.
pub(crate) async fn principal_elsewhere(app: &TestApp, school: i64) -> String {
    let role = staff_role::Entity::find()
        .filter(staff_role::Column::Role.eq("principal"))
        .filter(staff_role::Column::OrgId.ne(school))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("another school has a principal");
    let person = staff::Entity::find_by_id(role.staff_id).one(&app.state.db).await.unwrap().unwrap();
    person.username.unwrap()
}

/// On PostgreSQL: sends `request` while `holder` holds a lock on `table` that the request's
/// transaction needs, and commits `holder` once the request waits for that lock (or has
/// answered without waiting); the request's answer.
pub(crate) async fn behind(
    app: &TestApp,
    holder: DatabaseTransaction,
    table: &str,
    request: impl Future<Output = Value>,
) -> Value {
    let answered = AtomicBool::new(false);
    let asking = async {
        let answer = request.await;
        answered.store(true, Ordering::SeqCst);
        answer
    };
    let waiting = format!("SELECT count(*) AS n FROM pg_locks WHERE NOT granted AND relation = '{table}'::regclass");
    let release = async {
        while !answered.load(Ordering::SeqCst) {
            let statement = Statement::from_string(DbBackend::Postgres, waiting.clone());
            let row = app.state.db.query_one_raw(statement).await.unwrap().unwrap();
            if row.try_get::<i64>("", "n").unwrap() > 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        holder.commit().await.unwrap();
    };
    tokio::join!(asking, release).0
}

async fn school_of_section(app: &TestApp, section: &str) -> i64 {
    let row = entity::section::Entity::find_by_id(decode("Section", section)).one(&app.state.db).await.unwrap();
    row.unwrap().school_id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_section_takes_changes_only_as_requests_that_its_principal_decides() {
    let app = TestApp::spawn().await.unwrap();
    let teacher = app.sign_in("gvbm").await.unwrap();
    let principal = app.sign_in("hieutruong").await.unwrap();
    let column = scored_column(&app, &teacher).await;
    let lock = app
        .data(Some(&principal), LOCK, json!({ "semester": column.semester, "section": column.section }))
        .await
        .unwrap();
    assert_eq!(lock["lockBook"]["sectionId"], column.section.as_str());
    assert!(lock["lockBook"]["unlockedAt"].is_null());
    let seen = app
        .data(Some(&teacher), "query($id: ID!) { section(id: $id) { lock { id } } }", json!({ "id": column.section }))
        .await
        .unwrap();
    assert_eq!(seen["section"]["lock"]["id"], lock["lockBook"]["id"], "the teacher sees the book is locked");
    let before = stored(&app, &column).await;

    // Without a reason: refused, nothing written.
    let refused = record(&app, &teacher, &column, one(&column, 0, 9.5), None).await;
    assert_eq!(error_code(&refused), Some("LOCKED"), "{refused}");
    assert!(refused["errors"][0]["message"].as_str().unwrap().contains("Sổ đã khóa"));
    assert_eq!(stored(&app, &column).await, before);

    // With a reason: a pending request, the result unchanged.
    let asked = record(&app, &teacher, &column, one(&column, 0, 9.5), Some("Chấm phúc khảo")).await;
    let payload = &asked["data"]["recordScores"];
    assert_eq!(payload["changed"], 0, "{asked}");
    assert_eq!(payload["requests"][0]["status"], "pending");
    assert_eq!(payload["requests"][0]["newValue"], "9.5");
    let request = payload["requests"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(stored(&app, &column).await, before, "a request changes nothing");

    // Who may read and decide it: the school's principal; not the teacher, the homeroom
    // teacher, a guardian, the clerk or another school's principal.
    let listed = readable_requests(&app, &principal).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0]["reason"].as_str(), listed[0]["student"]["id"].as_str()),
        (Some("Chấm phúc khảo"), Some(column.students[0].0.as_str()))
    );
    assert_eq!(readable_requests(&app, &teacher).await.len(), 1, "the teacher follows their section's requests");
    let elsewhere = principal_elsewhere(&app, school_of_section(&app, &column.section).await).await;
    for username in ["phuhuynh", "vanthu", elsewhere.as_str()] {
        let token = app.sign_in(username).await.unwrap();
        assert!(readable_requests(&app, &token).await.is_empty(), "{username} reads no request");
    }
    for username in ["gvbm", "gvcn", "phuhuynh", "vanthu", elsewhere.as_str()] {
        let token = app.sign_in(username).await.unwrap();
        let body = app.graphql(Some(&token), DECIDE, json!({ "id": request, "approve": true })).await.unwrap();
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "{username}: {body}");
    }
    let unknown = emis::graphql::ids::encode("ChangeRequest", 999_999);
    let body = app.graphql(Some(&principal), DECIDE, json!({ "id": unknown, "approve": true })).await.unwrap();
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "an unknown request reads like a forbidden one");
    assert_eq!(stored(&app, &column).await, before);

    // The principal approves: the result changes, the history keeps reason and approver.
    let decided = app.data(Some(&principal), DECIDE, json!({ "id": request, "approve": true })).await.unwrap();
    assert_eq!(decided["decideChange"]["status"], "approved");
    assert_eq!(decided["decideChange"]["decisionNote"], "đã xem");
    let student = decode("Student", &column.students[0].0);
    let row = stored(&app, &column).await.into_iter().find(|row| row.0 == student).unwrap();
    assert_eq!(row.1, Some(95));
    let me = app.data(Some(&principal), "{ me { staff { id } } }", json!({})).await.unwrap();
    let teacher_me = app.data(Some(&teacher), "{ me { staff { id } } }", json!({})).await.unwrap();
    let history = app
        .data(
            Some(&principal),
            "query($id: ID!) { student(id: $id) { history { newValue reason changedBy approvedBy } } }",
            json!({ "id": column.students[0].0 }),
        )
        .await
        .unwrap();
    let change = &history["student"]["history"][0];
    assert_eq!((change["newValue"].as_str(), change["reason"].as_str()), (Some("9.5"), Some("Chấm phúc khảo")));
    assert_eq!(change["approvedBy"], me["me"]["staff"]["id"]);
    assert_eq!(change["changedBy"], teacher_me["me"]["staff"]["id"], "the change is the teacher's");
    assert_eq!(decided["decideChange"]["decidedBy"], me["me"]["staff"]["id"]);
    let again = app.graphql(Some(&principal), DECIDE, json!({ "id": request, "approve": false })).await.unwrap();
    assert_eq!(error_code(&again), Some("BAD_USER_INPUT"), "a request is decided once: {again}");

    // Two requests against the same version: the first approved, the second is stale.
    let fresh = scored_column(&app, &teacher).await;
    let first = record(&app, &teacher, &fresh, one(&fresh, 1, 4.0), Some("nhập nhầm")).await;
    let second = record(&app, &teacher, &fresh, one(&fresh, 1, 4.5), Some("nhập nhầm lần nữa")).await;
    let id = |body: &Value| body["data"]["recordScores"]["requests"][0]["id"].as_str().unwrap().to_owned();
    app.data(Some(&principal), DECIDE, json!({ "id": id(&first), "approve": true })).await.unwrap();
    let stale = app.graphql(Some(&principal), DECIDE, json!({ "id": id(&second), "approve": true })).await.unwrap();
    assert_eq!(error_code(&stale), Some("CONFLICT"), "{stale}");
    let rejected = app.data(Some(&principal), DECIDE, json!({ "id": id(&second), "approve": false })).await.unwrap();
    assert_eq!(rejected["decideChange"]["status"], "rejected");
    let student = decode("Student", &fresh.students[1].0);
    let row = stored(&app, &fresh).await.into_iter().find(|row| row.0 == student).unwrap();
    assert_eq!(row.1, Some(40), "the approved value stays; the rejected one is not written");
    assert!(readable_requests(&app, &principal).await.is_empty(), "nothing is pending any more");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_principal_locks_and_a_school_lock_covers_every_section_until_lifted() {
    let app = TestApp::spawn().await.unwrap();
    let teacher = app.sign_in("gvbm").await.unwrap();
    let principal = app.sign_in("hieutruong").await.unwrap();
    let column = scored_column(&app, &teacher).await;
    let school = emis::graphql::ids::encode("School", school_of_section(&app, &column.section).await);
    let whole = json!({ "semester": column.semester, "school": school });
    let section = json!({ "semester": column.semester, "section": column.section });

    let elsewhere = principal_elsewhere(&app, school_of_section(&app, &column.section).await).await;
    for username in ["gvbm", "gvcn", "phuhuynh", "vanthu", elsewhere.as_str()] {
        let token = app.sign_in(username).await.unwrap();
        for variables in [&whole, &section] {
            let body = app.graphql(Some(&token), LOCK, variables.clone()).await.unwrap();
            assert_eq!(error_code(&body), Some("FORBIDDEN"), "{username}: {body}");
        }
    }
    let anonymous = app.graphql(None, LOCK, whole.clone()).await.unwrap();
    assert_eq!(error_code(&anonymous), Some("UNAUTHENTICATED"));
    let unknown = json!({ "semester": column.semester, "section": emis::graphql::ids::encode("Section", 999_999) });
    let body = app.graphql(Some(&principal), LOCK, unknown).await.unwrap();
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "an unknown section reads like a forbidden one");
    let both = json!({ "semester": column.semester, "section": column.section, "school": school });
    assert_eq!(error_code(&app.graphql(Some(&principal), LOCK, both).await.unwrap()), Some("BAD_USER_INPUT"));
    // Nothing was locked by any of that.
    assert!(record(&app, &teacher, &column, one(&column, 0, 3.0), None).await.get("errors").is_none());

    let locked = app.data(Some(&principal), LOCK, whole.clone()).await.unwrap();
    let again = app.data(Some(&principal), LOCK, whole.clone()).await.unwrap();
    assert_eq!(locked["lockBook"]["id"], again["lockBook"]["id"], "locking what is locked returns the lock");
    assert!(locked["lockBook"]["sectionId"].is_null());
    let fresh = scored_column(&app, &teacher).await;
    let refused = record(&app, &teacher, &fresh, one(&fresh, 0, 3.5), None).await;
    assert_eq!(error_code(&refused), Some("LOCKED"), "the school's lock covers the section: {refused}");

    let lock_id = locked["lockBook"]["id"].clone();
    let unlock = "mutation($id: ID!) { unlockBook(lockId: $id) { unlockedAt } }";
    let body = app.graphql(Some(&teacher), unlock, json!({ "id": lock_id })).await.unwrap();
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "only the principal lifts a lock");
    let lifted = app.data(Some(&principal), unlock, json!({ "id": lock_id })).await.unwrap();
    assert!(lifted["unlockBook"]["unlockedAt"].is_string());
    let written = record(&app, &teacher, &fresh, one(&fresh, 0, 3.5), None).await;
    assert_eq!(written["data"]["recordScores"]["changed"], 1, "{written}");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mark_submitted_while_its_book_is_being_locked_is_refused_once_the_lock_commits() {
    let app = TestApp::spawn().await.unwrap();
    let db = &app.state.db;
    // On SQLite a writer's transaction cannot begin while another writes: nothing to race.
    if db.get_database_backend() == DbBackend::Postgres {
        let teacher = app.sign_in("gvbm").await.unwrap();
        let column = scored_column(&app, &teacher).await;
        let school = school_of_section(&app, &column.section).await;
        let principal = staff::Entity::find().filter(staff::Column::Username.eq("hieutruong")).one(db).await.unwrap();
        let before = stored(&app, &column).await;
        // A rollover under way: it holds the books and has written the school's lock of the
        // semester, not yet committed; the teacher's mark finds the book open.
        let locking = db.begin().await.unwrap();
        locking.execute_unprepared("LOCK TABLE book_lock IN SHARE ROW EXCLUSIVE MODE").await.unwrap();
        let lock = book_lock::ActiveModel {
            school_id: Set(school),
            semester_id: Set(decode("Semester", &column.semester)),
            section_id: Set(None),
            locked_by_id: Set(principal.unwrap().id),
            locked_at: Set(Utc::now()),
            unlocked_by_id: Set(None),
            unlocked_at: Set(None),
            ..Default::default()
        };
        book_lock::Entity::insert(lock).exec(&locking).await.unwrap();
        let answer =
            behind(&app, locking, "book_lock", record(&app, &teacher, &column, one(&column, 0, 7.5), None)).await;
        assert_eq!(error_code(&answer), Some("LOCKED"), "{answer}");
        assert_eq!(stored(&app, &column).await, before, "nothing written");
    }
    app.stop().await.unwrap();
}
