//! A primary school's rollover (Circular 27): the year result of the primary book decides —
//! a grade completed is promoted (grade 5 completes primary and graduates), Chưa hoàn thành
//! waits for the re-assessment unless the principal decides to keep the student back, an
//! incomplete book is pending. The rollover does what its preview said; a mark changed after
//! the preview that changes a decision refuses it; a student left out is rolled over by a
//! second run once their result is recorded, and the second run touches no one else.
//! Another school's principal is answered exactly as for a missing school.

use super::super::book_locks::{behind, principal_elsewhere};
use super::super::primary_book::{PrimaryClass, SUBJECT, primary_class_of, rate_year, tested};
use super::{CREATE, OPEN, PREVIEW, ROLL, line, open_in, snapshot, spawn, terms};
use emis::graphql::ids::encode;
use emis_tests::{TestApp, error_code};
use entity::{book_lock, enrollment, org, primary_evaluation, school_year, semester, staff, staff_role, student};
use sea_orm::{
    ColumnTrait as _, ConnectionTrait as _, DbBackend, EntityTrait as _, QueryFilter as _, TransactionTrait as _,
};
use serde_json::{Value, json};
use std::collections::BTreeMap;

const UNLOCK: &str = "mutation($id: ID!) { unlockBook(lockId: $id) { id unlockedAt } }";

/// The primary school and the username of its principal.
async fn primary_school(app: &TestApp) -> (org::Model, String) {
    let db = &app.state.db;
    let school = org::Entity::find().filter(org::Column::SchoolLevel.eq("TH")).one(db).await.unwrap().unwrap();
    let role = staff_role::Entity::find()
        .filter(staff_role::Column::Role.eq("principal"))
        .filter(staff_role::Column::OrgId.eq(school.id))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let person = staff::Entity::find_by_id(role.staff_id).one(db).await.unwrap().unwrap();
    (school, person.username.unwrap())
}

/// The body of an answer without where in the document it arose: what tells two answers
/// apart for a caller.
fn answer(mut body: Value) -> Value {
    for error in body["errors"].as_array_mut().into_iter().flatten() {
        if let Some(error) = error.as_object_mut() {
            error.remove("locations");
        }
    }
    body
}

/// Re-rates `student`'s end-of-year test in `class`'s first tested subject at `score`, over
/// the entry's `version`, as its teacher.
async fn retest(app: &TestApp, class: &PrimaryClass, student: &str, score: i64, version: i64) {
    let section = class.taught.iter().find(|section| tested(&section.code)).expect("a tested subject");
    let token = app.sign_in(&section.teacher).await.unwrap();
    let entry = json!([{ "studentId": student, "level": "T", "testScore": score, "version": version }]);
    let vars = json!({ "s": section.id, "c": "end_year", "e": entry });
    assert_eq!(app.data(Some(&token), SUBJECT, vars).await.unwrap()["recordPrimarySubject"], 1);
}

/// On PostgreSQL: a writer already past its lock check holds `book_lock` and changes
/// `student`'s end-of-year test to 3; the rollover started meanwhile waits for it, then sees
/// the change and is refused. The writer's mark is then put back.
async fn refused_behind_a_writer(app: &TestApp, principal: &str, roll: &Value, student: i64) {
    let db = &app.state.db;
    let mark = primary_evaluation::Entity::find()
        .filter(primary_evaluation::Column::StudentId.eq(student))
        .filter(primary_evaluation::Column::Checkpoint.eq("end_year"))
        .filter(primary_evaluation::Column::TestScore.is_not_null())
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let writer = db.begin().await.unwrap();
    writer.execute_unprepared("LOCK TABLE book_lock IN ROW EXCLUSIVE MODE").await.unwrap();
    let change = format!("UPDATE primary_evaluation SET test_score = 3 WHERE id = {}", mark.id);
    writer.execute_unprepared(&change).await.unwrap();
    let asking = async { app.graphql(Some(principal), ROLL, roll.clone()).await.unwrap() };
    let refused = behind(app, writer, "book_lock", asking).await;
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    assert!(refused["errors"][0]["message"].as_str().unwrap().contains("changed since the preview"), "{refused}");
    let back =
        format!("UPDATE primary_evaluation SET test_score = {} WHERE id = {}", mark.test_score.unwrap(), mark.id);
    db.execute_unprepared(&back).await.unwrap();
}

