//! The class summary and conduct: the homeroom teacher sets conduct (whole or not at all, at
//! the version read) and reads the class's summary sheet, computed from the grade book by
//! the Circular 22 rules, with the roll call's absences; the principal reads it too; a
//! subject teacher, a guardian, the clerk and another school's principal read nothing. The
//! same sheet downloads as CSV and XLSX under the same rules. An exempt student takes no
//! scores in the subject, and the sheet shows the subject as exempt.

use super::grade_entry::decode;
use super::roll_call::roll_call;
use emis_tests::{TestApp, error_code};
use entity::{assessment, result, staff, staff_role};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use serde_json::{Value, json};
use std::io::Read as _;

const SUMMARY: &str = "query($id: ID!) { class(id: $id) { summary { semesterId subjects { id assessment }
    lines { studentId fullName learning conduct excusedAbsences unexcusedAbsences
            subjects { subjectId average passed exempt pending } } } } }";
const CONDUCT: &str = "mutation($class: ID!, $semester: ID!, $entries: [ConductInput!]!, $reason: String) {
    recordConduct(classId: $class, semesterId: $semester, entries: $entries, reason: $reason) {
        changed requests { id kind status newValue reason classId } } }";

struct Class {
    id: String,
    students: Vec<String>,
    semester: String,
}

async fn homeroom_class(app: &TestApp, token: &str) -> Class {
    let query = "{ me { homeroomClasses { id students { id } sections { assessments { semesterId } } } } }";
    let data = app.data(Some(token), query, json!({})).await.unwrap();
    let class = &data["me"]["homeroomClasses"][0];
    let semester = class["sections"][0]["assessments"][0]["semesterId"].as_str().unwrap().to_owned();
    let students = class["students"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_owned()).collect();
    Class { id: class["id"].as_str().unwrap().to_owned(), students, semester }
}

pub async fn summary(app: &TestApp, token: &str, class: &str) -> Value {
    let data = app.data(Some(token), SUMMARY, json!({ "id": class })).await.unwrap();
    data["class"]["summary"].clone()
}

/// The line of `student` on a summary.
pub fn line<'a>(summary: &'a Value, student: &str) -> &'a Value {
    summary["lines"].as_array().unwrap().iter().find(|line| line["studentId"] == student).unwrap()
}

