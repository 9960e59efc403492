//! The roll-call book: a homeroom teacher's roll call marks the students listed and no one
//! else, tells their guardians, and is kept in the history; no one without the policy's
//! `attendance`/`write` may take one; a guardian's accepted leave request excuses the
//! absences it covers, and only that child's guardians may ask, only the class's homeroom
//! teacher decide.

use super::grade_entry::decode;
use emis_tests::{TestApp, error_code};
use entity::{guardian, guardianship, staff, teaching_assignment};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use serde_json::{Value, json};

pub const ROLL_CALL: &str =
    "mutation($class: ID!, $date: NaiveDate!, $session: String!, $marks: [AttendanceMarkInput!]!, $reason: String) {
    recordAttendance(classId: $class, date: $date, session: $session, marks: $marks, reason: $reason) {
        changed notified entries { date session status note }
    }
}";

/// A class and its students, as its homeroom teacher `gvcn` reads them.
pub struct Class {
    pub id: String,
    pub students: Vec<String>,
}

pub async fn homeroom_class(app: &TestApp, token: &str) -> Class {
    let data = app.data(Some(token), "{ me { homeroomClasses { id students { id } } } }", json!({})).await.unwrap();
    let class = &data["me"]["homeroomClasses"][0];
    let students = class["students"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_owned()).collect();
    Class { id: class["id"].as_str().unwrap().to_owned(), students }
}

pub fn today() -> String {
    emis::clock::today().to_string()
}

pub async fn roll_call(app: &TestApp, token: &str, class: &str, session: &str, marks: Value) -> Value {
    let variables = json!({ "class": class, "date": today(), "session": session, "marks": marks });
    app.graphql(Some(token), ROLL_CALL, variables).await.unwrap()
}

/// The username of an active guardian of `student`.
pub async fn guardian_of(app: &TestApp, student: &str) -> String {
    let link = guardianship::Entity::find()
        .filter(guardianship::Column::StudentId.eq(decode("Student", student)))
        .filter(guardianship::Column::EndsOn.is_null())
        .filter(guardianship::Column::AccessStatus.eq("active"))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("the student has a guardian");
    let person = guardian::Entity::find_by_id(link.guardian_id).one(&app.state.db).await.unwrap().unwrap();
    person.username.expect("seeded guardians have usernames")
}

