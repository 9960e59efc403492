//! A class's days, lived in before and after its students move, so that every list has
//! records each caller may read and records out of their reach: roll calls that tell the
//! guardians, leave requests accepted, rejected and pending, scores recorded and then
//! changed in a locked book (change requests approved, rejected and pending), reads that
//! fill the disclosure log, a notification read; then the moves (see `movers`), a transfer
//! left pending, and the classes that received the students recording the same of them.

use super::leave::days_ago;
use super::movers::Cast;
use crate::movements::subject_teacher_of;
use crate::roll_call::{ROLL_CALL, guardian_of, homeroom_teacher_of, today};
use emis::graphql::ids::encode;
use emis_tests::TestApp;
use serde_json::{Value, json};

/// The cast after the days lived, with what the checks need besides.
pub(crate) struct Lived {
    pub cast: Cast,
    /// A guardian of the student who changed school.
    pub transferred_guardian: String,
    /// A student of the class who stays, and one released to another school not yet admitted.
    pub stayed: String,
    pub waiting: String,
    /// The sections written in: the old class's, the new class's and the receiving class's.
    pub sections: [i64; 3],
    /// The semester running today.
    pub semester: String,
}

/// Yesterday, when the students were still in the class they leave.
fn yesterday() -> String {
    days_ago(1).to_string()
}

/// `token` marks `students` unexcused in `class`'s morning roll call of `date`.
async fn absent(app: &TestApp, token: &str, class: &str, students: &[&str], date: &str) {
    let marks: Vec<Value> = students.iter().map(|s| json!({ "studentId": s, "status": "unexcused" })).collect();
    let vars = json!({ "class": class, "date": date, "session": "morning", "marks": marks });
    app.data(Some(token), ROLL_CALL, vars).await.unwrap();
}

/// `guardian` asks leave for `student` on `date`; the request's id.
async fn ask_leave(app: &TestApp, guardian: &str, student: &str, date: &str) -> Value {
    let ask =
        "mutation($s: ID!, $d: NaiveDate!) { requestLeave(studentId: $s, from: $d, to: $d, reason: \"Ốm\") { id } }";
    app.data(Some(guardian), ask, json!({ "s": student, "d": date })).await.unwrap()["requestLeave"]["id"].clone()
}

/// `token` accepts or rejects the leave request `id`.
async fn decide_leave(app: &TestApp, token: &str, id: Value, accept: bool) {
    let decide = "mutation($id: ID!, $a: Boolean!) { decideLeave(requestId: $id, accept: $a) { status } }";
    app.data(Some(token), decide, json!({ "id": id, "a": accept })).await.unwrap();
}

/// The first regular column of `section` in the semester running today, and that semester.
async fn column_of(app: &TestApp, token: &str, section: i64) -> (String, String, bool) {
    let query = "query($id: ID!) { section(id: $id) { subject { assessment } assessments { id kind semesterId } } }";
    let data = app.data(Some(token), query, json!({ "id": encode("Section", section) })).await.unwrap();
    let columns = data["section"]["assessments"].as_array().unwrap();
    let column = columns.iter().find(|c| c["kind"] == "regular").expect("the section has a regular column");
    let scored = data["section"]["subject"]["assessment"] == "scored";
    (column["id"].as_str().unwrap().to_owned(), column["semesterId"].as_str().unwrap().to_owned(), scored)
}

/// `teacher` records a result (`take` tells one call from another) for each of `students` in
/// the first regular column of `section`, with `reason` in a locked book; the change
/// requests made.
async fn record(
    app: &TestApp,
    teacher: &str,
    section: i64,
    students: &[&str],
    take: u8,
    reason: Option<&str>,
) -> Vec<Value> {
    let (column, _, scored) = column_of(app, teacher, section).await;
    let versions = "query($id: ID!, $s: ID!) { student(id: $id) { results(sectionId: $s) { assessmentId version } } }";
    let mut entries = Vec::new();
    for student in students {
        let vars = json!({ "id": student, "s": encode("Section", section) });
        let read = app.data(Some(teacher), versions, vars).await.unwrap();
        let results = read["student"]["results"].as_array().unwrap();
        let version = results.iter().find(|r| r["assessmentId"] == column.as_str()).map(|r| r["version"].clone());
        let comment = format!("Lần ghi {take}");
        let mut entry = json!({ "studentId": student, "version": version, "comment": comment });
        match scored {
            true => entry["score"] = json!(f64::from(take) + 0.5),
            false => entry["passed"] = json!(true),
        }
        entries.push(entry);
    }
    let write = "mutation($c: ID!, $e: [ScoreInput!]!, $r: String) {
        recordScores(assessmentId: $c, entries: $e, reason: $r) { requests { id } } }";
    let written = app.data(Some(teacher), write, json!({ "c": column, "e": entries, "r": reason })).await.unwrap();
    written["recordScores"]["requests"].as_array().unwrap().clone()
}

/// The principal locks the book of `section` (taught by `teacher`) in the semester running
/// today, which this returns.
async fn lock(app: &TestApp, principal: &str, teacher: &str, section: i64) -> String {
    let (_, semester, _) = column_of(app, teacher, section).await;
    let lock = "mutation($sem: ID!, $s: ID!) { lockBook(semesterId: $sem, sectionId: $s) { id } }";
    let vars = json!({ "sem": semester, "s": encode("Section", section) });
    app.data(Some(principal), lock, vars).await.unwrap();
    semester
}