/// ĐTBmhk of `student` in `subject`, from the stored results alone, a missing one as 0:
/// (Σ regular + 2·midterm + 3·final) / (the section's regular columns + 5), half up to one
/// decimal.
pub async fn semester_average_from_the_book(app: &TestApp, student: &str, subject: &str) -> f64 {
    let section = entity::section::Entity::find()
        .filter(entity::section::Column::SubjectId.eq(decode("Subject", subject)))
        .filter(
            entity::section::Column::ClassId.is_in(
                entity::enrollment::Entity::find()
                    .filter(entity::enrollment::Column::StudentId.eq(decode("Student", student)))
                    .all(&app.state.db)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|e| e.class_id),
            ),
        )
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let columns = assessment::Entity::find()
        .filter(assessment::Column::SectionId.eq(section.id))
        .all(&app.state.db)
        .await
        .unwrap();
    let results = result::Entity::find()
        .filter(result::Column::SectionId.eq(section.id))
        .filter(result::Column::StudentId.eq(decode("Student", student)))
        .all(&app.state.db)
        .await
        .unwrap();
    let score =
        |id: i64| results.iter().find(|r| r.assessment_id == id).and_then(|r| r.score_tenths).map_or(0, i64::from);
    let regular: Vec<&assessment::Model> = columns.iter().filter(|c| c.kind == "regular").collect();
    let weighted: i64 = regular.iter().map(|c| score(c.id)).sum::<i64>()
        + columns.iter().filter(|c| c.kind == "midterm").map(|c| 2 * score(c.id)).sum::<i64>()
        + columns.iter().filter(|c| c.kind == "final").map(|c| 3 * score(c.id)).sum::<i64>();
    let divisor = regular.len() as i64 + 5;
    ((2 * weighted + divisor) / (2 * divisor)) as f64 / 10.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_homeroom_teacher_sets_conduct_and_reads_the_summary_computed_from_the_books() {
    let app = TestApp::spawn().await.unwrap();
    let teacher = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &teacher).await;
    let pupil = class.students[0].clone();
    let before = summary(&app, &teacher, &class.id).await;
    assert_eq!(before["lines"].as_array().unwrap().len(), class.students.len(), "one line per student");
    assert!(line(&before, &pupil)["conduct"].is_null(), "no conduct before it is set");

    // Conduct, whole or not at all, at the version read.
    let entries = json!([{ "studentId": pupil, "level": "tot", "comment": "Chăm ngoan", "version": null }]);
    let set = app
        .data(Some(&teacher), CONDUCT, json!({ "class": class.id, "semester": class.semester, "entries": entries }))
        .await
        .unwrap();
    assert_eq!(set["recordConduct"]["changed"], 1);
    let stale = app
        .graphql(Some(&teacher), CONDUCT, json!({ "class": class.id, "semester": class.semester, "entries": entries }))
        .await
        .unwrap();
    assert_eq!(error_code(&stale), Some("CONFLICT"), "the entry was made against no version: {stale}");
    let wrong = json!([{ "studentId": pupil, "level": "gioi", "version": 1 }]);
    let refused = app
        .graphql(Some(&teacher), CONDUCT, json!({ "class": class.id, "semester": class.semester, "entries": wrong }))
        .await
        .unwrap();
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"));
    let read = app
        .data(
            Some(&teacher),
            "query($id: ID!) { student(id: $id) { conduct { level comment version } } }",
            json!({ "id": pupil }),
        )
        .await
        .unwrap();
    assert_eq!(read["student"]["conduct"], json!([{ "level": "tot", "comment": "Chăm ngoan", "version": 1 }]));

    // An absence today shows on the sheet.
    let marked =
        roll_call(&app, &teacher, &class.id, "morning", json!([{ "studentId": pupil, "status": "unexcused" }])).await;
    assert!(marked.get("errors").is_none(), "{marked}");
    let after = summary(&app, &teacher, &class.id).await;
    let mine = line(&after, &pupil);
    assert_eq!(mine["conduct"], "Tốt");
    assert_eq!(mine["unexcusedAbsences"].as_i64(), line(&before, &pupil)["unexcusedAbsences"].as_i64().map(|n| n + 1));

    // The end-of-term assessments are not held yet: no subject has a result, none is
    // pending, and there is no learning result (the averages are tested in `missing`).
    let scored = after["subjects"].as_array().unwrap().iter().find(|s| s["assessment"] == "scored").unwrap();
    let subject = scored["id"].as_str().unwrap();
    let shown = mine["subjects"].as_array().unwrap().iter().find(|s| s["subjectId"] == subject).unwrap();
    assert_eq!((shown["average"].as_f64(), shown["pending"].as_bool()), (None, Some(false)), "{shown}");
    assert!(mine["learning"].is_null(), "no learning result while a subject has none");

    // The principal reads it; no one else does.
    let principal = app.sign_in("hieutruong").await.unwrap();
    assert_eq!(
        summary(&app, &principal, &class.id).await["lines"].as_array().map(Vec::len),
        Some(class.students.len())
    );
    let elsewhere = principal_of_the_other_school(&app, &class.id).await;
    for username in ["gvbm", "phuhuynh", "vanthu", "baomat", elsewhere.as_str()] {
        let token = app.sign_in(username).await.unwrap();
        let body = app.graphql(Some(&token), SUMMARY, json!({ "id": class.id })).await.unwrap();
        assert!(body["data"]["class"].is_null() || body["data"]["class"]["summary"].is_null(), "{username}: {body}");
        let set = app.graphql(Some(&token), CONDUCT, json!({ "class": class.id, "semester": class.semester, "entries": [{ "studentId": pupil, "level": "dat", "version": 1 }] })).await.unwrap();
        assert_eq!(error_code(&set), Some("FORBIDDEN"), "{username}: {set}");
    }
    app.stop().await.unwrap();
}

/// The username of the principal of the school that `class` is not in.
async fn principal_of_the_other_school(app: &TestApp, class: &str) -> String {
    let row =
        entity::homeroom_class::Entity::find_by_id(decode("Class", class)).one(&app.state.db).await.unwrap().unwrap();
    let role = staff_role::Entity::find()
        .filter(staff_role::Column::Role.eq("principal"))
        .filter(staff_role::Column::OrgId.ne(row.school_id))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    staff::Entity::find_by_id(role.staff_id).one(&app.state.db).await.unwrap().unwrap().username.unwrap()
}

