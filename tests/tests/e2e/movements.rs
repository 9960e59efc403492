//! Movements: the principal moves a student to another class (chuyển lớp), or releases them
//! to another school whose principal admits them (chuyển trường). The student's records
//! follow them — the receiving class and school read the student's history, and the sheet
//! of the new class counts the marks brought along — while the teachers and the school they
//! left keep the student's name and what they recorded before, and see nothing after: not
//! the new class's results or roll calls, not the guardians, not the sensitive fields. No
//! one else may move a student; a transfer is admitted once, by the receiving school, and
//! during the year a student moves only within their grade.

use super::grade_entry::decode;
use super::roll_call::{homeroom_class, homeroom_teacher_of, today};
use emis::graphql::ids::encode;
use emis::seed::SeedOptions;
use emis_tests::{TestApp, error_code};
use entity::{assessment, homeroom_class as class, result, section, staff, staff_role, teaching_assignment};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use serde_json::{Value, json};
use std::collections::BTreeSet;

pub(crate) const MOVE: &str = "mutation($s: ID!, $c: ID!, $on: NaiveDate!) {
    moveStudent(studentId: $s, classId: $c, on: $on) { startsOn endsOn class { id } } }";
pub(crate) const TRANSFER: &str = "mutation($s: ID!, $school: ID!, $on: NaiveDate!, $reason: String!) {
    transferStudent(studentId: $s, schoolId: $school, on: $on, reason: $reason) {
        id status studentName arrivesOn toSchoolId } }";
pub(crate) const ADMIT: &str = "mutation($t: ID!, $c: ID!) {
    admitStudent(transferId: $t, classId: $c) { id status toClass { id } student { id } } }";
const STUDENT: &str = "query($id: ID!) { student(id: $id) {
    id fullName healthNotes identityNumber status school { id }
    guardians { fullName phone }
    enrollments { startsOn endsOn class { id } }
    results { sectionId score } } }";

/// The student as `token` reads them (null when hidden).
async fn student(app: &TestApp, token: &str, id: &str) -> Value {
    app.data(Some(token), STUDENT, json!({ "id": id })).await.unwrap()["student"].clone()
}

/// The sections of the student's results as `token` reads them.
fn sections_of(student: &Value) -> BTreeSet<i64> {
    student["results"].as_array().unwrap().iter().map(|r| decode("Section", r["sectionId"].as_str().unwrap())).collect()
}

/// The sections of class `class`.
pub(crate) async fn sections_in(app: &TestApp, class: i64) -> BTreeSet<i64> {
    let rows = section::Entity::find().filter(section::Column::ClassId.eq(class)).all(&app.state.db).await.unwrap();
    rows.into_iter().map(|row| row.id).collect()
}

const LIST: &str = "query($first: Int, $after: String) {
    students(first: $first, after: $after) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } }";

