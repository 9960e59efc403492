//! Every mutation decides whether the caller may reach the record before anything else: a
//! record out of reach — in another school, of another kind, locked, or with no entries —
//! answers exactly like one that does not exist. One table over the mutations: for each,
//! a record in reach (whose answer must differ, or the row proves nothing), records out of
//! reach, and a missing one.

use super::world::{School, school, schools_of};
use crate::movements::{ADMIT, MOVE, TRANSFER, other_class, spawn};
use crate::roll_call::{guardian_of, today};
use emis::graphql::ids::encode;
use emis_tests::TestApp;
use entity::{notification, semester};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use serde_json::{Value, json};

/// An id of no record.
fn missing(kind: &str) -> String {
    encode(kind, 987_654).0
}

/// One mutation: who calls it, and its variables for a record in reach, for records out of
/// reach (each described), and for a missing record.
struct Row {
    name: &'static str,
    caller: String,
    query: &'static str,
    reach: Value,
    out: Vec<(&'static str, Value)>,
    missing: Value,
}

async fn check(app: &TestApp, row: &Row) {
    let call = |vars: &Value| app.graphql(Some(&row.caller), row.query, vars.clone());
    let nothing = call(&row.missing).await.unwrap();
    for (what, vars) in &row.out {
        let answer = call(vars).await.unwrap();
        assert_eq!(answer, nothing, "{}: {what} answers like a missing record", row.name);
    }
    let reached = call(&row.reach).await.unwrap();
    assert_ne!(reached, nothing, "{}: a record in reach answers otherwise", row.name);
}

const RATINGS: &str = "mutation($k: ID!, $c: String!, $e: [PrimaryEntryInput!]!) {
    recordPrimaryRatings(classId: $k, checkpoint: $c, entries: $e) }";
const SUBJECT: &str = "mutation($k: ID!, $c: String!, $e: [PrimaryEntryInput!]!) {
    recordPrimarySubject(sectionId: $k, checkpoint: $c, entries: $e) }";
const NOMINATE: &str = "mutation($k: ID!, $s: ID!) { nominatePrimaryStudent(classId: $k, studentId: $s, ground: \"progress\") { version } }";
const WITHDRAW: &str =
    "mutation($k: ID!, $s: ID!) { withdrawPrimaryNomination(classId: $k, studentId: $s, version: 1) }";

/// The primary book's rows: a homeroom teacher and a subject teacher of one primary school.
fn primary_rows(p: &School, q: &School, a: &School) -> Vec<Row> {
    let rating = |student: &str| json!([{ "studentId": student, "area": "pc.yeu_nuoc", "level": "tot" }]);
    let level = |student: &str| json!([{ "studentId": student, "level": "T" }]);
    let vars = |k: String, c: &str, e: Value| json!({ "k": k, "c": c, "e": e });
    let pair = |k: String, s: &str| json!({ "k": k, "s": s });
    vec![
        Row {
            name: "recordPrimaryRatings",
            caller: p.homeroom.clone(),
            query: RATINGS,
            reach: vars(p.class_id(), "end_1", json!([])),
            out: vec![
                ("a locked primary class of another school", vars(q.class_id(), "end_1", json!([]))),
                ("an open primary class of another school", vars(q.class_id(), "mid_2", json!([]))),
                ("a secondary class", vars(a.class_id(), "end_1", json!([]))),
                ("a secondary class, with entries", vars(a.class_id(), "end_1", rating(&a.students[0]))),
                ("another school's class, with entries", vars(q.class_id(), "mid_2", rating(&q.students[0]))),
            ],
            missing: vars(missing("Class"), "end_1", json!([])),
        },
        Row {
            name: "recordPrimarySubject",
            caller: p.teacher.clone(),
            query: SUBJECT,
            reach: vars(p.section_id(), "end_1", json!([])),
            out: vec![
                ("a locked primary section of another school", vars(q.section_id(), "end_1", json!([]))),
                ("an open primary section of another school", vars(q.section_id(), "mid_2", json!([]))),
                ("a secondary section", vars(a.section_id(), "end_1", json!([]))),
                ("a secondary section, with entries", vars(a.section_id(), "end_1", level(&a.students[0]))),
            ],
            missing: vars(missing("Section"), "end_1", json!([])),
        },
        Row {
            name: "nominatePrimaryStudent",
            caller: p.homeroom.clone(),
            query: NOMINATE,
            reach: pair(p.class_id(), &p.students[0]),
            out: vec![
                ("another school's primary class", pair(q.class_id(), &q.students[0])),
                ("a secondary class", pair(a.class_id(), &a.students[0])),
            ],
            missing: pair(missing("Class"), &q.students[0]),
        },
        Row {
            name: "withdrawPrimaryNomination",
            caller: p.homeroom.clone(),
            query: WITHDRAW,
            reach: pair(p.class_id(), &p.students[0]),
            out: vec![
                ("another school's primary class", pair(q.class_id(), &q.students[0])),
                ("a secondary class", pair(a.class_id(), &a.students[0])),
            ],
            missing: pair(missing("Class"), &q.students[0]),
        },
    ]
}

