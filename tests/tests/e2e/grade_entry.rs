//! Recording scores (`recordScores`): the assigned teacher writes a whole column and reads it
//! back; a stale version or a wrong entry refuses the whole call and writes nothing; every
//! change is kept in the history; no one else — homeroom teacher, principal, guardian, a
//! teacher whose assignment ended — may write, and students outside the class are refused.

use emis_tests::{TestApp, error_code};
use entity::{record_change, result, teaching_assignment};
use sea_orm::{ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _};
use serde_json::{Value, json};

pub const RECORD: &str = "mutation($column: ID!, $entries: [ScoreInput!]!) {
    recordScores(assessmentId: $column, entries: $entries) { changed results { score version assessmentId } }
}";

/// A scored section of the subject teacher, its first regular column, and each student's
/// (id, version of their result in that column, if any).
pub struct Column {
    pub section: String,
    pub id: String,
    pub semester: String,
    pub students: Vec<(String, Option<i64>)>,
}

pub async fn scored_column(app: &TestApp, token: &str) -> Column {
    let data = app
        .data(
            Some(token),
            "{ me { sections { id subject { assessment } assessments { id kind sequence semesterId }
                students { id results { assessmentId version } } } } }",
            json!({}),
        )
        .await
        .unwrap();
    let section = data["me"]["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|section| {
            section["subject"]["assessment"] == "scored" && !section["students"].as_array().unwrap().is_empty()
        })
        .expect("the subject teacher teaches a scored section with students")
        .clone();
    let column = section["assessments"].as_array().unwrap().iter().find(|column| column["kind"] == "regular").unwrap();
    let id = column["id"].as_str().unwrap().to_owned();
    let students = section["students"]
        .as_array()
        .unwrap()
        .iter()
        .map(|student| {
            let version = student["results"]
                .as_array()
                .unwrap()
                .iter()
                .find(|result| result["assessmentId"] == id.as_str())
                .and_then(|result| result["version"].as_i64());
            (student["id"].as_str().unwrap().to_owned(), version)
        })
        .collect();
    let semester = column["semesterId"].as_str().unwrap().to_owned();
    Column { section: section["id"].as_str().unwrap().to_owned(), id, semester, students }
}

fn entries(column: &Column, score: impl Fn(usize) -> Value) -> Value {
    column
        .students
        .iter()
        .enumerate()
        .map(|(index, (student, version))| json!({ "studentId": student, "score": score(index), "version": version }))
        .collect()
}

/// (student id, score in tenths, version) of every result of the column, from the database.
pub async fn stored(app: &TestApp, column: &Column) -> Vec<(i64, Option<i16>, i32)> {
    let id = decode("Assessment", &column.id);
    let mut rows: Vec<_> = result::Entity::find()
        .filter(result::Column::AssessmentId.eq(id))
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| (row.student_id, row.score_tenths, row.version))
        .collect();
    rows.sort_unstable();
    rows
}

