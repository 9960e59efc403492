//! Student accounts: a student signs in while studying and enrolled, and reads their own
//! record, results, attendance and conduct — never a classmate's (by id, by the class roster,
//! by search), nor their guardians' contacts or anyone's health; the principal gives a
//! class's students their usernames, and no one else may.

use chrono::NaiveDate;
use emis::graphql::ids;
use emis_tests::{TestApp, error_code};
use entity::{attendance, conduct, enrollment, semester, staff, student};
use sea_orm::{ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use serde_json::{Value, json};

const ME: &str = "query($from: NaiveDate!, $to: NaiveDate!) {
  me { accountKind roles
       student { id fullName healthNotes identityNumber
                 guardians { fullName phone identityNumber }
                 results { score }
                 attendance(from: $from, to: $to) { date }
                 conduct { level } } }
}";

const SIGN_IN: &str = "mutation($i: String!, $p: String!) { signIn(identifier: $i, password: $p) { accessToken } }";

/// The demo student, their open enrollment, and a classmate.
async fn pupils(app: &TestApp) -> (student::Model, enrollment::Model, student::Model) {
    let db = &app.state.db;
    let me = student::Entity::find().filter(student::Column::Username.eq("hocsinh")).one(db).await.unwrap().unwrap();
    let mine =
        enrollment::Entity::find().filter(enrollment::Column::StudentId.eq(me.id)).one(db).await.unwrap().unwrap();
    let classmates = enrollment::Entity::find()
        .filter(enrollment::Column::ClassId.eq(mine.class_id))
        .filter(enrollment::Column::StudentId.ne(me.id))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let classmate = student::Entity::find_by_id(classmates.student_id).one(db).await.unwrap().unwrap();
    (me, mine, classmate)
}