pub async fn download(app: &TestApp, token: Option<&str>, class: &str, format: &str) -> reqwest::Response {
    let client = reqwest::Client::new();
    let mut request = client.get(format!("{}/exports/class-summary?classId={class}&format={format}", app.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_summary_downloads_as_csv_and_xlsx_for_those_who_may_read_it_only() {
    let app = TestApp::spawn().await.unwrap();
    let teacher = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &teacher).await;
    let sheet = summary(&app, &teacher, &class.id).await;
    let first = sheet["lines"][0]["fullName"].as_str().unwrap().to_owned();

    let csv = download(&app, Some(&teacher), &class.id, "csv").await;
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let bytes = csv.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a byte-order mark for spreadsheet software");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert!(reader.headers().unwrap().iter().any(|h| h == "Họ và tên / Full name"));
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), class.students.len());
    assert_eq!(&rows[0][1], first.as_str());

    let xlsx = download(&app, Some(&teacher), &class.id, "xlsx").await;
    assert_eq!(xlsx.status(), 200);
    let bytes = xlsx.bytes().await.unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut strings = String::new();
    archive.by_name("xl/sharedStrings.xml").unwrap().read_to_string(&mut strings).unwrap();
    assert!(
        strings.contains(first.as_str()) && strings.contains("Kết quả học tập"),
        "names and headers are in the workbook"
    );

    let guardian = app.sign_in("phuhuynh").await.unwrap();
    assert_eq!(download(&app, Some(&guardian), &class.id, "csv").await.status(), 404, "forbidden reads as missing");
    let unknown = emis::graphql::ids::encode("Class", 999_999);
    assert_eq!(download(&app, Some(&teacher), &unknown, "csv").await.status(), 404);
    assert_eq!(download(&app, None, &class.id, "csv").await.status(), 401);
    assert_eq!(download(&app, Some(&teacher), &class.id, "pdf").await.status(), 400);
    app.stop().await.unwrap();
}