pub fn decode(kind: &str, id: &str) -> i64 {
    emis::graphql::ids::decode_as(kind, id).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_assigned_teacher_records_a_column_and_a_stale_or_wrong_call_writes_nothing() {
    let app = TestApp::spawn().await.unwrap();
    let token = app.sign_in("gvbm").await.unwrap();
    let column = scored_column(&app, &token).await;
    let count = column.students.len();

    // 0.1: a score the seeded column holds for no one, so every entry is a change.
    let written = app
        .data(Some(&token), RECORD, json!({ "column": column.id, "entries": entries(&column, |_| json!(0.1)) }))
        .await
        .unwrap();
    let payload = &written["recordScores"];
    assert_eq!(payload["changed"].as_u64(), Some(count as u64));
    let results = payload["results"].as_array().unwrap();
    assert_eq!(results.len(), count, "every result is read back");
    assert!(results.iter().all(|result| result["score"] == 0.1 && result["assessmentId"] == column.id.as_str()));
    let after = stored(&app, &column).await;
    assert!(after.iter().all(|(_, score, _)| *score == Some(1)));
    for ((_, old_version), (_, _, version)) in column.students.iter().zip(&after) {
        assert_eq!(i64::from(*version), old_version.map_or(1, |old| old + 1), "each change raises the version");
    }
    let history = record_change::Entity::find()
        .filter(record_change::Column::Kind.eq("result"))
        .filter(record_change::Column::SectionId.eq(decode("Section", &column.section)))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(history.len(), count, "every change is kept");
    assert!(
        history.iter().all(|change| change.new_value.as_deref() == Some("0.1") && change.changed_by_kind == "staff")
    );

    // The same call again carries the versions read before the change: another device's
    // change must not be overwritten, so the whole call is refused.
    let stale = app
        .graphql(Some(&token), RECORD, json!({ "column": column.id, "entries": entries(&column, |_| json!(9.0)) }))
        .await
        .unwrap();
    assert_eq!(error_code(&stale), Some("CONFLICT"), "{stale}");
    assert_eq!(stale["errors"][0]["extensions"]["records"].as_array().unwrap().len(), count);
    assert_eq!(stored(&app, &column).await, after, "nothing of a refused call is written");

    // Fresh versions, two wrong scores: both named, with their fields; nothing written.
    let fresh = scored_column(&app, &token).await;
    let wrong = entries(&fresh, |index| match index {
        0 => json!(10.5),
        1 => json!(7.25),
        _ => json!(6.0),
    });
    let refused = app.graphql(Some(&token), RECORD, json!({ "column": fresh.id, "entries": wrong })).await.unwrap();
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    let problems = refused["errors"][0]["extensions"]["problems"].as_array().unwrap();
    let named: Vec<(&str, &str)> =
        problems.iter().map(|p| (p["record"].as_str().unwrap(), p["field"].as_str().unwrap())).collect();
    assert_eq!(named, [(fresh.students[0].0.as_str(), "score"), (fresh.students[1].0.as_str(), "score")]);
    assert!(refused["errors"][0]["message"].as_str().unwrap().contains("không có gì được lưu"));
    assert_eq!(stored(&app, &column).await, after);

    // Entries equal to what is stored change nothing; the one that differs is written.
    let same = entries(&fresh, |index| if index == 0 { json!(6.0) } else { json!(0.1) });
    let written = app.data(Some(&token), RECORD, json!({ "column": fresh.id, "entries": same })).await.unwrap();
    assert_eq!(written["recordScores"]["changed"], 1);
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_one_but_the_sections_current_teacher_may_record_its_scores() {
    let app = TestApp::spawn().await.unwrap();
    let teacher = app.sign_in("gvbm").await.unwrap();
    let column = scored_column(&app, &teacher).await;
    let one = |student: &str| json!([{ "studentId": student, "score": 5.0, "version": null }]);
    let first = column.students[0].0.clone();
    let before = stored(&app, &column).await;

    for username in ["gvcn", "hieutruong", "phuhuynh"] {
        let token = app.sign_in(username).await.unwrap();
        let sections = app.data(Some(&token), "{ me { sections { id } } }", json!({})).await.unwrap();
        let teaches = sections["me"]["sections"]
            .as_array()
            .is_some_and(|all| all.iter().any(|s| s["id"] == column.section.as_str()));
        assert!(!teaches, "{username} does not teach the section");
        let body =
            app.graphql(Some(&token), RECORD, json!({ "column": column.id, "entries": one(&first) })).await.unwrap();
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "{username}: {body}");
    }
    let anonymous = app.graphql(None, RECORD, json!({ "column": column.id, "entries": one(&first) })).await.unwrap();
    assert_eq!(error_code(&anonymous), Some("UNAUTHENTICATED"));
    let unknown = emis::graphql::ids::encode("Assessment", 999_999);
    let body = app.graphql(Some(&teacher), RECORD, json!({ "column": unknown, "entries": one(&first) })).await.unwrap();
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "an unknown column reads like a forbidden one");

    // A student of another class cannot be written into this section.
    let outsider = student_outside(&app, decode("Section", &column.section)).await;
    let body =
        app.graphql(Some(&teacher), RECORD, json!({ "column": column.id, "entries": one(&outsider) })).await.unwrap();
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert_eq!(body["errors"][0]["extensions"]["problems"][0]["field"], "studentId");

    // The assignment ends: the teacher's next request may not write, with the same token.
    teaching_assignment::Entity::update_many()
        .col_expr(
            teaching_assignment::Column::EndsOn,
            sea_orm::sea_query::Expr::value(emis::clock::today().pred_opt().unwrap()),
        )
        .filter(teaching_assignment::Column::SectionId.eq(decode("Section", &column.section)))
        .exec(&app.state.db)
        .await
        .unwrap();
    let body =
        app.graphql(Some(&teacher), RECORD, json!({ "column": column.id, "entries": one(&first) })).await.unwrap();
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    assert_eq!(stored(&app, &column).await, before, "no refused call wrote anything");
    assert_eq!(record_change::Entity::find().count(&app.state.db).await.unwrap(), 0);
    app.stop().await.unwrap();
}

