//! Missing assessments (Circular 22 art. 6–7): a column nobody has taken counts for no one;
//! once its teacher marks it held, a student without a result owes a make-up — listed on the
//! column and pending on the class summary and its download — until the teacher records no
//! make-up or the book is locked, when the missed assessment counts 0 over every column of
//! the section. Only the section's teacher marks a column held; anyone else gets the answer
//! of a column that does not exist, and nothing is written.

use super::grade_entry::{Column, RECORD, decode, scored_column};
use super::summary::{download, line, semester_average_from_the_book, summary};
use emis_tests::{TestApp, error_code};
use entity::assessment;
use sea_orm::EntityTrait as _;
use serde_json::{Value, json};

const MARK: &str = "mutation($id: ID!, $held: Boolean! = true) {
    markAssessmentHeld(assessmentId: $id, held: $held) { id held makeUpsOwed } }";
const COLUMNS: &str = "query($id: ID!, $semester: ID) {
    section(id: $id) { assessments(semesterId: $semester) { id kind held makeUpsOwed } } }";
const LOCK: &str =
    "mutation($semester: ID!, $section: ID) { lockBook(semesterId: $semester, sectionId: $section) { id } }";

/// The section's end-of-term column as `token` reads it.
async fn end_of_term(app: &TestApp, token: &str, column: &Column) -> Value {
    let vars = json!({ "id": column.section, "semester": column.semester });
    let data = app.data(Some(token), COLUMNS, vars).await.unwrap();
    data["section"]["assessments"].as_array().unwrap().iter().find(|c| c["kind"] == "final").unwrap().clone()
}

/// The class and subject of the column's section, as global ids.
async fn class_and_subject(app: &TestApp, column: &Column) -> (String, String) {
    let section = entity::section::Entity::find_by_id(decode("Section", &column.section))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let class = emis::graphql::ids::encode("Class", section.class_id).0;
    (class, emis::graphql::ids::encode("Subject", section.subject_id).0)
}

/// The subject's cell on `student`'s line of the summary.
fn cell(sheet: &Value, student: &str, subject: &str) -> Value {
    line(sheet, student)["subjects"].as_array().unwrap().iter().find(|s| s["subjectId"] == subject).unwrap().clone()
}