/// The whole student list as `token` reads it, in pages of `first`; each page's
/// `totalCount` is checked against the whole.
async fn listed(app: &TestApp, token: &str, first: usize) -> Vec<String> {
    let (mut ids, mut totals, mut after) = (Vec::new(), Vec::new(), Value::Null);
    loop {
        let vars = json!({ "first": first, "after": after });
        let page = app.data(Some(token), LIST, vars).await.unwrap()["students"].clone();
        totals.push(page["totalCount"].as_u64().unwrap());
        ids.extend(page["nodes"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_owned()));
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert!(totals.iter().all(|total| *total == ids.len() as u64), "totals {totals:?} of {} listed", ids.len());
    ids
}

/// A principal's list holds `student` once, the same in small pages as in large ones: the
/// school's students and its former students are read apart and appended, and the list
/// must neither lose nor repeat a student who is both.
async fn listed_once(app: &TestApp, token: &str, student: &str) {
    let small = listed(app, token, 7).await;
    assert_eq!(small.iter().filter(|id| *id == student).count(), 1, "listed once: {small:?}");
    assert_eq!(small.iter().collect::<BTreeSet<_>>().len(), small.len(), "no student listed twice");
    assert_eq!(small, listed(app, token, 100).await, "the same list in any page size");
}

/// Movements need a second class of a grade, and a second school of each level: the tiny
/// data set with two classes a grade and four schools.
pub(crate) async fn spawn() -> TestApp {
    let seed = SeedOptions { schools: 4, classes_per_grade: 2, ..SeedOptions::tiny() };
    TestApp::spawn_seeded(seed).await.unwrap()
}

/// Another class of `class`'s school and year, of the same grade or (`same_grade` false) of
/// another.
pub(crate) async fn other_class(app: &TestApp, class: i64, same_grade: bool) -> class::Model {
    let row = class::Entity::find_by_id(class).one(&app.state.db).await.unwrap().unwrap();
    let grade = match same_grade {
        true => class::Column::GradeLevel.eq(row.grade_level),
        false => class::Column::GradeLevel.ne(row.grade_level),
    };
    class::Entity::find()
        .filter(class::Column::SchoolId.eq(row.school_id))
        .filter(class::Column::SchoolYearId.eq(row.school_year_id))
        .filter(class::Column::Id.ne(class))
        .filter(grade)
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("the school has such a class")
}

/// A class of another school of the same grade as `class`.
pub(crate) async fn class_elsewhere(app: &TestApp, class: i64) -> class::Model {
    let from = class::Entity::find_by_id(class).one(&app.state.db).await.unwrap().unwrap();
    class::Entity::find()
        .filter(class::Column::SchoolId.ne(from.school_id))
        .filter(class::Column::GradeLevel.eq(from.grade_level))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("another school teaches the grade")
}

/// The username of a subject teacher of one of `class`'s sections (none of `except`), and
/// that section.
pub(crate) async fn subject_teacher_of(app: &TestApp, class: i64, except: &[&str]) -> (String, i64) {
    let sections = sections_in(app, class).await;
    let assignments = teaching_assignment::Entity::find()
        .filter(teaching_assignment::Column::SectionId.is_in(sections))
        .filter(teaching_assignment::Column::Kind.eq("subject"))
        .filter(teaching_assignment::Column::EndsOn.is_null())
        .all(&app.state.db)
        .await
        .unwrap();
    for assignment in assignments {
        let person = staff::Entity::find_by_id(assignment.staff_id).one(&app.state.db).await.unwrap().unwrap();
        let username = person.username.unwrap();
        if !except.contains(&username.as_str()) {
            return (username, assignment.section_id.unwrap());
        }
    }
    panic!("class {class} has a subject teacher besides {except:?}");
}

/// Ends every assignment of `username` to a section of class `class` yesterday.
pub(crate) async fn stop_teaching(app: &TestApp, username: &str, class: i64) {
    let person =
        staff::Entity::find().filter(staff::Column::Username.eq(username)).one(&app.state.db).await.unwrap().unwrap();
    let sections = sections_in(app, class).await;
    let yesterday = emis::clock::today().pred_opt().unwrap();
    teaching_assignment::Entity::update_many()
        .col_expr(teaching_assignment::Column::EndsOn, sea_orm::sea_query::Expr::value(yesterday))
        .filter(teaching_assignment::Column::StaffId.eq(person.id))
        .filter(teaching_assignment::Column::SectionId.is_in(sections))
        .exec(&app.state.db)
        .await
        .unwrap();
}

/// Records a score for `student` in the first column of `section`, as `token`.
async fn score_in(app: &TestApp, token: &str, section: i64, student: &str) -> Value {
    let column = assessment::Entity::find()
        .filter(assessment::Column::SectionId.eq(section))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let current = result::Entity::find()
        .filter(result::Column::AssessmentId.eq(column.id))
        .filter(result::Column::StudentId.eq(decode("Student", student)))
        .one(&app.state.db)
        .await
        .unwrap();
    let version = current.map(|row| row.version);
    let subject = section::Entity::find_by_id(section).one(&app.state.db).await.unwrap().unwrap().subject_id;
    let subject = entity::subject::Entity::find_by_id(subject).one(&app.state.db).await.unwrap().unwrap();
    let entries = if subject.assessment == "scored" {
        json!([{ "studentId": student, "score": 4.5, "version": version }])
    } else {
        json!([{ "studentId": student, "passed": false, "version": version }])
    };
    let variables = json!({ "column": encode("Assessment", column.id), "entries": entries });
    app.graphql(Some(token), super::grade_entry::RECORD, variables).await.unwrap()
}

/// The first regular column of `class`'s section of the subject of section `old`, in the
/// same semester as `old`'s first regular column.
async fn brought_column(app: &TestApp, old: i64, class: i64) -> assessment::Model {
    let old = section::Entity::find_by_id(old).one(&app.state.db).await.unwrap().unwrap();
    let new = section::Entity::find()
        .filter(section::Column::ClassId.eq(class))
        .filter(section::Column::SubjectId.eq(old.subject_id))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("the new class has a section of the subject");
    assessment::Entity::find()
        .filter(assessment::Column::SectionId.eq(new.id))
        .filter(assessment::Column::Kind.eq("regular"))
        .filter(assessment::Column::Sequence.eq(1))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("a first regular column")
}

/// Marks the end-of-term columns of `class`'s sections held (as their teachers would) and
/// locks its school's semester as the principal; the lock's id.
async fn hold_end_of_term_and_lock_school(app: &TestApp, principal: &str, class: i64) -> String {
    use sea_orm::sea_query::Expr;
    let sections: Vec<i64> = section::Entity::find()
        .filter(section::Column::ClassId.eq(class))
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.id)
        .collect();
    let finals = assessment::Entity::find()
        .filter(assessment::Column::SectionId.is_in(sections))
        .filter(assessment::Column::Kind.eq("final"));
    let any = finals.clone().one(&app.state.db).await.unwrap().expect("the class has end-of-term columns");
    assessment::Entity::update_many()
        .col_expr(assessment::Column::Held, Expr::value(true))
        .filter(assessment::Column::Id.is_in(finals.all(&app.state.db).await.unwrap().into_iter().map(|c| c.id)))
        .exec(&app.state.db)
        .await
        .unwrap();
    let lock = "mutation($sem: ID!, $school: ID!) { lockBook(semesterId: $sem, schoolId: $school) { id } }";
    let vars = json!({ "sem": encode("Semester", any.semester_id), "school": encode("School", any.school_id) });
    let locked = app.data(Some(principal), lock, vars).await.unwrap();
    locked["lockBook"]["id"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_student_moved_to_another_class_takes_their_records_and_leaves_the_old_class_only_its_own() {
    let app = spawn().await;
    let principal = app.sign_in("hieutruong").await.unwrap();
    let old_homeroom = app.sign_in("gvcn").await.unwrap();
    let old = homeroom_class(&app, &old_homeroom).await;
    let old_id = decode("Class", &old.id);
    let moved = old.students[0].clone();
    let new = other_class(&app, old_id, true).await;
    let new_homeroom_name = homeroom_teacher_of(&app, new.id).await;
    let new_homeroom = app.sign_in(&new_homeroom_name).await.unwrap();
    let (old_teacher_name, old_section) = subject_teacher_of(&app, old_id, &["gvcn", &new_homeroom_name]).await;
    let old_teacher = app.sign_in(&old_teacher_name).await.unwrap();
    // The old class's people teach nothing in the new class (the tiny seed shares teachers).
    for username in ["gvcn", old_teacher_name.as_str()] {
        stop_teaching(&app, username, new.id).await;
    }
    let old_sections = sections_in(&app, old_id).await;
    let before = student(&app, &principal, &moved).await;
    assert!(!sections_of(&before).is_empty(), "the seed gave the student results in the old class");
    assert!(sections_of(&before).is_subset(&old_sections));
    let vars = json!({ "s": moved, "c": encode("Class", new.id), "on": today() });

    // Only the principal moves a student.
    for username in ["gvcn", "gvbm", "vanthu", "phuhuynh"] {
        let token = app.sign_in(username).await.unwrap();
        let body = app.graphql(Some(&token), MOVE, vars.clone()).await.unwrap();
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "{username}: {body}");
    }
    let other_grade = other_class(&app, old_id, false).await;
    let across = json!({ "s": moved, "c": encode("Class", other_grade.id), "on": today() });
    let refused = app.graphql(Some(&principal), MOVE, across).await.unwrap();
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "a move stays within the grade: {refused}");
    assert!(refused["errors"][0]["message"].as_str().unwrap().contains("grade"), "{refused}");
    let done = app.data(Some(&principal), MOVE, vars.clone()).await.unwrap();
    assert_eq!(done["moveStudent"]["startsOn"], today());
    assert_eq!(done["moveStudent"]["class"]["id"], encode("Class", new.id).0);
    let again = app.graphql(Some(&principal), MOVE, vars).await.unwrap();
    assert_eq!(error_code(&again), Some("BAD_USER_INPUT"), "already in that class: {again}");
    // Both a student of the school and, by the class left, one of its former students.
    listed_once(&app, &principal, &moved).await;

    // The new class: on the roster, with the history from the old class.
    let roster = app
        .data(
            Some(&new_homeroom),
            "query($id: ID!) { class(id: $id) { students { id } } }",
            json!({ "id": encode("Class", new.id) }),
        )
        .await
        .unwrap();
    assert!(roster["class"]["students"].as_array().unwrap().iter().any(|s| s["id"] == moved));
    let seen_by_new = student(&app, &new_homeroom, &moved).await;
    assert_eq!(sections_of(&seen_by_new), sections_of(&before), "the old class's results follow the student");
    assert!(!seen_by_new["guardians"].as_array().unwrap().is_empty(), "the new homeroom teacher reaches the family");
    // A mark brought along fills the new class's column: the student owes no make-up there.
    let brought = brought_column(&app, *sections_of(&before).first().unwrap(), new.id).await;
    let owed = app
        .data(
            Some(&principal),
            "query($k: ID!) { section(id: $k) { assessments { id makeUpsOwed } } }",
            json!({ "k": encode("Section", brought.section_id) }),
        )
        .await
        .unwrap();
    let listed = owed["section"]["assessments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|column| column["id"] == encode("Assessment", brought.id).0)
        .unwrap()["makeUpsOwed"]
        .clone();
    assert!(!listed.as_array().unwrap().iter().any(|s| s == moved.as_str()), "{listed}");
    // The subjects have results once the new class's end-of-term is held and the book is
    // locked (a missing assessment then counts 0); the lock is lifted after the reading.
    let lock = hold_end_of_term_and_lock_school(&app, &principal, new.id).await;
    let summary = app
        .data(
            Some(&new_homeroom),
            "query($id: ID!) { class(id: $id) { summary { lines { studentId subjects { average passed } } } } }",
            json!({ "id": encode("Class", new.id) }),
        )
        .await
        .unwrap();
    let line =
        summary["class"]["summary"]["lines"].as_array().unwrap().iter().find(|l| l["studentId"] == moved).unwrap();
    assert!(
        // Without them every assessment would count 0 (Chưa đạt) in the locked book.
        line["subjects"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["average"].as_f64().is_some_and(|average| average > 0.0) || s["passed"] == true),
        "the sheet of the new class counts the marks brought along: {line}"
    );
    let unlock = "mutation($id: ID!) { unlockBook(lockId: $id) { unlockedAt } }";
    app.data(Some(&principal), unlock, json!({ "id": lock })).await.unwrap();

    // The old class: the name and its own records stay; nothing current, nothing after.
    let roster = app
        .data(
            Some(&old_homeroom),
            "query($id: ID!) { class(id: $id) { students { id } formerStudents { id } } }",
            json!({ "id": old.id }),
        )
        .await
        .unwrap();
    assert!(!roster["class"]["students"].as_array().unwrap().iter().any(|s| s["id"] == moved));
    assert!(roster["class"]["formerStudents"].as_array().unwrap().iter().any(|s| s["id"] == moved));
    for token in [&old_homeroom, &old_teacher] {
        let seen = student(&app, token, &moved).await;
        assert_eq!(seen["id"], moved.as_str(), "the student stays reachable by name");
        assert!(seen["guardians"].as_array().unwrap().is_empty(), "no guardians after the move: {seen}");
        assert!(seen["healthNotes"].is_null());
        let classes: Vec<&Value> = seen["enrollments"].as_array().unwrap().iter().map(|e| &e["class"]["id"]).collect();
        assert!(!classes.contains(&&json!(encode("Class", new.id).0)), "the new class stays hidden: {seen}");
        assert!(sections_of(&seen).is_subset(&old_sections));
    }
    let refused = score_in(&app, &old_teacher, old_section, &moved).await;
    assert!(error_code(&refused).is_some(), "the old class's teacher no longer writes the student's scores: {refused}");

    // A result recorded in the new class reaches the new class's teachers and not the old.
    let (new_teacher_name, new_section) = subject_teacher_of(&app, new.id, &["gvcn", &old_teacher_name]).await;
    let new_teacher = app.sign_in(&new_teacher_name).await.unwrap();
    let recorded = score_in(&app, &new_teacher, new_section, &moved).await;
    assert!(recorded.get("errors").is_none(), "{recorded}");
    assert!(sections_of(&student(&app, &new_homeroom, &moved).await).contains(&new_section));
    assert!(!sections_of(&student(&app, &old_homeroom, &moved).await).contains(&new_section));
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transfer_is_released_by_one_school_admitted_by_the_other_and_each_sees_what_is_theirs() {
    let app = spawn().await;
    let db = &app.state.db;
    let sending = app.sign_in("hieutruong").await.unwrap();
    let homeroom = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &homeroom).await;
    let moved = class.students[1].clone();
    let to_class = class_elsewhere(&app, decode("Class", &class.id)).await;
    let to_school = to_class.school_id;
    let role = staff_role::Entity::find()
        .filter(staff_role::Column::Role.eq("principal"))
        .filter(staff_role::Column::OrgId.eq(to_school))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let receiving_name = staff::Entity::find_by_id(role.staff_id).one(db).await.unwrap().unwrap().username.unwrap();
    let receiving = app.sign_in(&receiving_name).await.unwrap();
    let before = student(&app, &sending, &moved).await;
    assert!(!before["identityNumber"].is_null(), "the sending principal reads the identity number today");
    assert!(student(&app, &receiving, &moved).await.is_null(), "the receiving school sees nothing before");
    let vars =
        json!({ "s": moved, "school": encode("School", to_school), "on": today(), "reason": "Gia đình chuyển nhà" });

    // Only the sending school's principal releases; only the receiving one admits.
    for token in [&homeroom, &receiving] {
        let body = app.graphql(Some(token), TRANSFER, vars.clone()).await.unwrap();
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    }
    let released = app.data(Some(&sending), TRANSFER, vars.clone()).await.unwrap()["transferStudent"].clone();
    assert_eq!(released["status"], "pending");
    let transfer = released["id"].as_str().unwrap().to_owned();
    let twice = app.graphql(Some(&sending), TRANSFER, vars).await.unwrap();
    assert_eq!(error_code(&twice), Some("FORBIDDEN"), "no longer enrolled at the school: {twice}");
    let waiting =
        app.data(Some(&receiving), "{ transfers { id studentName student { id } } }", json!({})).await.unwrap();
    let listed = &waiting["transfers"][0];
    assert_eq!(listed["id"], transfer.as_str());
    assert_eq!(listed["studentName"], before["fullName"]);
    assert!(listed["student"].is_null(), "the record itself waits for the admission");
    let guardian = app.sign_in(&super::roll_call::guardian_of(&app, &moved).await).await.unwrap();
    let followed = app.data(Some(&guardian), "{ transfers { id } }", json!({})).await.unwrap();
    assert_eq!(followed["transfers"][0]["id"], transfer.as_str(), "the family follows the transfer");
    let outsider =
        app.data(Some(&app.sign_in("gvbm").await.unwrap()), "{ transfers { id } }", json!({})).await.unwrap();
    assert_eq!(outsider["transfers"], json!([]));

    let admit = json!({ "t": transfer, "c": encode("Class", to_class.id) });
    let wrong = app.graphql(Some(&sending), ADMIT, admit.clone()).await.unwrap();
    assert_eq!(error_code(&wrong), Some("FORBIDDEN"), "{wrong}");
    let other_grade = other_class(&app, to_class.id, false).await;
    let into_other_grade = json!({ "t": transfer, "c": encode("Class", other_grade.id) });
    let refused = app.graphql(Some(&receiving), ADMIT, into_other_grade).await.unwrap();
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "admitted into the grade they left: {refused}");
    let admitted = app.data(Some(&receiving), ADMIT, admit.clone()).await.unwrap()["admitStudent"].clone();
    assert_eq!(admitted["status"], "admitted");
    assert_eq!(admitted["student"]["id"], moved.as_str());
    let twice = app.graphql(Some(&receiving), ADMIT, admit).await.unwrap();
    assert_eq!(error_code(&twice), Some("BAD_USER_INPUT"), "admitted once: {twice}");

    // The receiving school: the student in full, with the sending school's records.
    let now_theirs = student(&app, &receiving, &moved).await;
    assert_eq!(now_theirs["school"]["id"], encode("School", to_school).0);
    assert!(!now_theirs["identityNumber"].is_null());
    assert_eq!(sections_of(&now_theirs), sections_of(&before), "the history follows the student");

    // The sending school: the name and its own records; nothing current. Its list keeps
    // the student among its former students; the receiving school's lists them as its own.
    listed_once(&app, &sending, &moved).await;
    listed_once(&app, &receiving, &moved).await;
    let left = student(&app, &sending, &moved).await;
    assert_eq!(left["id"], moved.as_str());
    assert!(left["identityNumber"].is_null() && left["healthNotes"].is_null(), "{left}");
    assert!(left["guardians"].as_array().unwrap().is_empty());
    assert!(left["school"].is_null(), "the new school stays hidden");
    assert_eq!(sections_of(&left), sections_of(&before), "its own results stay");
    let receiving_homeroom = app.sign_in(&homeroom_teacher_of(&app, to_class.id).await).await.unwrap();
    let marks = json!([{ "studentId": moved, "status": "unexcused" }]);
    let body =
        super::roll_call::roll_call(&app, &receiving_homeroom, &encode("Class", to_class.id).0, "morning", marks).await;
    assert!(body.get("errors").is_none(), "{body}");
    let query = "query($id: ID!, $d: NaiveDate!) { student(id: $id) { attendance(from: $d, to: $d) { status } } }";
    let vars = json!({ "id": moved, "d": today() });
    let theirs = app.data(Some(&receiving), query, vars.clone()).await.unwrap();
    assert_eq!(theirs["student"]["attendance"][0]["status"], "unexcused");
    let ours = app.data(Some(&sending), query, vars).await.unwrap();
    assert_eq!(ours["student"]["attendance"], json!([]), "a roll call after the move stays with the new school");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transfers_student_is_named_only_to_those_who_may_read_the_transfer() {
    let app = spawn().await;
    let db = &app.state.db;
    let sending = app.sign_in("hieutruong").await.unwrap();
    let homeroom = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &homeroom).await;
    let moved = class.students[0].clone();
    let to_school = class_elsewhere(&app, decode("Class", &class.id)).await.school_id;
    let principals = staff_role::Entity::find().filter(staff_role::Column::Role.eq("principal")).all(db).await.unwrap();
    let principal_of = |school: i64| {
        let role = principals.iter().find(|role| role.org_id == school).expect("the school has a principal");
        role.staff_id
    };
    let username =
        |id: i64| async move { staff::Entity::find_by_id(id).one(db).await.unwrap().unwrap().username.unwrap() };
    let receiving = username(principal_of(to_school)).await;
    let name = student(&app, &sending, &moved).await["fullName"].as_str().unwrap().to_owned();
    let vars = json!({ "s": moved, "school": encode("School", to_school), "on": today(), "reason": "Chuyển nhà" });
    let released = app.data(Some(&sending), TRANSFER, vars).await.unwrap()["transferStudent"].clone();
    assert_eq!(released["studentName"], name.as_str(), "the sending school names the student it released");
    let row = entity::transfer::Entity::find_by_id(decode("Transfer", released["id"].as_str().unwrap()));
    let row = row.one(db).await.unwrap().unwrap();

    // The sending school, the receiving one before it admits the student, and the family
    // read the transfer and the name in it; the class's teachers and another school do not.
    let sending_school = row.from_school_id;
    let third = principals.iter().map(|role| role.org_id).find(|school| ![sending_school, to_school].contains(school));
    let mut readers = vec![("hieutruong".to_owned(), true), (receiving.clone(), true), ("gvcn".to_owned(), false)];
    readers.push(("gvbm".to_owned(), false));
    if let Some(third) = third {
        readers.push((username(principal_of(third)).await, false));
    }
    for (reader, may) in readers {
        let access = super::disclosures::access_of(&app, &reader).await;
        let named = access.transfer_student(db, &row).await.unwrap();
        assert_eq!(named.as_ref().map(|named| named.full_name.as_str()), may.then_some(name.as_str()), "{reader}");
        let token = app.sign_in(&reader).await.unwrap();
        let listed = app.data(Some(&token), "{ transfers { id studentName } }", json!({})).await.unwrap();
        let listed = listed["transfers"].as_array().unwrap();
        let shown = listed.iter().find(|transfer| transfer["id"] == released["id"]);
        assert_eq!(shown.map(|transfer| transfer["studentName"].clone()), may.then(|| json!(name)), "{reader}");
    }
    app.stop().await.unwrap();
}