/// An absence and a conduct level for `student` in `class`.
async fn records_for(app: &TestApp, student: &student::Model, class: i64) {
    let db = &app.state.db;
    let term = semester::Entity::find().one(db).await.unwrap().unwrap();
    let teacher = staff::Entity::find().filter(staff::Column::Username.eq("gvcn")).one(db).await.unwrap().unwrap();
    attendance::ActiveModel {
        school_id: Set(student.school_id),
        student_id: Set(student.id),
        class_id: Set(class),
        date: Set(NaiveDate::from_ymd_opt(2026, 9, 8).unwrap()),
        session: Set("morning".to_owned()),
        period: Set(None),
        status: Set("unexcused".to_owned()),
        note: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    conduct::ActiveModel {
        school_id: Set(student.school_id),
        student_id: Set(student.id),
        class_id: Set(class),
        semester_id: Set(term.id),
        level: Set("tot".to_owned()),
        comment: Set(None),
        version: Set(1),
        updated_by_id: Set(teacher.id),
        updated_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
}

fn period() -> Value {
    json!({ "from": "2026-08-01", "to": "2027-07-31" })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_student_reads_their_own_records_and_not_a_classmates() {
    let app = TestApp::spawn().await.unwrap();
    let (me, mine, classmate) = pupils(&app).await;
    records_for(&app, &me, mine.class_id).await;
    records_for(&app, &classmate, mine.class_id).await;
    let token = app.sign_in("hocsinh").await.unwrap();

    let data = app.data(Some(&token), ME, period()).await.unwrap();
    assert_eq!(data["me"]["accountKind"], "student");
    assert_eq!(data["me"]["roles"], json!(["student"]));
    let own = &data["me"]["student"];
    assert_eq!(own["id"], ids::encode("Student", me.id).as_str());
    assert_eq!(own["identityNumber"].as_str().map(str::len), Some(12), "their own identity number");
    assert!(!own["results"].as_array().unwrap().is_empty(), "their own results");
    assert_eq!(own["attendance"].as_array().unwrap().len(), attendance_count(&app, me.id).await);
    assert_eq!(own["conduct"], json!([{ "level": "tot" }]));
    assert_eq!(own["guardians"], json!([]), "the policy gives a student no guardian's record or contact");

    // a classmate: not by id, not by search, not through the class or its roster
    let by_id = "query($id: ID!, $from: NaiveDate!, $to: NaiveDate!) { student(id: $id) { fullName healthNotes results { score } attendance(from: $from, to: $to) { date } conduct { level } } }";
    let vars = json!({ "id": ids::encode("Student", classmate.id).as_str(), "from": "2026-08-01", "to": "2027-07-31" });
    assert_eq!(app.data(Some(&token), by_id, vars).await.unwrap()["student"], Value::Null);
    let search = "query($s: String, $c: ID) { students(first: 100, search: $s, classId: $c) { totalCount nodes { id healthNotes } } }";
    let everyone = app.data(Some(&token), search, json!({})).await.unwrap();
    assert_eq!(everyone["students"]["totalCount"], 1, "a student finds only themselves: {everyone}");
    assert_eq!(everyone["students"]["nodes"][0]["id"], ids::encode("Student", me.id).as_str());
    let named = app.data(Some(&token), search, json!({ "s": classmate.given_name })).await.unwrap();
    let found: Vec<&Value> = named["students"]["nodes"].as_array().unwrap().iter().map(|n| &n["id"]).collect();
    assert!(!found.contains(&&json!(ids::encode("Student", classmate.id).as_str())), "{named}");
    let class = ids::encode("Class", mine.class_id);
    let in_class = app.data(Some(&token), search, json!({ "c": class.as_str() })).await.unwrap();
    assert!(in_class["students"]["totalCount"].as_u64().unwrap() <= 1, "{in_class}");
    let roster = "query($id: ID!) { class(id: $id) { students { id healthNotes } } }";
    let listed = app.data(Some(&token), roster, json!({ "id": class.as_str() })).await.unwrap();
    let others: Vec<&Value> = listed["class"]["students"]
        .as_array()
        .map(|nodes| nodes.iter().filter(|n| n["id"] != ids::encode("Student", me.id).as_str()).collect())
        .unwrap_or_default();
    assert!(others.is_empty(), "no classmate on the roster a student reads: {listed}");
    app.stop().await.unwrap();
}

async fn attendance_count(app: &TestApp, student: i64) -> usize {
    attendance::Entity::find().filter(attendance::Column::StudentId.eq(student)).all(&app.state.db).await.unwrap().len()
}

async fn signs_in(app: &TestApp, username: &str) -> bool {
    let body = app.graphql(None, SIGN_IN, json!({ "i": username, "p": emis::seed::DEMO_PASSWORD })).await.unwrap();
    body["data"]["signIn"]["accessToken"].is_string()
}

async fn token_works(app: &TestApp, token: &str) -> bool {
    let body = app.graphql(Some(token), "{ me { accountKind } }", json!({})).await.unwrap();
    body["data"]["me"]["accountKind"] == "student"
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_student_whose_enrollment_ended_or_who_left_cannot_sign_in() {
    let app = TestApp::spawn().await.unwrap();
    let db = &app.state.db;
    let (me, mine, _) = pupils(&app).await;
    let token = app.sign_in("hocsinh").await.unwrap();
    assert!(token_works(&app, &token).await);

    let yesterday = emis::clock::today().pred_opt().unwrap();
    let mut ended: enrollment::ActiveModel = mine.clone().into();
    ended.ends_on = Set(Some(yesterday));
    ended.update(db).await.unwrap();
    assert!(!token_works(&app, &token).await, "the session stops at the next request");
    assert!(!signs_in(&app, "hocsinh").await, "an ended enrollment does not sign in");

    let mut open: enrollment::ActiveModel = mine.clone().into();
    open.ends_on = Set(None);
    open.update(db).await.unwrap();
    assert!(signs_in(&app, "hocsinh").await);
    let mut left: student::ActiveModel = me.clone().into();
    left.status = Set("transferred".to_owned());
    left.update(db).await.unwrap();
    assert!(!token_works(&app, &token).await);
    assert!(!signs_in(&app, "hocsinh").await, "a student who left does not sign in");
    app.stop().await.unwrap();
}

const ENABLE: &str = "mutation($c: ID!) { enableStudentAccounts(classId: $c) { created accounts { username activated student { id } } } }";

async fn usernames(app: &TestApp) -> Vec<Option<String>> {
    let rows = student::Entity::find().all(&app.state.db).await.unwrap();
    rows.into_iter().map(|row| row.username).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_principal_gives_a_classes_students_accounts_that_sign_in_only_once_activated() {
    let app = TestApp::spawn().await.unwrap();
    let (me, mine, classmate) = pupils(&app).await;
    let class = ids::encode("Class", mine.class_id);
    let before = usernames(&app).await;

    // others than the class's principal are refused like a missing class, nothing written
    for someone in ["gvcn", "hieutruong.th", "hocsinh", "phuhuynh"] {
        let token = app.sign_in(someone).await.unwrap();
        let body = app.graphql(Some(&token), ENABLE, json!({ "c": class.as_str() })).await.unwrap();
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "{someone}: {body}");
    }
    let principal = app.sign_in("hieutruong").await.unwrap();
    let missing = app.graphql(Some(&principal), ENABLE, json!({ "c": ids::encode("Class", 999_999).as_str() })).await;
    assert_eq!(error_code(&missing.unwrap()), Some("FORBIDDEN"));
    assert_eq!(usernames(&app).await, before);

    let given = app.data(Some(&principal), ENABLE, json!({ "c": class.as_str() })).await.unwrap();
    let accounts = given["enableStudentAccounts"]["accounts"].as_array().unwrap().clone();
    let enrolled = enrollment::Entity::find()
        .filter(enrollment::Column::ClassId.eq(mine.class_id))
        .all(&app.state.db)
        .await
        .unwrap()
        .len();
    assert_eq!(accounts.len(), enrolled);
    assert_eq!(given["enableStudentAccounts"]["created"], enrolled - 1, "hocsinh had an account");
    let of = |id: i64| accounts.iter().find(|a| a["student"]["id"] == ids::encode("Student", id).as_str()).unwrap();
    assert_eq!(of(me.id)["username"], "hocsinh");
    assert_eq!(of(me.id)["activated"], true);
    let theirs = of(classmate.id)["username"].as_str().unwrap().to_owned();
    assert!(theirs.starts_with("hs.") && theirs.ends_with(&format!(".{}", classmate.id)), "{theirs}");
    assert_eq!(of(classmate.id)["activated"], false);

    let again = app.data(Some(&principal), ENABLE, json!({ "c": class.as_str() })).await.unwrap();
    assert_eq!(again["enableStudentAccounts"]["created"], 0);
    assert_eq!(again["enableStudentAccounts"]["accounts"].as_array().unwrap().len(), enrolled);

    // an account without a password does not sign in, whatever password is tried
    assert!(!signs_in(&app, &theirs).await);
    let empty = app.graphql(None, SIGN_IN, json!({ "i": theirs, "p": "" })).await.unwrap();
    assert!(empty["data"]["signIn"].is_null() || empty["data"].is_null(), "{empty}");
    app.stop().await.unwrap();
}

const ISSUE: &str = "mutation($s: [ID!]) { issueActivationCodes(studentIds: $s, delivery: SHOW) { issued { accountId code } passedOver { accountId reason } } }";
const ACTIVATE: &str = "mutation($i: String!, $c: String!, $p: String!) {
  activateAccount(identifier: $i, code: $c, newPassword: $p) { accessToken } }";

#[tokio::test]
async fn a_student_given_an_account_activates_it_with_a_code_from_their_own_school_only() {
    let app = TestApp::spawn().await.unwrap();
    let (me, mine, classmate) = pupils(&app).await;
    let class = ids::encode("Class", mine.class_id);
    let principal = app.sign_in("hieutruong").await.unwrap();
    let given = app.data(Some(&principal), ENABLE, json!({ "c": class.as_str() })).await.unwrap();
    let accounts = given["enableStudentAccounts"]["accounts"].as_array().unwrap().clone();
    let wanted = ids::encode("Student", classmate.id);
    let username = accounts.iter().find(|a| a["student"]["id"] == wanted.as_str()).unwrap()["username"]
        .as_str()
        .unwrap()
        .to_owned();
    let codes_before = entity::account_code::Entity::find().all(&app.state.db).await.unwrap().len();

    // another school's principal, a teacher and the student's guardian are refused like a missing student
    let elsewhere = crate::book_locks::principal_elsewhere(&app, classmate.school_id).await;
    for someone in [elsewhere.as_str(), "gvcn", "phuhuynh"] {
        let token = app.sign_in(someone).await.unwrap();
        let refused = app.graphql(Some(&token), ISSUE, json!({ "s": [wanted.as_str()] })).await.unwrap();
        assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{someone}: {refused}");
    }
    let missing = ids::encode("Student", 999_999);
    let absent = app.graphql(Some(&principal), ISSUE, json!({ "s": [missing.as_str()] })).await.unwrap();
    assert_eq!(error_code(&absent), Some("FORBIDDEN"));
    assert_eq!(entity::account_code::Entity::find().all(&app.state.db).await.unwrap().len(), codes_before);

    // a student who already has a password is passed over; the new account gets a code
    let mine_id = ids::encode("Student", me.id);
    let issued = app.data(Some(&principal), ISSUE, json!({ "s": [wanted.as_str(), mine_id.as_str()] })).await.unwrap();
    let passed = issued["issueActivationCodes"]["passedOver"].as_array().unwrap();
    assert_eq!(passed.len(), 1, "{issued}");
    assert_eq!(passed[0]["accountId"], mine_id.as_str());
    assert_eq!(passed[0]["reason"], "HAS_PASSWORD");
    let code = issued["issueActivationCodes"]["issued"][0]["code"].as_str().unwrap().to_owned();

    let password = "Lop6A1-hoc-cham-2026";
    let body = app.graphql(None, ACTIVATE, json!({ "i": username, "c": code, "p": password })).await.unwrap();
    let token = body["data"]["activateAccount"]["accessToken"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
    let me_now = app.data(Some(&token), "{ me { accountKind student { id } } }", json!({})).await.unwrap();
    assert_eq!(me_now["me"]["accountKind"], "student");
    assert_eq!(me_now["me"]["student"]["id"], wanted.as_str());
    let again = app.graphql(None, ACTIVATE, json!({ "i": username, "c": code, "p": password })).await.unwrap();
    assert_eq!(error_code(&again), Some("INVALID_CREDENTIALS"), "a code works once: {again}");
    app.stop().await.unwrap();
}