/// Before anyone moves: roll calls, leave requests, scores, a locked book's change requests,
/// reads noted in the disclosure log, a notification read.
async fn before_moving(app: &TestApp, cast: &Cast, stayed: &str, transferred_guardian: &str) -> String {
    let (moved, transferred) = (cast.moved.as_str(), cast.transferred.as_str());
    let pupils = [moved, transferred, stayed];
    absent(app, &cast.homeroom, &cast.old.id, &pupils, &yesterday()).await;
    let stayed_guardian = app.sign_in(&guardian_of(app, stayed).await).await.unwrap();
    let accepted = ask_leave(app, &cast.guardian, moved, &yesterday()).await;
    ask_leave(app, transferred_guardian, transferred, &yesterday()).await;
    let rejected = ask_leave(app, &stayed_guardian, stayed, &yesterday()).await;
    decide_leave(app, &cast.homeroom, accepted, true).await;
    decide_leave(app, &cast.homeroom, rejected, false).await;

    record(app, &cast.subject_teacher, cast.section, &pupils, 6, None).await;
    let semester = lock(app, &cast.principal, &cast.subject_teacher, cast.section).await;
    let requests = record(app, &cast.subject_teacher, cast.section, &pupils, 3, Some("Chấm nhầm")).await;
    assert_eq!(requests.len(), 3, "a locked book turns each change into a request");
    let decide = "mutation($id: ID!, $a: Boolean!) { decideChange(requestId: $id, approve: $a) { status } }";
    for (request, approve) in [(&requests[0], true), (&requests[2], false)] {
        app.data(Some(&cast.principal), decide, json!({ "id": request["id"], "a": approve })).await.unwrap();
    }
    let sensitive = "query($id: ID!) { student(id: $id) { identityNumber healthNotes results { score } } }";
    for student in pupils {
        app.data(Some(&cast.principal), sensitive, json!({ "id": student })).await.unwrap();
    }
    let told = app.data(Some(&cast.guardian), "{ me { notifications { id } } }", json!({})).await.unwrap();
    let first = told["me"]["notifications"][0]["id"].clone();
    assert!(!first.is_null(), "the roll call told the guardian");
    let read = "mutation($k: ID!) { markNotificationsRead(ids: [$k]) }";
    app.data(Some(&cast.guardian), read, json!({ "k": first })).await.unwrap();
    semester
}

/// After the moves: a transfer left pending, and the classes that received the students
/// take roll calls, receive leave requests and record scores of them.
async fn after_moving(
    app: &TestApp,
    cast: &Cast,
    receiving: &str,
    transferred_guardian: &str,
    waiting: &str,
) -> [i64; 2] {
    let school = cast.receiving_school();
    let release = json!({ "s": waiting, "school": school, "on": today(), "reason": "Theo bố mẹ" });
    app.data(Some(&cast.principal), crate::movements::TRANSFER, release).await.unwrap();
    let mut sections = [0; 2];
    let arrivals = [
        (&cast.moved, &cast.new_class, cast.guardian.as_str()),
        (&cast.transferred, &cast.elsewhere, transferred_guardian),
    ];
    for (index, (student, class, guardian)) in arrivals.into_iter().enumerate() {
        let homeroom = app.sign_in(&homeroom_teacher_of(app, class.id).await).await.unwrap();
        absent(app, &homeroom, &encode("Class", class.id), &[student], &today()).await;
        ask_leave(app, guardian, student, &today()).await;
        let (teacher, section) = subject_teacher_of(app, class.id, &[]).await;
        let teacher = app.sign_in(&teacher).await.unwrap();
        record(app, &teacher, section, &[student], 8, None).await;
        sections[index] = section;
    }
    // The newest change request is one the class the student left may not read.
    let (teacher, section) = subject_teacher_of(app, cast.new_class.id, &[]).await;
    let teacher = app.sign_in(&teacher).await.unwrap();
    lock(app, &cast.principal, &teacher, section).await;
    record(app, &teacher, section, &[&cast.moved], 2, Some("Nhập sai")).await;
    let sensitive = "query($id: ID!) { student(id: $id) { identityNumber results { score } } }";
    app.data(Some(receiving), sensitive, json!({ "id": cast.transferred })).await.unwrap();
    sections
}

/// The days lived in, on a fresh app.
pub(crate) async fn lived_in(app: &TestApp) -> Lived {
    let cast = Cast::gather(app).await;
    let (stayed, waiting) = (cast.old.students[2].clone(), cast.old.students[3].clone());
    let transferred_guardian = app.sign_in(&guardian_of(app, &cast.transferred).await).await.unwrap();
    let semester = before_moving(app, &cast, &stayed, &transferred_guardian).await;
    let receiving = cast.move_and_transfer(app).await;
    let [new, elsewhere] = after_moving(app, &cast, &receiving, &transferred_guardian, &waiting).await;
    let sections = [cast.section, new, elsewhere];
    Lived { cast, transferred_guardian, stayed, waiting, sections, semester }
}