/// The username of the homeroom teacher of class `class`.
pub async fn homeroom_teacher_of(app: &TestApp, class: i64) -> String {
    let assignment = teaching_assignment::Entity::find()
        .filter(teaching_assignment::Column::ClassId.eq(class))
        .filter(teaching_assignment::Column::Kind.eq("homeroom"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let person = staff::Entity::find_by_id(assignment.staff_id).one(&app.state.db).await.unwrap().unwrap();
    person.username.unwrap()
}

/// A student's attendance today, as `token` reads it: (session, status).
async fn attendance_today(app: &TestApp, token: &str, student: &str) -> Vec<(String, String)> {
    let query =
        "query($id: ID!, $d: NaiveDate!) { student(id: $id) { attendance(from: $d, to: $d) { session status } } }";
    let data = app.data(Some(token), query, json!({ "id": student, "d": today() })).await.unwrap();
    data["student"]["attendance"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| (row["session"].as_str().unwrap().to_owned(), row["status"].as_str().unwrap().to_owned()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_roll_call_marks_the_listed_students_tells_their_guardians_and_nothing_else() {
    let app = TestApp::spawn().await.unwrap();
    let teacher = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &teacher).await;
    let (absent, late) = (&class.students[0], &class.students[1]);
    let marks = json!([
        { "studentId": absent, "status": "unexcused" },
        { "studentId": late, "status": "late", "note": "xe hỏng" },
    ]);
    let body = roll_call(&app, &teacher, &class.id, "morning", marks).await;
    let payload = &body["data"]["recordAttendance"];
    let statuses: Vec<&str> =
        payload["entries"].as_array().unwrap().iter().map(|e| e["status"].as_str().unwrap()).collect();
    assert_eq!(statuses.len(), 2, "only the listed students are marked: {body}");
    assert!(statuses.contains(&"unexcused") && statuses.contains(&"late"));
    assert!(payload["notified"].as_i64().unwrap() >= 2, "each child's guardians are told: {body}");

    let parent = app.sign_in(&guardian_of(&app, absent).await).await.unwrap();
    let told = app
        .data(Some(&parent), "{ me { notifications { kind studentId date session status } } }", json!({}))
        .await
        .unwrap();
    let told = told["me"]["notifications"].as_array().unwrap();
    assert!(
        told.iter()
            .any(|n| n["studentId"] == absent.as_str() && n["status"] == "unexcused" && n["date"] == today().as_str()),
        "{told:?}"
    );

    // The same roll call without the absent student: present again, and the change is kept
    // with the reason of the correction.
    let marks = json!([{ "studentId": late, "status": "late", "note": "xe hỏng" }]);
    let vars = json!({ "class": class.id, "date": today(), "session": "morning", "marks": marks,
                       "reason": "Em đến muộn, không vắng" });
    let again = app.graphql(Some(&teacher), ROLL_CALL, vars).await.unwrap();
    assert_eq!(again["data"]["recordAttendance"]["changed"], 1, "{again}");
    let corrected = vec![("morning".to_owned(), "present".to_owned())];
    assert_eq!(attendance_today(&app, &teacher, absent).await, corrected, "the entry stays, corrected");
    let principal = app.sign_in("hieutruong").await.unwrap();
    let history = app
        .data(
            Some(&principal),
            "query($id: ID!) { student(id: $id) { history { kind oldValue newValue reason } } }",
            json!({ "id": absent }),
        )
        .await
        .unwrap();
    let kinds: Vec<&str> =
        history["student"]["history"].as_array().unwrap().iter().map(|h| h["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["attendance", "attendance"], "both changes are kept");
    assert_eq!(history["student"]["history"][0]["reason"], "Em đến muộn, không vắng", "newest first, with its reason");
    assert!(history["student"]["history"][1]["reason"].is_null());

    // Refused whole: a student of another class, a status that does not exist, a day ahead.
    let outsider = app.data(Some(&principal), "{ students(first: 100) { nodes { id } } }", json!({})).await.unwrap();
    let outsider = outsider["students"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_owned())
        .find(|id| !class.students.contains(id))
        .unwrap();
    let wrong = json!([{ "studentId": outsider, "status": "unexcused" }, { "studentId": absent, "status": "sick" }]);
    let refused = roll_call(&app, &teacher, &class.id, "afternoon", wrong).await;
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    let ahead = json!({ "class": class.id, "date": emis::clock::today().succ_opt().unwrap().to_string(), "session": "morning", "marks": [] });
    assert_eq!(error_code(&app.graphql(Some(&teacher), ROLL_CALL, ahead).await.unwrap()), Some("BAD_USER_INPUT"));
    assert_eq!(attendance_today(&app, &teacher, absent).await, corrected, "nothing was written");

    // No one else takes this class's roll call.
    for username in ["hieutruong", "vanthu", "phuhuynh", "baomat"] {
        let token = app.sign_in(username).await.unwrap();
        let body =
            roll_call(&app, &token, &class.id, "afternoon", json!([{ "studentId": absent, "status": "unexcused" }]))
                .await;
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "{username}: {body}");
    }
    let unknown = emis::graphql::ids::encode("Class", 999_999);
    assert_eq!(error_code(&roll_call(&app, &teacher, &unknown, "morning", json!([])).await), Some("FORBIDDEN"));
    assert_eq!(attendance_today(&app, &teacher, absent).await, corrected);
    app.stop().await.unwrap();
}

/// The username of a guardian who is not a guardian of `student`.
async fn guardian_not_of(app: &TestApp, student: &str) -> String {
    let own: Vec<i64> = guardianship::Entity::find()
        .filter(guardianship::Column::StudentId.eq(decode("Student", student)))
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|link| link.guardian_id)
        .collect();
    let other = guardian::Entity::find()
        .filter(guardian::Column::Id.is_not_in(own))
        .filter(guardian::Column::Username.is_not_null())
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    other.username.unwrap()
}

/// The ids of the pending leave requests `token` may read.
async fn leave_request_ids(app: &TestApp, token: &str) -> Vec<String> {
    let data = app.data(Some(token), "{ leaveRequests { id } }", json!({})).await.unwrap();
    data["leaveRequests"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect()
}

pub(crate) const REQUEST_LEAVE: &str = "mutation($student: ID!, $d: NaiveDate!) {
    requestLeave(studentId: $student, from: $d, to: $d, reason: \"Cháu bị sốt\") { id status sessions }
}";
const DECIDE_LEAVE: &str =
    "mutation($id: ID!, $accept: Boolean!) { decideLeave(requestId: $id, accept: $accept) { status } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_accepted_leave_request_excuses_the_absences_it_covers() {
    let app = TestApp::spawn().await.unwrap();
    let parent = app.sign_in("phuhuynh").await.unwrap();
    let children =
        app.data(Some(&parent), "{ me { children { id enrollments { class { id } } } } }", json!({})).await.unwrap();
    let child = children["me"]["children"][0]["id"].as_str().unwrap().to_owned();
    let class = children["me"]["children"][0]["enrollments"][0]["class"]["id"].as_str().unwrap().to_owned();
    let teacher = app.sign_in(&homeroom_teacher_of(&app, decode("Class", &class)).await).await.unwrap();
    let absent =
        roll_call(&app, &teacher, &class, "morning", json!([{ "studentId": child, "status": "unexcused" }])).await;
    assert!(absent.get("errors").is_none(), "{absent}");

    // Only the child's own guardians may ask.
    let stranger = app.sign_in(&guardian_not_of(&app, &child).await).await.unwrap();
    let refused = app.graphql(Some(&stranger), REQUEST_LEAVE, json!({ "student": child, "d": today() })).await.unwrap();
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    let unknown = json!({ "student": emis::graphql::ids::encode("Student", 999_999), "d": today() });
    let body = app.graphql(Some(&parent), REQUEST_LEAVE, unknown).await.unwrap();
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "an unknown child reads like another family's");
    for username in ["gvcn", "hieutruong"] {
        let token = app.sign_in(username).await.unwrap();
        let body = app.graphql(Some(&token), REQUEST_LEAVE, json!({ "student": child, "d": today() })).await.unwrap();
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "staff do not ask for leave: {body}");
    }

    let asked = app.data(Some(&parent), REQUEST_LEAVE, json!({ "student": child, "d": today() })).await.unwrap();
    assert_eq!(
        (asked["requestLeave"]["status"].as_str(), asked["requestLeave"]["sessions"].as_str()),
        (Some("pending"), Some("all"))
    );
    let request = asked["requestLeave"]["id"].as_str().unwrap().to_owned();
    assert_eq!(leave_request_ids(&app, &parent).await, [request.as_str()]);
    assert_eq!(leave_request_ids(&app, &teacher).await, [request.as_str()], "the homeroom teacher sees it");
    let clerk = app.sign_in("vanthu").await.unwrap();
    assert!(leave_request_ids(&app, &clerk).await.is_empty(), "the clerk does not");
    assert!(leave_request_ids(&app, &stranger).await.is_empty(), "nor another family");

    // Only the class's homeroom teacher decides; the guardian and the principal may not.
    for token in [&parent, &clerk, &app.sign_in("hieutruong").await.unwrap()] {
        let body = app.graphql(Some(token), DECIDE_LEAVE, json!({ "id": request, "accept": true })).await.unwrap();
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    }
    assert_eq!(attendance_today(&app, &parent, &child).await, [("morning".to_owned(), "unexcused".to_owned())]);
    let decided = app.data(Some(&teacher), DECIDE_LEAVE, json!({ "id": request, "accept": true })).await.unwrap();
    assert_eq!(decided["decideLeave"]["status"], "accepted");
    assert_eq!(attendance_today(&app, &parent, &child).await, [("morning".to_owned(), "excused".to_owned())]);

    // A roll call later that day stores the covered absence excused from the start.
    let afternoon =
        roll_call(&app, &teacher, &class, "afternoon", json!([{ "studentId": child, "status": "unexcused" }])).await;
    assert!(afternoon.get("errors").is_none(), "{afternoon}");
    let mut seen = attendance_today(&app, &parent, &child).await;
    seen.sort();
    assert_eq!(seen, [("afternoon".to_owned(), "excused".to_owned()), ("morning".to_owned(), "excused".to_owned())]);
    let again = app.graphql(Some(&teacher), DECIDE_LEAVE, json!({ "id": request, "accept": false })).await.unwrap();
    assert_eq!(error_code(&again), Some("BAD_USER_INPUT"), "a request is decided once");
    app.stop().await.unwrap();
}

/// The homeroom teacher `gvcn` and the principal `hieutruong` signed in, the class, its first
/// student and one of that student's guardians.
struct School {
    app: TestApp,
    teacher: String,
    principal: String,
    class: Class,
    pupil: String,
    parent: String,
}

impl School {
    async fn open() -> Self {
        let app = TestApp::spawn().await.unwrap();
        let teacher = app.sign_in("gvcn").await.unwrap();
        let principal = app.sign_in("hieutruong").await.unwrap();
        let class = homeroom_class(&app, &teacher).await;
        let pupil = class.students[0].clone();
        let parent = app.sign_in(&guardian_of(&app, &pupil).await).await.unwrap();
        Self { app, teacher, principal, class, pupil, parent }
    }
}

/// The principal locks, for the whole school, the semester of `class` that holds today.
async fn lock_todays_semester(app: &TestApp, principal: &str, class: &str) {
    use entity::{homeroom_class, semester};
    let class = homeroom_class::Entity::find_by_id(decode("Class", class)).one(&app.state.db).await.unwrap().unwrap();
    let today = emis::clock::today();
    let semester = semester::Entity::find()
        .filter(semester::Column::SchoolYearId.eq(class.school_year_id))
        .filter(semester::Column::StartsOn.lte(today))
        .filter(semester::Column::EndsOn.gte(today))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("the seed's year runs today");
    let lock = "mutation($semester: ID!, $school: ID) { lockBook(semesterId: $semester, schoolId: $school) { id } }";
    let ids = |kind, id| emis::graphql::ids::encode(kind, id);
    let variables = json!({ "semester": ids("Semester", semester.id), "school": ids("School", class.school_id) });
    app.data(Some(principal), lock, variables).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_roll_call_in_a_locked_semester_waits_for_the_principal_and_a_stale_request_is_refused() {
    let School { app, teacher, principal, class, pupil, parent } = School::open().await;
    lock_todays_semester(&app, &principal, &class.id).await;
    let call = |status: &str, reason: Value| {
        json!({ "class": class.id, "date": today(), "session": "morning", "reason": reason,
                "marks": [{ "studentId": pupil, "status": status, "note": "ốm" }] })
    };
    let with_requests = ROLL_CALL.replace("changed notified", "changed notified requests { id kind status newValue }");

    // Without a reason: refused, nothing written, no one told.
    let refused = app.graphql(Some(&teacher), &with_requests, call("unexcused", Value::Null)).await.unwrap();
    assert_eq!(error_code(&refused), Some("LOCKED"), "{refused}");
    // With one: a request per change, still nothing written and no one told.
    let asked = app.data(Some(&teacher), &with_requests, call("unexcused", json!("Bổ sung điểm danh"))).await.unwrap();
    let payload = &asked["recordAttendance"];
    assert_eq!((payload["changed"].as_i64(), payload["notified"].as_i64()), (Some(0), Some(0)), "{asked}");
    assert_eq!(payload["entries"], json!([]), "nothing is marked under the lock");
    let requests = payload["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 1, "one request for the one change: {asked}");
    assert_eq!((requests[0]["kind"].as_str(), requests[0]["status"].as_str()), (Some("attendance"), Some("pending")));
    assert_eq!(requests[0]["newValue"], format!("{} morning: unexcused — ốm", today()));
    let request = requests[0]["id"].clone();
    assert!(attendance_today(&app, &teacher, &pupil).await.is_empty());
    let notices = "{ me { notifications { studentId } } }";
    let told = app.data(Some(&parent), notices, json!({})).await.unwrap();
    assert_eq!(told["me"]["notifications"], json!([]), "no absence is told before it is approved");

    // The homeroom teacher follows the request; the guardian and another class's teacher do not
    // see it; only the principal decides it.
    let listed = "{ changeRequests { id kind } }";
    let has = |data: &Value| data["changeRequests"].as_array().unwrap().iter().any(|r| r["id"] == request);
    assert!(has(&app.data(Some(&teacher), listed, json!({})).await.unwrap()));
    assert!(has(&app.data(Some(&principal), listed, json!({})).await.unwrap()));
    let stranger = app.sign_in(&guardian_not_of(&app, &pupil).await).await.unwrap();
    for token in [&parent, &stranger] {
        assert!(!has(&app.data(Some(token), listed, json!({})).await.unwrap()), "guardians never read requests");
    }
    let decide = "mutation($id: ID!) { decideChange(requestId: $id, approve: true) { status } }";
    for token in [&teacher, &parent] {
        let body = app.graphql(Some(token), decide, json!({ "id": request })).await.unwrap();
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    }
    assert!(attendance_today(&app, &teacher, &pupil).await.is_empty(), "a refused decision changes nothing");

    // A second request made against the same entry before the first is approved goes stale.
    let again = app.data(Some(&teacher), &with_requests, call("excused", json!("Có đơn"))).await.unwrap();
    let stale = again["recordAttendance"]["requests"][0]["id"].clone();
    let approved = app.data(Some(&principal), decide, json!({ "id": request })).await.unwrap();
    assert_eq!(approved["decideChange"]["status"], "approved");
    assert_eq!(attendance_today(&app, &teacher, &pupil).await, [("morning".to_owned(), "unexcused".to_owned())]);
    let told = app.data(Some(&parent), notices, json!({})).await.unwrap();
    assert_eq!(told["me"]["notifications"][0]["studentId"], pupil.as_str(), "told once approved: {told}");
    let history = app
        .data(
            Some(&principal),
            "query($id: ID!) { student(id: $id) { history { kind newValue reason approvedBy } } }",
            json!({ "id": pupil }),
        )
        .await
        .unwrap();
    let change = &history["student"]["history"][0];
    assert_eq!((change["kind"].as_str(), change["reason"].as_str()), (Some("attendance"), Some("Bổ sung điểm danh")));
    assert!(!change["approvedBy"].is_null(), "the approver is kept: {change}");
    let body = app.graphql(Some(&principal), decide, json!({ "id": stale })).await.unwrap();
    assert_eq!(error_code(&body), Some("CONFLICT"), "made against an entry that has changed since: {body}");
    assert_eq!(attendance_today(&app, &teacher, &pupil).await, [("morning".to_owned(), "unexcused".to_owned())]);
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leave_accepted_after_the_lock_excuses_an_absence_only_with_the_principals_approval() {
    let School { app, teacher, principal, class, pupil, parent } = School::open().await;
    let absent =
        roll_call(&app, &teacher, &class.id, "morning", json!([{ "studentId": pupil, "status": "unexcused" }])).await;
    assert!(absent.get("errors").is_none(), "{absent}");
    let asked = app.data(Some(&parent), REQUEST_LEAVE, json!({ "student": pupil, "d": today() })).await.unwrap();
    lock_todays_semester(&app, &principal, &class.id).await;

    let request = asked["requestLeave"]["id"].clone();
    let accepted = app.data(Some(&teacher), DECIDE_LEAVE, json!({ "id": request, "accept": true })).await.unwrap();
    assert_eq!(accepted["decideLeave"]["status"], "accepted");
    let morning = [("morning".to_owned(), "unexcused".to_owned())];
    assert_eq!(attendance_today(&app, &teacher, &pupil).await, morning, "the locked book is not changed");
    let listed = app.data(Some(&principal), "{ changeRequests { id kind newValue reason } }", json!({})).await.unwrap();
    let requests = listed["changeRequests"].as_array().unwrap();
    assert_eq!(requests.len(), 1, "{listed}");
    assert_eq!(requests[0]["kind"], "attendance");
    assert_eq!(requests[0]["newValue"], format!("{} morning: excused", today()));
    assert!(requests[0]["reason"].as_str().unwrap().contains("leave request"), "{listed}");
    let decide = "mutation($id: ID!) { decideChange(requestId: $id, approve: true) { status } }";
    app.data(Some(&principal), decide, json!({ "id": requests[0]["id"] })).await.unwrap();
    let excused = [("morning".to_owned(), "excused".to_owned())];
    assert_eq!(attendance_today(&app, &teacher, &pupil).await, excused, "excused once approved");
    app.stop().await.unwrap();
}