/// Locks every section of `school` in its semester `number`, as its principal.
async fn lock_school(app: &TestApp, school: &School, number: i16) {
    let semester = semester::Entity::find()
        .filter(semester::Column::SchoolYearId.eq(school.class.school_year_id))
        .filter(semester::Column::Number.eq(number))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let query = "mutation($sem: ID!, $school: ID!) { lockBook(semesterId: $sem, schoolId: $school) { id } }";
    let vars = json!({ "sem": encode("Semester", semester.id), "school": encode("School", school.id) });
    app.data(Some(&school.principal), query, vars).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_primary_book_mutation_answers_a_record_out_of_reach_like_a_missing_one() {
    let app = spawn().await;
    let primary = schools_of(&app, "TH").await;
    let (p, q) = (school(&app, primary[0]).await, school(&app, primary[1]).await);
    let secondary = schools_of(&app, "THCS").await;
    let a = school(&app, secondary[0]).await;
    lock_school(&app, &q, 1).await;
    for row in primary_rows(&p, &q, &a) {
        check(&app, &row).await;
    }
    app.stop().await.unwrap();
}

const SCORES: &str =
    "mutation($k: ID!, $e: [ScoreInput!]!) { recordScores(assessmentId: $k, entries: $e) { changed } }";
const ROLL_CALL: &str = "mutation($k: ID!, $d: NaiveDate!) {
    recordAttendance(classId: $k, date: $d, session: \"morning\", marks: []) { changed } }";
const CONDUCT: &str = "mutation($k: ID!, $sem: ID!, $e: [ConductInput!]!) {
    recordConduct(classId: $k, semesterId: $sem, entries: $e) { changed } }";
const EXEMPT: &str =
    "mutation($s: ID!, $k: ID!) { setExemption(studentId: $s, sectionId: $k, exempt: true) { sectionId } }";
const COLUMNS: &str =
    "mutation($k: ID!, $sem: ID!) { setAssessmentColumns(sectionId: $k, semesterId: $sem, regular: 3) { id } }";
const RETEST: &str = "mutation($k: ID!) { openRetest(sectionId: $k) { id } }";
const HELD: &str = "mutation($k: ID!) { markAssessmentHeld(assessmentId: $k) { id } }";
const LOCK: &str = "mutation($k: ID!, $sem: ID!) { lockBook(semesterId: $sem, sectionId: $k) { id } }";
const UNLOCK: &str = "mutation($k: ID!) { unlockBook(lockId: $k) { id } }";
const REQUEST_LEAVE: &str =
    "mutation($k: ID!, $d: NaiveDate!) { requestLeave(studentId: $k, from: $d, to: $d, reason: \"Ốm\") { id } }";
const DECIDE_LEAVE: &str = "mutation($k: ID!) { decideLeave(requestId: $k, accept: false) { status } }";
const MARK_READ: &str = "mutation($k: ID!) { markNotificationsRead(ids: [$k]) }";

/// The books' rows: teachers, the homeroom teacher and the principal of school `a`, with
/// school `b`'s records out of their reach.
fn book_rows(a: &School, b: &School) -> Vec<Row> {
    let column = |school: &School| encode("Assessment", school.column.expect("a regular column")).0;
    let score = |student: &str| json!([{ "studentId": student, "score": 5.0 }]);
    let conduct = |student: &str| json!([{ "studentId": student, "level": "tot" }]);
    let section = |school: &School| json!({ "k": school.section_id(), "sem": school.semester_id() });
    vec![
        Row {
            name: "recordScores",
            caller: a.teacher.clone(),
            query: SCORES,
            reach: json!({ "k": column(a), "e": score(&a.students[0]) }),
            out: vec![("another school's column", json!({ "k": column(b), "e": score(&b.students[0]) }))],
            missing: json!({ "k": missing("Assessment"), "e": score(&b.students[0]) }),
        },
        Row {
            name: "recordAttendance",
            caller: a.homeroom.clone(),
            query: ROLL_CALL,
            reach: json!({ "k": a.class_id(), "d": today() }),
            out: vec![("another school's class", json!({ "k": b.class_id(), "d": today() }))],
            missing: json!({ "k": missing("Class"), "d": today() }),
        },
        Row {
            name: "recordConduct",
            caller: a.homeroom.clone(),
            query: CONDUCT,
            reach: json!({ "k": a.class_id(), "sem": a.semester_id(), "e": conduct(&a.students[0]) }),
            out: vec![(
                "another school's class",
                json!({ "k": b.class_id(), "sem": b.semester_id(), "e": conduct(&b.students[0]) }),
            )],
            missing: json!({ "k": missing("Class"), "sem": b.semester_id(), "e": conduct(&b.students[0]) }),
        },
        Row {
            name: "setExemption",
            caller: a.principal.clone(),
            query: EXEMPT,
            reach: json!({ "s": a.students[0], "k": a.section_id() }),
            out: vec![("another school's student", json!({ "s": b.students[0], "k": b.section_id() }))],
            missing: json!({ "s": missing("Student"), "k": missing("Section") }),
        },
        Row {
            name: "setAssessmentColumns",
            caller: a.principal.clone(),
            query: COLUMNS,
            reach: section(a),
            out: vec![("another school's section", section(b))],
            missing: json!({ "k": missing("Section"), "sem": a.semester_id() }),
        },
        Row {
            name: "markAssessmentHeld",
            caller: a.teacher.clone(),
            query: HELD,
            reach: json!({ "k": column(a) }),
            out: vec![("another school's column", json!({ "k": column(b) }))],
            missing: json!({ "k": missing("Assessment") }),
        },
        Row {
            name: "openRetest",
            caller: a.principal.clone(),
            query: RETEST,
            reach: json!({ "k": a.section_id() }),
            out: vec![("another school's section", json!({ "k": b.section_id() }))],
            missing: json!({ "k": missing("Section") }),
        },
        Row {
            name: "lockBook",
            caller: a.principal.clone(),
            query: LOCK,
            reach: section(a),
            out: vec![("another school's section", section(b))],
            missing: json!({ "k": missing("Section"), "sem": a.semester_id() }),
        },
    ]
}

/// What the families' and the movements' rows need made first in both schools: a leave
/// request, a notification, a lock, a transfer.
struct Made {
    leave: (String, String),
    notification: (String, String),
    lock: (String, String),
    /// A transfer from `b` to `a`, and one from `b` to a third school.
    transfer_in: String,
    transfer_away: String,
}

async fn leave_for(app: &TestApp, student: &str) -> (String, String) {
    let guardian = app.sign_in(&guardian_of(app, student).await).await.unwrap();
    let made = app.data(Some(&guardian), REQUEST_LEAVE, json!({ "k": student, "d": today() })).await.unwrap();
    (guardian, made["requestLeave"]["id"].as_str().unwrap().to_owned())
}

/// A notification to a guardian of the class's first student, marked absent by its
/// homeroom teacher: the guardian's token and the notification's id.
async fn notified(app: &TestApp, school: &School) -> (String, String) {
    let marks = json!([{ "studentId": school.students[0], "status": "unexcused" }]);
    let body = crate::roll_call::roll_call(app, &school.homeroom, &school.class_id(), "afternoon", marks).await;
    assert!(body.get("errors").is_none(), "{body}");
    let username = guardian_of(app, &school.students[0]).await;
    let guardian = entity::guardian::Entity::find()
        .filter(entity::guardian::Column::Username.eq(username.as_str()))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let row = notification::Entity::find()
        .filter(notification::Column::GuardianId.eq(guardian.id))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    (app.sign_in(&username).await.unwrap(), encode("Notification", row.id).0)
}

async fn lock_of(app: &TestApp, school: &School) -> (String, String) {
    let vars = json!({ "k": school.section_id(), "sem": school.semester_id() });
    let lock = app.data(Some(&school.principal), LOCK, vars).await.unwrap();
    (school.principal.clone(), lock["lockBook"]["id"].as_str().unwrap().to_owned())
}

async fn release(app: &TestApp, from: &School, student: &str, to: i64) -> String {
    let vars = json!({ "s": student, "school": encode("School", to), "on": today(), "reason": "Chuyển nhà" });
    let made = app.data(Some(&from.principal), TRANSFER, vars).await.unwrap();
    made["transferStudent"]["id"].as_str().unwrap().to_owned()
}

/// The rows of guardians' requests, notifications, locks and movements.
fn family_and_movement_rows(app_a: (&School, &Made), b: (&School, &Made), moves: (i64, i64)) -> Vec<Row> {
    let ((a, mine), (b, theirs)) = (app_a, b);
    let (a_other, b_other) = moves;
    let id = |k: &str| json!({ "k": k });
    let move_to = |s: &str, c: i64| json!({ "s": s, "c": encode("Class", c), "on": today() });
    let transfer =
        |s: &str, school: i64| json!({ "s": s, "school": encode("School", school), "on": today(), "reason": "Lý do" });
    vec![
        Row {
            name: "requestLeave",
            caller: mine.leave.0.clone(),
            query: REQUEST_LEAVE,
            reach: json!({ "k": a.students[0], "d": today() }),
            out: vec![("another family's child", json!({ "k": b.students[0], "d": today() }))],
            missing: json!({ "k": missing("Student"), "d": today() }),
        },
        Row {
            name: "decideLeave",
            caller: a.homeroom.clone(),
            query: DECIDE_LEAVE,
            reach: id(&mine.leave.1),
            out: vec![("another school's request", id(&theirs.leave.1))],
            missing: id(&missing("LeaveRequest")),
        },
        Row {
            name: "markNotificationsRead",
            caller: mine.notification.0.clone(),
            query: MARK_READ,
            reach: id(&mine.notification.1),
            out: vec![("another family's notification", id(&theirs.notification.1))],
            missing: id(&missing("Notification")),
        },
        Row {
            name: "unlockBook",
            caller: mine.lock.0.clone(),
            query: UNLOCK,
            reach: id(&mine.lock.1),
            out: vec![("another school's lock", id(&theirs.lock.1))],
            missing: id(&missing("BookLock")),
        },
        Row {
            name: "moveStudent",
            caller: a.principal.clone(),
            query: MOVE,
            reach: move_to(&a.students[1], a_other),
            out: vec![("another school's student", move_to(&b.students[1], b_other))],
            missing: move_to(&missing("Student"), a_other),
        },
        Row {
            name: "transferStudent",
            caller: a.principal.clone(),
            query: TRANSFER,
            reach: transfer(&a.students[2], b.id),
            out: vec![("another school's student", transfer(&b.students[2], a.id))],
            missing: transfer(&missing("Student"), b.id),
        },
        Row {
            name: "admitStudent",
            caller: a.principal.clone(),
            query: ADMIT,
            reach: json!({ "t": theirs.transfer_in, "c": a.class_id() }),
            out: vec![("a transfer to a third school", json!({ "t": theirs.transfer_away, "c": a.class_id() }))],
            missing: json!({ "t": missing("Transfer"), "c": a.class_id() }),
        },
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_book_and_movement_mutation_answers_a_record_out_of_reach_like_a_missing_one() {
    let app = spawn().await;
    let secondary = schools_of(&app, "THCS").await;
    let (a, b) = (school(&app, secondary[0]).await, school(&app, secondary[1]).await);
    let third = schools_of(&app, "TH").await[0];
    for row in book_rows(&a, &b) {
        check(&app, &row).await;
    }
    let mut made = Vec::new();
    for (school, transfers) in [(&a, None), (&b, Some(()))] {
        let (transfer_in, transfer_away) = match transfers {
            Some(()) => (
                release(&app, school, &school.students[3], a.id).await,
                release(&app, school, &school.students[4], third).await,
            ),
            None => (String::new(), String::new()),
        };
        made.push(Made {
            leave: leave_for(&app, &school.students[0]).await,
            notification: notified(&app, school).await,
            lock: lock_of(&app, school).await,
            transfer_in,
            transfer_away,
        });
    }
    let moves = (other_class(&app, a.class.id, true).await.id, other_class(&app, b.class.id, true).await.id);
    for row in family_and_movement_rows((&a, &made[0]), (&b, &made[1]), moves) {
        check(&app, &row).await;
    }
    app.stop().await.unwrap();
}