const EXEMPT: &str = "mutation($student: ID!, $section: ID!, $exempt: Boolean!) {
    setExemption(studentId: $student, sectionId: $section, exempt: $exempt) { sectionId semesterId liftedAt } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exempt_student_takes_no_scores_in_the_subject_and_shows_exempt_on_the_summary() {
    use super::grade_entry::{RECORD, scored_column};
    let app = TestApp::spawn().await.unwrap();
    let teacher = app.sign_in("gvbm").await.unwrap();
    let principal = app.sign_in("hieutruong").await.unwrap();
    let column = scored_column(&app, &teacher).await;
    let (student, version) = column.students[0].clone();
    let exempt = json!({ "student": student, "section": column.section, "exempt": true });
    for username in ["gvbm", "gvcn", "phuhuynh", "vanthu"] {
        let token = app.sign_in(username).await.unwrap();
        assert_eq!(
            error_code(&app.graphql(Some(&token), EXEMPT, exempt.clone()).await.unwrap()),
            Some("FORBIDDEN"),
            "{username}"
        );
    }
    let granted = app.data(Some(&principal), EXEMPT, exempt).await.unwrap();
    assert!(granted["setExemption"]["semesterId"].is_null(), "the whole year");
    assert!(granted["setExemption"]["liftedAt"].is_null());
    let read = app
        .data(
            Some(&teacher),
            "query($id: ID!) { student(id: $id) { exemptions { sectionId } } }",
            json!({ "id": student }),
        )
        .await
        .unwrap();
    assert_eq!(read["student"]["exemptions"][0]["sectionId"], column.section.as_str(), "the teacher knows");

    // No score is taken for the exempt student.
    let entries = json!([{ "studentId": student, "score": 9.0, "version": version }]);
    let refused =
        app.graphql(Some(&teacher), RECORD, json!({ "column": column.id, "entries": entries })).await.unwrap();
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    assert_eq!(refused["errors"][0]["extensions"]["problems"][0]["record"], student.as_str());

    // On the class summary the subject shows as exempt, with no result.
    let section = entity::section::Entity::find_by_id(decode("Section", &column.section))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let class = emis::graphql::ids::encode("Class", section.class_id).0;
    let sheet = summary(&app, &principal, &class).await;
    let subject = emis::graphql::ids::encode("Subject", section.subject_id);
    let cell = line(&sheet, &student)["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["subjectId"] == subject.as_str())
        .unwrap()
        .clone();
    assert_eq!((cell["exempt"].as_bool(), cell["average"].as_f64()), (Some(true), None));

    // Lifted: scores are taken again.
    let lifted = app
        .data(Some(&principal), EXEMPT, json!({ "student": student, "section": column.section, "exempt": false }))
        .await
        .unwrap();
    assert!(lifted["setExemption"]["liftedAt"].is_string());
    let written =
        app.graphql(Some(&teacher), RECORD, json!({ "column": column.id, "entries": entries })).await.unwrap();
    assert!(written.get("errors").is_none(), "{written}");

    // Exempt from part of the subject only: still assessed, and the subject still counts.
    let partial = "mutation($student: ID!, $section: ID!) {
        setExemption(studentId: $student, sectionId: $section, exempt: true, part: \"chạy bền\") { part liftedAt } }";
    let vars = json!({ "student": student, "section": column.section });
    let granted = app.data(Some(&principal), partial, vars).await.unwrap();
    assert_eq!(granted["setExemption"]["part"], "chạy bền");
    let version = written["data"]["recordScores"]["results"][0]["version"].clone();
    let entries = json!([{ "studentId": student, "score": 8.0, "version": version }]);
    let taken = app.graphql(Some(&teacher), RECORD, json!({ "column": column.id, "entries": entries })).await.unwrap();
    assert!(taken.get("errors").is_none(), "a partial exemption takes scores: {taken}");
    // With the end-of-term held and the book locked, the subject has its average.
    super::missing::hold_end_of_term_and_lock(&app, &teacher, &principal, &column).await;
    let sheet = summary(&app, &principal, &class).await;
    let cell = line(&sheet, &student)["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["subjectId"] == subject.as_str())
        .unwrap()
        .clone();
    assert_eq!(cell["exempt"].as_bool(), Some(false), "the subject counts: {cell}");
    assert!(cell["average"].is_number());
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conduct_in_a_locked_semester_is_a_request_the_principal_approves_into_the_history() {
    let app = TestApp::spawn().await.unwrap();
    let teacher = app.sign_in("gvcn").await.unwrap();
    let principal = app.sign_in("hieutruong").await.unwrap();
    let class = homeroom_class(&app, &teacher).await;
    let pupil = class.students[0].clone();
    let vars = |level: &str, version: Value, reason: Value| {
        json!({ "class": class.id, "semester": class.semester, "reason": reason,
                "entries": [{ "studentId": pupil, "level": level, "version": version }] })
    };
    app.data(Some(&teacher), CONDUCT, vars("kha", Value::Null, Value::Null)).await.unwrap();
    let row = entity::homeroom_class::Entity::find_by_id(decode("Class", &class.id))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let lock = "mutation($semester: ID!, $school: ID) { lockBook(semesterId: $semester, schoolId: $school) { id } }";
    let school = emis::graphql::ids::encode("School", row.school_id);
    app.data(Some(&principal), lock, json!({ "semester": class.semester, "school": school })).await.unwrap();

    let refused = app.graphql(Some(&teacher), CONDUCT, vars("tot", json!(1), Value::Null)).await.unwrap();
    assert_eq!(error_code(&refused), Some("LOCKED"), "no reason, no change: {refused}");
    let asked = app.data(Some(&teacher), CONDUCT, vars("tot", json!(1), json!("Em tiến bộ rõ"))).await.unwrap();
    assert_eq!(asked["recordConduct"]["changed"], 0, "nothing written under the lock");
    let request = asked["recordConduct"]["requests"][0].clone();
    assert_eq!((request["kind"].as_str(), request["status"].as_str()), (Some("conduct"), Some("pending")));
    assert_eq!(request["classId"], class.id.as_str());
    let conduct = "query($id: ID!) { student(id: $id) { conduct { level version } } }";
    let before = app.data(Some(&teacher), conduct, json!({ "id": pupil })).await.unwrap();
    assert_eq!(before["student"]["conduct"][0]["level"], "kha");
    // The homeroom teacher follows the request; a subject teacher and a guardian do not see it.
    let listed = "{ changeRequests { id kind } }";
    let mine = app.data(Some(&teacher), listed, json!({})).await.unwrap();
    assert!(mine["changeRequests"].as_array().unwrap().iter().any(|r| r["id"] == request["id"]), "{mine}");
    for username in ["gvbm", "phuhuynh"] {
        let token = app.sign_in(username).await.unwrap();
        let seen = app.data(Some(&token), listed, json!({})).await.unwrap();
        assert!(
            !seen["changeRequests"].as_array().unwrap().iter().any(|r| r["id"] == request["id"]),
            "{username}: {seen}"
        );
    }
    let decide = "mutation($id: ID!) { decideChange(requestId: $id, approve: true) { status } }";
    let by_teacher = app.graphql(Some(&teacher), decide, json!({ "id": request["id"] })).await.unwrap();
    assert_eq!(error_code(&by_teacher), Some("FORBIDDEN"), "only the principal approves: {by_teacher}");
    let approved = app.data(Some(&principal), decide, json!({ "id": request["id"] })).await.unwrap();
    assert_eq!(approved["decideChange"]["status"], "approved");
    let after = app.data(Some(&teacher), conduct, json!({ "id": pupil })).await.unwrap();
    assert_eq!(after["student"]["conduct"][0], json!({ "level": "tot", "version": 2 }));
    let history = app
        .data(
            Some(&principal),
            "query($id: ID!) { student(id: $id) { history { newValue reason approvedBy } } }",
            json!({ "id": pupil }),
        )
        .await
        .unwrap();
    let change = &history["student"]["history"][0];
    assert_eq!(change["reason"], "Em tiến bộ rõ");
    assert!(change["newValue"].as_str().unwrap().starts_with("Tốt"), "{change}");
    assert!(!change["approvedBy"].is_null(), "the approver is kept: {change}");
    app.stop().await.unwrap();
}