/// The teacher marks the section's end-of-term held and the principal locks the section's
/// semester: every missing assessment then counts 0.
pub async fn hold_end_of_term_and_lock(app: &TestApp, teacher: &str, principal: &str, column: &Column) {
    let final_exam = end_of_term(app, teacher, column).await;
    app.data(Some(teacher), MARK, json!({ "id": final_exam["id"] })).await.unwrap();
    app.data(Some(principal), LOCK, json!({ "semester": column.semester, "section": column.section })).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missed_assessment_is_a_make_up_owed_until_forgone_or_locked_then_counts_zero() {
    let app = TestApp::spawn().await.unwrap();
    let teacher = app.sign_in("gvbm").await.unwrap();
    let principal = app.sign_in("hieutruong").await.unwrap();
    let column = scored_column(&app, &teacher).await;
    let (class, subject) = class_and_subject(&app, &column).await;
    let students: Vec<String> = column.students.iter().map(|(id, _)| id.clone()).collect();
    assert!(students.len() >= 3, "the section has students to miss assessments");

    // Nobody has taken the end-of-term: it counts for no one and nobody owes it.
    let final_exam = end_of_term(&app, &teacher, &column).await;
    assert_eq!(
        (final_exam["held"].as_bool(), final_exam["makeUpsOwed"].as_array().map(Vec::len)),
        (Some(false), Some(0))
    );
    let before = summary(&app, &principal, &class).await;
    let untaken = cell(&before, &students[0], &subject);
    assert_eq!((untaken["average"].as_f64(), untaken["pending"].as_bool()), (None, Some(false)), "{untaken}");

    // The teacher marks it held: every student owes it, the subject is pending.
    let held = app.data(Some(&teacher), MARK, json!({ "id": final_exam["id"] })).await.unwrap();
    assert_eq!(held["markAssessmentHeld"]["held"], true);
    let owed: Vec<&str> =
        held["markAssessmentHeld"]["makeUpsOwed"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
    assert_eq!(owed, students.iter().map(String::as_str).collect::<Vec<_>>());
    let pending = summary(&app, &principal, &class).await;
    assert_eq!(cell(&pending, &students[0], &subject)["pending"], true);
    assert!(line(&pending, &students[0])["learning"].is_null());

    // Results for all but two; one of those two will not make it up.
    let entries: Vec<Value> =
        students[2..].iter().map(|student| json!({ "studentId": student, "score": 7.0, "version": null })).collect();
    let written =
        app.graphql(Some(&teacher), RECORD, json!({ "column": final_exam["id"], "entries": entries })).await.unwrap();
    assert!(written.get("errors").is_none(), "{written}");
    let forgone = json!([{ "studentId": students[0], "noMakeUp": true, "version": null }]);
    let noted =
        app.graphql(Some(&teacher), RECORD, json!({ "column": final_exam["id"], "entries": forgone })).await.unwrap();
    assert!(noted.get("errors").is_none(), "{noted}");
    let with_value = json!([{ "studentId": students[1], "noMakeUp": true, "score": 5.0, "version": null }]);
    let refused = app
        .graphql(Some(&teacher), RECORD, json!({ "column": final_exam["id"], "entries": with_value }))
        .await
        .unwrap();
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");

    let now = end_of_term(&app, &teacher, &column).await;
    assert_eq!(now["makeUpsOwed"], json!([students[1]]), "only the student still to make it up");
    let sheet = summary(&app, &principal, &class).await;
    let taken = cell(&sheet, &students[2], &subject);
    let expected = semester_average_from_the_book(&app, &students[2], &subject).await;
    assert_eq!((taken["average"].as_f64(), taken["pending"].as_bool()), (Some(expected), Some(false)));
    // No make-up: counts 0, divided by every column of the section.
    let zero = cell(&sheet, &students[0], &subject);
    let expected = semester_average_from_the_book(&app, &students[0], &subject).await;
    assert_eq!((zero["average"].as_f64(), zero["pending"].as_bool()), (Some(expected), Some(false)), "{zero}");
    let waiting = cell(&sheet, &students[1], &subject);
    assert_eq!((waiting["average"].as_f64(), waiting["pending"].as_bool()), (None, Some(true)), "{waiting}");
    let csv = download(&app, Some(&principal), &class, "csv").await.text().await.unwrap();
    assert!(csv.contains("Chờ kiểm tra bù"), "the download shows the make-up pending");

    // Locked: the make-up still owed counts 0; nothing more is marked or forgone.
    app.data(Some(&principal), LOCK, json!({ "semester": column.semester, "section": column.section })).await.unwrap();
    let locked = summary(&app, &principal, &class).await;
    let counted = cell(&locked, &students[1], &subject);
    let expected = semester_average_from_the_book(&app, &students[1], &subject).await;
    assert_eq!((counted["average"].as_f64(), counted["pending"].as_bool()), (Some(expected), Some(false)));
    assert_eq!(end_of_term(&app, &teacher, &column).await["makeUpsOwed"], json!([]));
    let late = json!([{ "studentId": students[1], "noMakeUp": true, "version": null }]);
    let refused =
        app.graphql(Some(&teacher), RECORD, json!({ "column": final_exam["id"], "entries": late })).await.unwrap();
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    let unmark = app.graphql(Some(&teacher), MARK, json!({ "id": final_exam["id"], "held": false })).await.unwrap();
    assert_eq!(error_code(&unmark), Some("LOCKED"), "{unmark}");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_sections_teacher_marks_a_column_held_and_others_learn_nothing() {
    let app = TestApp::spawn().await.unwrap();
    let teacher = app.sign_in("gvbm").await.unwrap();
    let column = scored_column(&app, &teacher).await;
    let final_exam = end_of_term(&app, &teacher, &column).await;
    let id = decode("Assessment", final_exam["id"].as_str().unwrap());
    let missing = emis::graphql::ids::encode("Assessment", 9_999_999).0;
    for username in ["gvcn", "hieutruong", "phuhuynh", "vanthu"] {
        let token = app.sign_in(username).await.unwrap();
        let existing = app.graphql(Some(&token), MARK, json!({ "id": final_exam["id"] })).await.unwrap();
        let absent = app.graphql(Some(&token), MARK, json!({ "id": missing })).await.unwrap();
        assert_eq!(error_code(&existing), Some("FORBIDDEN"), "{username}: {existing}");
        assert_eq!(existing["errors"][0]["message"], absent["errors"][0]["message"], "{username}");
        assert_eq!(error_code(&absent), error_code(&existing), "{username}");
    }
    let row = assessment::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap();
    assert!(!row.held, "nothing written on refusal");
    // The teacher's mark is written, and can be taken back.
    app.data(Some(&teacher), MARK, json!({ "id": final_exam["id"] })).await.unwrap();
    assert!(assessment::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap().held);
    app.data(Some(&teacher), MARK, json!({ "id": final_exam["id"], "held": false })).await.unwrap();
    assert!(!assessment::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap().held);
    app.stop().await.unwrap();
}