/// The decision and new class of every line of a plan, by student.
fn decisions(plan: &Value) -> BTreeMap<String, (Value, Value)> {
    let lines = plan["students"].as_array().unwrap();
    let pairs = lines.iter().map(|line| (line["decision"].clone(), line["toClassId"].clone()));
    lines.iter().map(|line| line["studentId"].as_str().unwrap().to_owned()).zip(pairs).collect()
}

#[tokio::test]
async fn a_primary_school_rolls_over_by_the_year_result_and_again_for_the_students_left_out() {
    let app = spawn().await;
    let db = &app.state.db;
    let (school, username) = primary_school(&app).await;
    let principal = app.sign_in(&username).await.unwrap();
    let elsewhere = app.sign_in(&principal_elsewhere(&app, school.id).await).await.unwrap();
    let operator = app.sign_in("vanhanh").await.unwrap();
    let old =
        school_year::Entity::find().filter(school_year::Column::Name.eq("2026-2027")).one(db).await.unwrap().unwrap();
    let next = json!({ "name": "2027-2028", "from": "2027-09-05", "to": "2028-05-31", "terms": terms() });
    let new_year =
        app.data(Some(&operator), OPEN, next).await.unwrap()["openSchoolYear"]["id"].as_str().unwrap().to_owned();

    // The new year has a class of each name of the old year: 1A1 for those kept back, 2A1
    // to 5A1 for those promoted.
    let classes: Vec<PrimaryClass> =
        futures::future::join_all((1..=5).map(|grade| primary_class_of(&app, grade))).await;
    let wanted: Vec<Value> =
        classes.iter().map(|class| json!({ "name": class.row.name, "gradeLevel": class.row.grade_level })).collect();
    let vars = json!({ "school": encode("School", school.id).0, "year": new_year, "classes": wanted });
    let created = app.data(Some(&principal), CREATE, vars).await.unwrap()["createClasses"].clone();
    let new_class: BTreeMap<i64, String> = created
        .as_array()
        .unwrap()
        .iter()
        .map(|class| (class["gradeLevel"].as_i64().unwrap(), class["id"].as_str().unwrap().to_owned()))
        .collect();

    // The year's books: everyone completes the grade, but in grade 1 one student scores 3 in
    // the tests (Chưa hoàn thành) and one is not rated at all.
    let first = &classes[0];
    let (promoted, unfinished, left_out) =
        (first.students[0].clone(), first.students[1].clone(), first.students[2].clone());
    for class in &classes {
        let rated: Vec<(&str, i64, &str)> = class
            .students
            .iter()
            .filter(|student| **student != left_out)
            .map(|student| (student.as_str(), if *student == unfinished { 3 } else { 9 }, "tot"))
            .collect();
        rate_year(&app, class, &rated).await;
    }
    let graduate = classes[4].students[0].clone();
    let in_grade_two = classes[1].students[0].clone();

    let old_year = encode("SchoolYear", old.id).0;
    let vars = json!({ "school": encode("School", school.id).0, "from": old_year, "to": new_year });
    let plan = app.data(Some(&principal), PREVIEW, vars.clone()).await.unwrap()["previewRollover"].clone();
    let at = |plan: &Value, student: &str| line(plan, decode(student)).clone();
    assert_eq!(at(&plan, &promoted)["decision"], "PROMOTE", "{plan}");
    assert_eq!(at(&plan, &promoted)["toClassId"], new_class[&2]);
    assert_eq!(at(&plan, &in_grade_two)["toClassId"], new_class[&3]);
    assert_eq!(at(&plan, &graduate)["decision"], "GRADUATE", "grade 5 completes primary");
    assert_eq!(at(&plan, &unfinished)["decision"], "PENDING", "Chưa hoàn thành waits for the re-assessment");
    assert!(at(&plan, &unfinished)["reason"].as_str().unwrap().contains("re-assessment"), "{plan}");
    assert_eq!(at(&plan, &left_out)["decision"], "PENDING");
    assert!(at(&plan, &left_out)["reason"].as_str().unwrap().contains("not complete"), "{plan}");
    let total: usize = classes.iter().map(|class| class.students.len()).sum();
    assert_eq!(plan["students"].as_array().unwrap().len(), total);
    assert_eq!(
        (plan["graduated"].as_u64(), plan["pending"].as_u64()),
        (Some(classes[4].students.len() as u64), Some(2))
    );

    // The principal decides to keep back the student who has not completed grade 1; only
    // such a student can be kept back by decision.
    let mut decided = vars.clone();
    decided["keepBack"] = json!([unfinished]);
    let plan = app.data(Some(&principal), PREVIEW, decided.clone()).await.unwrap()["previewRollover"].clone();
    assert_eq!(at(&plan, &unfinished)["decision"], "KEEP_BACK", "{plan}");
    assert_eq!(at(&plan, &unfinished)["toClassId"], new_class[&1]);
    assert_eq!((plan["keptBack"].as_u64(), plan["pending"].as_u64()), (Some(1), Some(1)));
    let mut wrong = vars.clone();
    wrong["keepBack"] = json!([promoted]);
    let refused = app.graphql(Some(&principal), PREVIEW, wrong).await.unwrap();
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");

    // Another school's principal is answered exactly as for a missing school, and nothing is
    // written.
    let before = snapshot(&app).await;
    let mut roll = decided.clone();
    roll["digest"] = plan["digest"].clone();
    roll["exclude"] = json!([left_out]);
    let mut missing_preview = decided.clone();
    missing_preview["school"] = json!(encode("School", 999_999).0);
    let mut missing_roll = roll.clone();
    missing_roll["school"] = missing_preview["school"].clone();
    for (query, vars, missing) in [(PREVIEW, &decided, &missing_preview), (ROLL, &roll, &missing_roll)] {
        let refused = answer(app.graphql(Some(&elsewhere), query, vars.clone()).await.unwrap());
        let nowhere = answer(app.graphql(Some(&elsewhere), query, missing.clone()).await.unwrap());
        assert_eq!(refused, nowhere, "another school's rollover answers like a missing school's");
        assert!(refused["data"].is_null() && error_code(&refused).is_some(), "{refused}");
    }
    assert!(snapshot(&app).await == before, "another school's principal wrote nothing");

    // A mark changed after the preview that changes a decision refuses the rollover, and
    // nothing is written.
    retest(&app, first, &promoted, 3, 1).await;
    let refused = app.graphql(Some(&principal), ROLL, roll.clone()).await.unwrap();
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    let message = refused["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("dữ liệu đã thay đổi") && message.contains("changed since the preview"), "{message}");
    assert!(snapshot(&app).await == before, "a refused rollover writes nothing");

    // Put back, the data gives the previewed plan again.
    retest(&app, first, &promoted, 9, 2).await;
    if db.get_database_backend() == DbBackend::Postgres {
        refused_behind_a_writer(&app, &principal, &roll, decode(&promoted)).await;
        assert!(snapshot(&app).await == before, "a rollover refused behind a writer writes nothing");
    }

    // The rollover does what the preview said.
    let done = app.data(Some(&principal), ROLL, roll).await.unwrap()["rollOver"].clone();
    let previewed = decisions(&plan);
    for (student, outcome) in decisions(&done) {
        assert_eq!(Some(&outcome), previewed.get(&student), "{student} as previewed");
    }
    assert_eq!(at(&done, &left_out)["excluded"], true);
    assert_eq!(open_in(&app, decode(&promoted)).await, vec![new_class[&2].clone()]);
    assert_eq!(open_in(&app, decode(&in_grade_two)).await, vec![new_class[&3].clone()]);
    assert_eq!(open_in(&app, decode(&unfinished)).await, vec![new_class[&1].clone()]);
    assert!(open_in(&app, decode(&graduate)).await.is_empty());
    let graduated = student::Entity::find_by_id(decode(&graduate)).one(db).await.unwrap().unwrap();
    assert_eq!(graduated.status, "graduated");
    assert_eq!(open_in(&app, decode(&left_out)).await, vec![first.id.clone()], "left where they are");
    let terms = semester::Entity::find().filter(semester::Column::SchoolYearId.eq(old.id)).all(db).await.unwrap();
    let second = terms.iter().find(|term| term.number == 2).unwrap().id;
    let lock = school_lock(&app, school.id, second).await.expect("the old year's books are locked");

    // The left-out student's result is recorded once the principal lifts the year-end lock;
    // the second run covers only them, moves them, locks the books again and touches no one
    // the first run moved.
    let moved: Vec<enrollment::Model> = others(&app, &left_out).await;
    let again = app.data(Some(&principal), PREVIEW, vars.clone()).await.unwrap()["previewRollover"].clone();
    assert_eq!(again["students"].as_array().unwrap().len(), 1, "only the student left out: {again}");
    assert_eq!(at(&again, &left_out)["decision"], "PENDING");
    let section = first.taught.iter().find(|section| tested(&section.code)).unwrap();
    let teacher = app.sign_in(&section.teacher).await.unwrap();
    let entry = json!([{ "studentId": left_out, "level": "T", "testScore": 8 }]);
    let locked = app.graphql(Some(&teacher), SUBJECT, json!({ "s": section.id, "c": "end_year", "e": entry })).await;
    assert_eq!(error_code(&locked.unwrap()), Some("LOCKED"), "the rollover locked the year's books");
    app.data(Some(&principal), UNLOCK, json!({ "id": encode("BookLock", lock).0 })).await.unwrap();
    rate_year(&app, first, &[(&left_out, 8, "tot")]).await;
    let again = app.data(Some(&principal), PREVIEW, vars.clone()).await.unwrap()["previewRollover"].clone();
    assert_eq!(at(&again, &left_out)["decision"], "PROMOTE", "{again}");
    let mut roll = vars.clone();
    roll["digest"] = again["digest"].clone();
    let done = app.data(Some(&principal), ROLL, roll).await.unwrap()["rollOver"].clone();
    assert_eq!((done["promoted"].as_u64(), done["students"].as_array().unwrap().len()), (Some(1), 1));
    assert_eq!(open_in(&app, decode(&left_out)).await, vec![new_class[&2].clone()]);
    assert!(others(&app, &left_out).await == moved, "the second run touched no one else");
    assert!(school_lock(&app, school.id, second).await.is_some(), "the books are locked again");
    let none = app.data(Some(&principal), PREVIEW, vars).await.unwrap()["previewRollover"].clone();
    assert_eq!(none["students"], json!([]), "everyone is rolled over");
    app.stop().await.unwrap();
}

/// The database id of the student with global id `student`.
fn decode(student: &str) -> i64 {
    super::super::grade_entry::decode("Student", student)
}

/// Every enrollment of everyone but `student`, by id.
async fn others(app: &TestApp, student: &str) -> Vec<enrollment::Model> {
    let mut rows = enrollment::Entity::find()
        .filter(enrollment::Column::StudentId.ne(decode(student)))
        .all(&app.state.db)
        .await
        .unwrap();
    rows.sort_by_key(|row| row.id);
    rows
}

/// The school-wide lock in force on `school` in `semester`, if any.
async fn school_lock(app: &TestApp, school: i64, semester: i64) -> Option<i64> {
    let lock = book_lock::Entity::find()
        .filter(book_lock::Column::SchoolId.eq(school))
        .filter(book_lock::Column::SemesterId.eq(semester))
        .filter(book_lock::Column::SectionId.is_null())
        .filter(book_lock::Column::UnlockedAt.is_null())
        .one(&app.state.db)
        .await
        .unwrap();
    lock.map(|row| row.id)
}
