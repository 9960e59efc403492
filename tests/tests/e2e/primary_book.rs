//! The primary summary book (Circular 27): each subject's teacher rates the section's
//! students T/H/C with the periodic test's whole-number score where the subject has a test
//! then, the homeroom teacher rates the qualities and competencies, and the end-of-year book
//! works out the year result, completion and award. A wrong entry names the student and
//! field and writes nothing; a stale version is a conflict; no one else writes; each reader
//! sees only what the policy lets them (a guardian their own child, a subject teacher their
//! subject).

use super::roll_call::{guardian_of, homeroom_teacher_of};
use emis::books::primary::AREAS;
use emis::graphql::ids::encode;
use emis_tests::{TestApp, error_code};
use entity::{enrollment, homeroom_class, section, staff, subject, teaching_assignment};
use sea_orm::{ActiveModelTrait as _, ActiveValue::Set, IntoActiveModel as _};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use serde_json::{Value, json};

pub(super) const SUBJECT: &str = "mutation($s: ID!, $c: String!, $e: [PrimaryEntryInput!]!) {
    recordPrimarySubject(sectionId: $s, checkpoint: $c, entries: $e) }";
const RATINGS: &str = "mutation($k: ID!, $c: String!, $e: [PrimaryEntryInput!]!) {
    recordPrimaryRatings(classId: $k, checkpoint: $c, entries: $e) }";
const BOOK: &str = "query($id: ID!) { class(id: $id) { primaryBook(checkpoint: \"end_year\") {
    checkpoint subjectIds areas lines { studentId yearResult completesGrade completesPrimary award
        subjects { item level testScore version } ratings { item name level } } } } }";

/// A section of the primary class, its subject's code and its teacher's username.
pub(super) struct Taught {
    pub id: String,
    pub code: String,
    pub teacher: String,
}

/// A primary class of the seed: its row and id, its students today (by id) and its sections.
pub(super) struct PrimaryClass {
    pub row: homeroom_class::Model,
    pub id: String,
    pub students: Vec<String>,
    pub taught: Vec<Taught>,
}

/// Whether the subject `code` has a periodic test at the end of the year (codes as EMIS
/// writes them, or as a package spelled them).
pub(super) fn tested(code: &str) -> bool {
    matches!(
        code,
        "tieng_viet" | "toan" | "tieng_anh" | "lsdl" | "tin_hoc" | "cong_nghe" | "khoa_hoc" | "TOAN" | "Tiếng Việt"
    )
}

/// The seed's grade-1 class.
pub(super) async fn primary_class(app: &TestApp) -> PrimaryClass {
    primary_class_of(app, 1).await
}

/// The seed's (first) class of primary grade `grade` (an `i32`, as the other look-ups of a
/// class by grade bind it: a statement PostgreSQL prepared for one parameter type refuses
/// another).
pub(super) async fn primary_class_of(app: &TestApp, grade: i32) -> PrimaryClass {
    let db = &app.state.db;
    let row = homeroom_class::Entity::find()
        .filter(homeroom_class::Column::GradeLevel.eq(grade))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let today = emis::clock::today();
    let mut students: Vec<i64> = enrollment::Entity::find()
        .filter(enrollment::Column::ClassId.eq(row.id))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.starts_on <= today && e.ends_on.is_none_or(|end| end >= today))
        .map(|e| e.student_id)
        .collect();
    students.sort();
    let mut taught = Vec::new();
    for section in section::Entity::find().filter(section::Column::ClassId.eq(row.id)).all(db).await.unwrap() {
        let code = subject::Entity::find_by_id(section.subject_id).one(db).await.unwrap().unwrap().code;
        let assignment = teaching_assignment::Entity::find()
            .filter(teaching_assignment::Column::SectionId.eq(section.id))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        let teacher = staff::Entity::find_by_id(assignment.staff_id).one(db).await.unwrap().unwrap().username.unwrap();
        taught.push(Taught { id: encode("Section", section.id).0, code, teacher });
    }
    let students = students.into_iter().map(|id| encode("Student", id).0).collect();
    PrimaryClass { id: encode("Class", row.id).0, row, students, taught }
}