/// The global id of a student not enrolled in the class of `section`.
async fn student_outside(app: &TestApp, section: i64) -> String {
    let section = entity::section::Entity::find_by_id(section).one(&app.state.db).await.unwrap().unwrap();
    let enrollment = entity::enrollment::Entity::find()
        .filter(entity::enrollment::Column::ClassId.ne(section.class_id))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    emis::graphql::ids::encode("Student", enrollment.student_id).0
}

/// Adds a change to `student`'s result in `section` to the history, as a teacher would.
async fn add_change(app: &TestApp, student: i64, section: i64) {
    use sea_orm::ActiveValue::Set;
    let row = entity::student::Entity::find_by_id(student).one(&app.state.db).await.unwrap().unwrap();
    let change = record_change::ActiveModel {
        school_id: Set(row.school_id),
        student_id: Set(student),
        kind: Set("result".to_owned()),
        record_id: Set(1),
        section_id: Set(Some(section)),
        class_id: Set(None),
        old_value: Set(Some("6.5".to_owned())),
        new_value: Set(Some("7.5".to_owned())),
        reason: Set(Some("chấm lại".to_owned())),
        changed_by_kind: Set("staff".to_owned()),
        changed_by_id: Set(1),
        changed_at: Set(sea_orm::prelude::ChronoUtc::now()),
        ..Default::default()
    };
    record_change::Entity::insert(change).exec(&app.state.db).await.unwrap();
}

/// The history of `student` as `token` reads it (`None`: the student is not visible).
async fn history(app: &TestApp, token: &str, student: &str) -> Option<Vec<Value>> {
    let query = "query($id: ID!) { student(id: $id) { history { kind oldValue newValue reason changedBy } } }";
    let data = app.data(Some(token), query, json!({ "id": student })).await.unwrap();
    data["student"]["history"].as_array().cloned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_history_is_for_the_principal_and_the_homeroom_teacher_not_guardians_or_subject_teachers() {
    let app = TestApp::spawn().await.unwrap();
    let homeroom = app.sign_in("gvcn").await.unwrap();
    let class = app
        .data(Some(&homeroom), "{ me { homeroomClasses { sections { id } students { id } } } }", json!({}))
        .await
        .unwrap();
    let class = &class["me"]["homeroomClasses"][0];
    let pupil = class["students"][0]["id"].as_str().unwrap().to_owned();
    let section = class["sections"][0]["id"].as_str().unwrap().to_owned();
    add_change(&app, decode("Student", &pupil), decode("Section", &section)).await;

    let seen = history(&app, &homeroom, &pupil).await.expect("the homeroom teacher sees the student");
    assert_eq!(seen.len(), 1);
    assert_eq!((seen[0]["oldValue"].as_str(), seen[0]["newValue"].as_str()), (Some("6.5"), Some("7.5")));
    assert_eq!(seen[0]["reason"], "chấm lại");
    let principal = app.sign_in("hieutruong").await.unwrap();
    assert_eq!(history(&app, &principal, &pupil).await.map(|h| h.len()), Some(1), "the principal reads it");

    // The guardian sees their child's current results, never who changed them.
    let guardian = app.sign_in("phuhuynh").await.unwrap();
    let children = app.data(Some(&guardian), "{ me { children { id } } }", json!({})).await.unwrap();
    let child = children["me"]["children"][0]["id"].as_str().unwrap().to_owned();
    let enrollment = entity::enrollment::Entity::find()
        .filter(entity::enrollment::Column::StudentId.eq(decode("Student", &child)))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let child_section = entity::section::Entity::find()
        .filter(entity::section::Column::ClassId.eq(enrollment.class_id))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    add_change(&app, decode("Student", &child), child_section.id).await;
    assert_eq!(history(&app, &guardian, &child).await, Some(Vec::new()), "guardians see current values only");
    assert_eq!(history(&app, &principal, &child).await.map(|h| h.len()), Some(1));

    // A subject teacher sees the results of their sections, not their history.
    let teacher = app.sign_in("gvbm").await.unwrap();
    let taught = scored_column(&app, &teacher).await;
    let (student, _) = &taught.students[0];
    add_change(&app, decode("Student", student), decode("Section", &taught.section)).await;
    assert_eq!(history(&app, &teacher, student).await, Some(Vec::new()));
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_devices_creating_one_result_at_once_give_one_result_and_one_conflict() {
    let app = TestApp::spawn().await.unwrap();
    let token = app.sign_in("gvbm").await.unwrap();
    let column = scored_column(&app, &token).await;
    let (student, _) = column.students[0].clone();
    result::Entity::delete_many()
        .filter(result::Column::AssessmentId.eq(decode("Assessment", &column.id)))
        .filter(result::Column::StudentId.eq(decode("Student", &student)))
        .exec(&app.state.db)
        .await
        .unwrap();
    let call = |score: f64| {
        let entries = json!([{ "studentId": student, "score": score, "version": null }]);
        app.graphql(Some(&token), RECORD, json!({ "column": column.id, "entries": entries }))
    };
    let (first, second) = tokio::join!(call(3.0), call(4.0));
    let (first, second) = (first.unwrap(), second.unwrap());
    let codes = [error_code(&first), error_code(&second)];
    assert!(codes.contains(&None) && codes.contains(&Some("CONFLICT")), "{first} {second}");
    let winner = if codes[0].is_none() { 30 } else { 40 };
    let row = stored(&app, &column).await.into_iter().find(|row| row.0 == decode("Student", &student)).unwrap();
    assert_eq!((row.1, row.2), (Some(winner), 1), "the winner's score is kept, once");
    app.stop().await.unwrap();
}

/// The SQL statements one `recordScores` call costs, with the disclosure log written.
async fn statements_of(app: &TestApp, token: &str, column: &Column, score: impl Fn(usize) -> Value) -> u64 {
    app.state.disclosures.flush().await;
    let before = app.sql_statements().await.unwrap();
    let body = json!({ "column": column.id, "entries": entries(column, score) });
    app.data(Some(token), RECORD, body).await.unwrap();
    app.state.disclosures.flush().await;
    app.sql_statements().await.unwrap() - before
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_column_costs_the_same_fixed_number_of_statements_however_many_entries_change() {
    let app = TestApp::spawn().await.unwrap();
    let token = app.sign_in("gvbm").await.unwrap();
    let column = scored_column(&app, &token).await;
    let count = column.students.len() as u64;
    let all = statements_of(&app, &token, &column, |_| json!(0.2)).await;
    let fresh = scored_column(&app, &token).await;
    let one = statements_of(&app, &token, &fresh, |index| if index == 0 { json!(0.3) } else { json!(0.2) }).await;
    assert!(count > 1);
    assert_eq!(all, one, "the column's changes are one update and one history insert, however many");
    // Checks, the transaction (with the book's lock checked again inside it), telling the
    // guardians (one read of who they are, one insert) and the read-back of every student's
    // result: no statement per entry (this data set's sections have 8 students).
    assert!(one <= 17, "{one} statements for a column with one change");
    app.stop().await.unwrap();
}