/// Every quality and competency of `student` rated Tốt, the last one `last`.
pub(super) fn ratings(student: &str, last: &str) -> Vec<Value> {
    AREAS
        .iter()
        .enumerate()
        .map(|(i, area)| json!({ "studentId": student, "area": area, "level": if i == 14 { last } else { "tot" } }))
        .collect()
}

/// Rates the year of each `(student, test score, last rating)`: every subject T with that
/// score in every end-of-year test, every quality and competency Tốt but the last one.
pub(super) async fn rate_year(app: &TestApp, class: &PrimaryClass, plan: &[(&str, i64, &str)]) {
    for section in &class.taught {
        let token = app.sign_in(&section.teacher).await.unwrap();
        let entries: Vec<Value> = plan
            .iter()
            .map(|(student, score, _)| {
                let score = if tested(&section.code) { json!(score) } else { Value::Null };
                json!({ "studentId": student, "level": "T", "testScore": score })
            })
            .collect();
        let changed =
            app.data(Some(&token), SUBJECT, json!({ "s": section.id, "c": "end_year", "e": entries })).await.unwrap();
        assert_eq!(changed["recordPrimarySubject"], plan.len());
    }
    let homeroom = app.sign_in(&homeroom_teacher_of(app, class.row.id).await).await.unwrap();
    let entries: Vec<Value> = plan.iter().flat_map(|(student, _, last)| ratings(student, last)).collect();
    let changed =
        app.data(Some(&homeroom), RATINGS, json!({ "k": class.id, "c": "end_year", "e": entries })).await.unwrap();
    assert_eq!(changed["recordPrimaryRatings"], 15 * plan.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_primary_book_is_rated_by_its_teachers_and_works_out_the_year_result() {
    let app = TestApp::spawn().await.unwrap();
    let db = &app.state.db;
    let primary = primary_class(&app).await;
    let (class, class_id, taught) = (&primary.row, primary.id.clone(), &primary.taught);
    let homeroom = app.sign_in(&homeroom_teacher_of(&app, class.id).await).await.unwrap();
    let (first, second) = (primary.students[0].clone(), primary.students[1].clone());
    let entry = |student: &str, code: &str| json!({ "studentId": student, "level": "T", "testScore": if tested(code) { json!(10) } else { Value::Null } });

    // Wrong entries name the student and field, and nothing is written.
    let section = &taught[0];
    let token = app.sign_in(&section.teacher).await.unwrap();
    let untested = taught.iter().find(|t| !tested(&t.code)).expect("a subject without a test");
    let untested_token = app.sign_in(&untested.teacher).await.unwrap();
    let wrong = [
        (untested, &untested_token, json!([{ "studentId": first, "level": "T", "testScore": 9 }]), "testScore"),
        (section, &token, json!([entry(&first, &section.code), { "studentId": second, "level": "X" }]), "level"),
    ];
    for (section, token, entries, field) in wrong {
        let body =
            app.graphql(Some(token), SUBJECT, json!({ "s": section.id, "c": "end_year", "e": entries })).await.unwrap();
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
        assert!(body.to_string().contains(field), "names the field: {body}");
    }
    if tested(&section.code) {
        let body = app
            .graphql(Some(&token), SUBJECT, json!({ "s": section.id, "c": "end_year", "e": [{ "studentId": first, "level": "T", "testScore": 11 }] }))
            .await
            .unwrap();
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    }
    assert_eq!(entity::primary_evaluation::Entity::find().all(db).await.unwrap().len(), 0, "nothing written");

    // Only the section's teacher writes its levels; only the homeroom teacher the ratings.
    let guardian = app.sign_in(&guardian_of(&app, &first).await).await.unwrap();
    let other = taught.iter().find(|t| t.teacher != section.teacher);
    let mut outsiders = vec![guardian.clone(), app.sign_in("hieutruong").await.unwrap()];
    if let Some(other) = other {
        outsiders.push(app.sign_in(&other.teacher).await.unwrap());
    }
    for outsider in &outsiders {
        let body = app
            .graphql(
                Some(outsider),
                SUBJECT,
                json!({ "s": section.id, "c": "end_year", "e": [entry(&first, &section.code)] }),
            )
            .await
            .unwrap();
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    }
    let homeroom_name = homeroom_teacher_of(&app, class.id).await;
    let mut raters = vec![guardian.clone()];
    if let Some(other) = taught.iter().find(|t| t.teacher != homeroom_name) {
        raters.push(app.sign_in(&other.teacher).await.unwrap());
    }
    for rater in &raters {
        let vars = json!({ "k": class_id, "c": "end_year", "e": ratings(&first, "tot") });
        let body = app.graphql(Some(rater), RATINGS, vars).await.unwrap();
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "only the homeroom teacher rates qualities: {body}");
    }

    // The teachers rate: every subject T with full marks; the first student Tốt everywhere,
    // the second Đạt in one competency.
    rate_year(&app, &primary, &[(&first, 10, "tot"), (&second, 10, "dat")]).await;
    let stale = app
        .graphql(Some(&homeroom), RATINGS, json!({ "k": class_id, "c": "end_year", "e": ratings(&first, "dat") }))
        .await
        .unwrap();
    assert_eq!(error_code(&stale), Some("CONFLICT"), "written at version 1, asked at none: {stale}");

    let book = app.data(Some(&homeroom), BOOK, json!({ "id": class_id })).await.unwrap();
    let lines = book["class"]["primaryBook"]["lines"].as_array().unwrap().clone();
    let line = |student: &str| lines.iter().find(|l| l["studentId"] == student).unwrap().clone();
    assert_eq!(line(&first)["yearResult"], "Hoàn thành xuất sắc");
    assert_eq!(line(&first)["award"], "Học sinh Xuất sắc");
    assert_eq!(line(&first)["completesGrade"], true);
    assert_eq!(line(&first)["completesPrimary"], false, "grade 1 does not finish primary school");
    assert_eq!(line(&second)["yearResult"], "Hoàn thành", "one competency Đạt");
    assert!(line(&second)["award"].is_null());
    let unrated = lines.iter().find(|l| l["studentId"] != first && l["studentId"] != second).unwrap();
    assert!(unrated["yearResult"].is_null(), "nothing is decided before everything is rated");
    assert_eq!(line(&first)["ratings"][14]["name"], "Thể chất");

    // A guardian reads their own child's line only; a subject teacher only their subject.
    let own = app.data(Some(&guardian), BOOK, json!({ "id": class_id })).await.unwrap();
    let own_lines = own["class"]["primaryBook"]["lines"].as_array().unwrap();
    assert!(own_lines.iter().all(|l| l["studentId"] == first), "{own}");
    let through_child = app
        .data(
            Some(&guardian),
            "query($id: ID!) { student(id: $id) { primaryBook(checkpoint: \"end_year\") { lines { yearResult } } } }",
            json!({ "id": first }),
        )
        .await
        .unwrap();
    assert_eq!(through_child["student"]["primaryBook"]["lines"][0]["yearResult"], "Hoàn thành xuất sắc");
    let teacher_view = app.data(Some(&untested_token), BOOK, json!({ "id": class_id })).await.unwrap();
    let teacher_line = teacher_view["class"]["primaryBook"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["studentId"] == first)
        .unwrap()
        .clone();
    let seen: Vec<&Value> = teacher_line["subjects"].as_array().unwrap().iter().filter(|s| !s.is_null()).collect();
    if untested.teacher != homeroom_teacher_of(&app, class.id).await {
        assert!(teacher_line["ratings"].as_array().unwrap().iter().all(Value::is_null), "{teacher_line}");
        assert!(
            seen.iter().all(|s| taught.iter().any(|t| t.teacher == untested.teacher && t.code == s["item"])),
            "{teacher_line}"
        );
    }
    let secondary =
        homeroom_class::Entity::find().filter(homeroom_class::Column::GradeLevel.eq(6)).one(db).await.unwrap().unwrap();
    let body = app
        .graphql(Some(&app.sign_in("gvcn").await.unwrap()), BOOK, json!({ "id": encode("Class", secondary.id) }))
        .await
        .unwrap();
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "secondary classes keep the Circular 22 book: {body}");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subject_coded_as_a_package_spells_it_keeps_its_periodic_test() {
    let app = TestApp::spawn().await.unwrap();
    let db = &app.state.db;
    // Subjects as a school's package names them, instead of EMIS's codes.
    for (code, spelled) in [("toan", "TOAN"), ("tieng_viet", "Tiếng Việt")] {
        let row = subject::Entity::find().filter(subject::Column::Code.eq(code)).one(db).await.unwrap().unwrap();
        let mut row = row.into_active_model();
        row.code = Set(spelled.to_owned());
        row.update(db).await.unwrap();
    }
    let primary = primary_class(&app).await;
    assert!(primary.taught.iter().any(|t| t.code == "TOAN"), "the class is taught Toán");
    let (first, second) = (primary.students[0].clone(), primary.students[1].clone());
    // The tests are taken, not refused; a test of 4 keeps the second student from completing.
    rate_year(&app, &primary, &[(&first, 10, "tot"), (&second, 4, "tot")]).await;
    let homeroom = app.sign_in(&homeroom_teacher_of(&app, primary.row.id).await).await.unwrap();
    let book = app.data(Some(&homeroom), BOOK, json!({ "id": primary.id })).await.unwrap();
    let lines = book["class"]["primaryBook"]["lines"].as_array().unwrap().clone();
    let line = |student: &str| lines.iter().find(|l| l["studentId"] == student).unwrap().clone();
    assert_eq!(line(&first)["yearResult"], "Hoàn thành xuất sắc");
    assert_eq!(line(&second)["yearResult"], "Chưa hoàn thành", "{}", line(&second));
    let toan = line(&second)["subjects"].as_array().unwrap().iter().find(|s| s["item"] == "TOAN").cloned();
    assert_eq!(toan.unwrap()["testScore"], 4);
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moved_students_line_is_read_in_their_new_class_and_hidden_from_the_class_they_left() {
    use super::movements::{MOVE, other_class, spawn, stop_teaching};
    let app = spawn().await;
    let class = primary_class(&app).await;
    let moved = class.students[0].clone();
    let new = other_class(&app, class.row.id, true).await;
    let old_homeroom = homeroom_teacher_of(&app, class.row.id).await;
    stop_teaching(&app, &old_homeroom, new.id).await;
    let role = entity::staff_role::Entity::find()
        .filter(entity::staff_role::Column::Role.eq("principal"))
        .filter(entity::staff_role::Column::OrgId.eq(class.row.school_id))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let principal = staff::Entity::find_by_id(role.staff_id).one(&app.state.db).await.unwrap().unwrap();
    let principal = app.sign_in(&principal.username.unwrap()).await.unwrap();
    let vars = json!({ "s": moved, "c": encode("Class", new.id), "on": super::roll_call::today() });
    app.data(Some(&principal), MOVE, vars).await.unwrap();

    let line =
        "query($id: ID!) { student(id: $id) { id primaryBook(checkpoint: \"end_year\") { lines { studentId } } } }";
    let theirs = app.data(Some(&principal), line, json!({ "id": moved })).await.unwrap();
    assert_eq!(theirs["student"]["primaryBook"]["lines"], json!([{ "studentId": moved }]), "{theirs}");
    // The class left keeps the student's name, and learns nothing of the class they went to.
    let token = app.sign_in(&old_homeroom).await.unwrap();
    let left = app.data(Some(&token), line, json!({ "id": moved })).await.unwrap();
    assert_eq!(left["student"]["id"], moved.as_str(), "{left}");
    assert!(left["student"]["primaryBook"].is_null(), "{left}");
    app.stop().await.unwrap();
}
