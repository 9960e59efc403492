//! The school-year lifecycle: the operator opens the next year of the calendar, the
//! principal opens the school's classes, previews the rollover and applies it. The rollover
//! moves the promoted students up, keeps back the one absent too often, graduates grade 9,
//! waits for the one whose year is not decided, and is atomic: a refused or failing rollover
//! writes nothing. Afterwards the old year's books are locked and still read by a guardian.
//! Only the principal of the school may; another school's principal is answered as if the
//! school did not exist.

mod books;
mod primary;

use super::grade_entry::decode;
use super::roll_call::guardian_of;
use emis::graphql::ids::encode;
use emis::seed::SeedOptions;
use emis_tests::{TestApp, error_code};
use entity::{book_lock, enrollment, homeroom_class, org, school_year, semester, staff, staff_role, student};
use sea_orm::{ColumnTrait as _, ConnectionTrait as _, DbBackend, EntityTrait as _, QueryFilter as _};
use serde_json::{Value, json};
use std::collections::BTreeMap;

const OPEN: &str = "mutation($name: String!, $from: NaiveDate!, $to: NaiveDate!, $terms: [SemesterInput!]!) {
    openSchoolYear(name: $name, startsOn: $from, endsOn: $to, semesters: $terms) { id name semesters { id number } } }";
const CREATE: &str = "mutation($school: ID!, $year: ID!, $classes: [ClassInput!]!) {
    createClasses(schoolId: $school, schoolYearId: $year, classes: $classes) { id name gradeLevel sections { id } } }";
const PREVIEW: &str = "query($school: ID!, $from: ID!, $to: ID!, $keepBack: [ID!]) {
    previewRollover(schoolId: $school, fromYearId: $from, toYearId: $to, keepBack: $keepBack) {
        digest promoted keptBack graduated pending
        students { studentId fromClassName decision toClassId toClassName reason } } }";
const ROLL: &str = "mutation($school: ID!, $from: ID!, $to: ID!, $digest: String!, $exclude: [ID!], $keepBack: [ID!]) {
    rollOver(schoolId: $school, fromYearId: $from, toYearId: $to, expectedPreview: $digest, exclude: $exclude,
        keepBack: $keepBack) {
        promoted keptBack graduated pending students { studentId decision toClassId excluded } } }";
const RESULTS: &str = "query($id: ID!) { student(id: $id) { id results { sectionId score } } }";

/// The tiny data set with every grade of each school: grade 9 graduates.
async fn spawn() -> TestApp {
    let seed = SeedOptions { grades_per_school: None, students_per_class: 6, ..SeedOptions::tiny() };
    TestApp::spawn_seeded(seed).await.unwrap()
}

fn terms() -> Value {
    json!([{ "startsOn": "2027-09-05", "endsOn": "2028-01-15" }, { "startsOn": "2028-01-16", "endsOn": "2028-05-31" }])
}

/// The demo (lower secondary) school, and the username of another school's principal.
async fn schools(app: &TestApp) -> (org::Model, String) {
    let db = &app.state.db;
    let demo = org::Entity::find().filter(org::Column::SchoolLevel.eq("THCS")).one(db).await.unwrap().unwrap();
    let role = staff_role::Entity::find()
        .filter(staff_role::Column::Role.eq("principal"))
        .filter(staff_role::Column::OrgId.ne(demo.id))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let other = staff::Entity::find_by_id(role.staff_id).one(db).await.unwrap().unwrap();
    (demo, other.username.unwrap())
}

/// Everything a rollover writes, to compare before and after a refusal.
async fn snapshot(app: &TestApp) -> (Vec<enrollment::Model>, Vec<(i64, String)>, usize) {
    let db = &app.state.db;
    let mut enrollments = enrollment::Entity::find().all(db).await.unwrap();
    enrollments.sort_by_key(|row| row.id);
    let mut statuses: Vec<(i64, String)> =
        student::Entity::find().all(db).await.unwrap().into_iter().map(|row| (row.id, row.status)).collect();
    statuses.sort();
    let locks = book_lock::Entity::find().all(db).await.unwrap().len();
    (enrollments, statuses, locks)
}

/// The classes `student` is enrolled in with no end.
async fn open_in(app: &TestApp, student: i64) -> Vec<String> {
    let rows = enrollment::Entity::find()
        .filter(enrollment::Column::StudentId.eq(student))
        .filter(enrollment::Column::EndsOn.is_null())
        .all(&app.state.db)
        .await
        .unwrap();
    rows.into_iter().map(|row| encode("Class", row.class_id).0).collect()
}

/// The decision line of `student` in a plan.
fn line(plan: &Value, student: i64) -> &Value {
    let id = encode("Student", student).0;
    plan["students"].as_array().unwrap().iter().find(|line| line["studentId"] == id.as_str()).expect("in the plan")
}

/// Fails a rollover's insert of a new enrollment for `student`, as a database would fail
/// mid-way; returns the statement that removes the failure.
async fn fail_enrollment_of(app: &TestApp, student: i64) -> &'static str {
    let db = &app.state.db;
    match db.get_database_backend() {
        DbBackend::Sqlite => {
            let trigger = format!(
                "CREATE TRIGGER fail_rollover BEFORE INSERT ON enrollment WHEN NEW.student_id = {student} \
                 BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
            );
            db.execute_unprepared(&trigger).await.unwrap();
            "DROP TRIGGER fail_rollover"
        }
        _ => {
            let function = format!(
                "CREATE FUNCTION fail_rollover() RETURNS trigger AS $$ BEGIN \
                 IF NEW.student_id = {student} THEN RAISE EXCEPTION 'injected failure'; END IF; \
                 RETURN NEW; END $$ LANGUAGE plpgsql"
            );
            db.execute_unprepared(&function).await.unwrap();
            db.execute_unprepared(
                "CREATE TRIGGER fail_rollover BEFORE INSERT ON enrollment FOR EACH ROW EXECUTE FUNCTION fail_rollover()",
            )
            .await
            .unwrap();
            "DROP TRIGGER fail_rollover ON enrollment; DROP FUNCTION fail_rollover()"
        }
    }
}

#[tokio::test]
async fn a_rollover_moves_keeps_back_and_graduates_the_right_students_atomically() {
    let app = spawn().await;
    let db = &app.state.db;
    let (school, other) = schools(&app).await;
    let other_principal = app.sign_in(&other).await.unwrap();
    let old =
        school_year::Entity::find().filter(school_year::Column::Name.eq("2026-2027")).one(db).await.unwrap().unwrap();
    let principal = app.sign_in("hieutruong").await.unwrap();
    let operator = app.sign_in("vanhanh").await.unwrap();

    // The calendar is the operator's: the principal may not open a year, an overlap is refused.
    let next = json!({ "name": "2027-2028", "from": "2027-09-05", "to": "2028-05-31", "terms": terms() });
    assert_eq!(error_code(&app.graphql(Some(&principal), OPEN, next.clone()).await.unwrap()), Some("FORBIDDEN"));
    let overlapping = json!({ "name": "2027-2028b", "from": "2027-05-01", "to": "2028-05-31", "terms": terms() });
    let refused = app.graphql(Some(&operator), OPEN, overlapping).await.unwrap();
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    let opened = app.data(Some(&operator), OPEN, next).await.unwrap()["openSchoolYear"].clone();
    assert_eq!(opened["semesters"].as_array().unwrap().len(), 2);
    let new_year = opened["id"].as_str().unwrap().to_owned();
    let old_year = encode("SchoolYear", old.id).0;

    // The principal opens the school's classes: 6A1 (for those kept back) and 7A1 to 9A1.
    let classes: Vec<Value> =
        (6..=9).map(|grade| json!({ "name": format!("{grade}A1"), "gradeLevel": grade })).collect();
    let vars = json!({ "school": encode("School", school.id).0, "year": new_year, "classes": classes });
    let elsewhere = app.graphql(Some(&other_principal), CREATE, vars.clone()).await.unwrap();
    let missing = json!({ "school": encode("School", 999_999).0, "year": new_year, "classes": classes });
    let nowhere = app.graphql(Some(&principal), CREATE, missing).await.unwrap();
    assert_eq!(error_code(&elsewhere), Some("FORBIDDEN"), "{elsewhere}");
    assert_eq!(error_code(&elsewhere), error_code(&nowhere), "another school's answers like a missing one");
    let created = app.data(Some(&principal), CREATE, vars.clone()).await.unwrap()["createClasses"].clone();
    assert_eq!(created.as_array().unwrap().len(), 4);
    assert_eq!(created[0]["sections"].as_array().unwrap().len(), 12, "one section per subject of grade 6");
    let again = app.graphql(Some(&principal), CREATE, vars).await.unwrap();
    assert_eq!(error_code(&again), Some("BAD_USER_INPUT"), "names are taken");

    // The old year's books: everyone passes; one grade-6 student missed 46 days, one grade-7
    // student's second-semester conduct is missing.
    let rosters = books::rosters(&app, school.id, old.id).await;
    let principal_id =
        staff::Entity::find().filter(staff::Column::Username.eq("hieutruong")).one(db).await.unwrap().unwrap().id;
    books::fill_year(&app, &rosters, old.id, principal_id).await;
    let by_grade: BTreeMap<i16, (homeroom_class::Model, Vec<i64>)> =
        rosters.values().map(|(class, students)| (class.grade_level, (class.clone(), students.clone()))).collect();
    let kept = by_grade[&6].1[0];
    books::absent_too_often(&app, kept, &by_grade[&6].0, old.starts_on).await;
    let second = semester::Entity::find()
        .filter(semester::Column::SchoolYearId.eq(old.id))
        .filter(semester::Column::Number.eq(2_i16))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let pending = by_grade[&7].1[0];
    books::undecided(&app, pending, second.id).await;

    let vars = json!({ "school": encode("School", school.id).0, "from": old_year, "to": new_year });
    let plan = app.data(Some(&principal), PREVIEW, vars.clone()).await.unwrap()["previewRollover"].clone();
    let new_classes: BTreeMap<String, String> = created
        .as_array()
        .unwrap()
        .iter()
        .map(|class| (class["name"].as_str().unwrap().to_owned(), class["id"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(line(&plan, kept)["decision"], "KEEP_BACK", "{plan}");
    assert_eq!(line(&plan, kept)["toClassId"], new_classes["6A1"]);
    assert_eq!(line(&plan, pending)["decision"], "PENDING");
    assert!(line(&plan, pending)["reason"].as_str().unwrap().contains("not complete"));
    for (grade, (_, students)) in &by_grade {
        for &student in students.iter().filter(|&&s| s != kept && s != pending) {
            let line = line(&plan, student);
            if *grade == 9 {
                assert_eq!(line["decision"], "GRADUATE", "{line}");
                assert_eq!(line["toClassId"], Value::Null);
            } else {
                assert_eq!(line["decision"], "PROMOTE", "{line}");
                assert_eq!(line["toClassId"], new_classes[&format!("{}A1", grade + 1)]);
            }
        }
    }
    let total: usize = rosters.values().map(|(_, students)| students.len()).sum();
    assert_eq!(plan["students"].as_array().unwrap().len(), total);
    assert_eq!(plan["graduated"], by_grade[&9].1.len());
    assert_eq!((plan["keptBack"].as_u64(), plan["pending"].as_u64()), (Some(1), Some(1)));

    // Only the school's principal: another school's principal, a teacher and a guardian are
    // answered as if the school did not exist.
    let gone = json!({ "school": encode("School", 999_999).0, "from": old_year, "to": new_year });
    let nowhere = app.graphql(Some(&principal), PREVIEW, gone).await.unwrap();
    let guardian = app.sign_in(&guardian_of(&app, &encode("Student", kept).0).await).await.unwrap();
    for token in [other_principal.as_str(), &app.sign_in("gvcn").await.unwrap(), &guardian] {
        let refused = app.graphql(Some(token), PREVIEW, vars.clone()).await.unwrap();
        assert_eq!(error_code(&refused), error_code(&nowhere), "{refused}");
        assert!(refused["data"].is_null(), "{refused}");
    }
    let digest = plan["digest"].as_str().unwrap().to_owned();
    let before = snapshot(&app).await;
    let mut roll = vars.clone();
    roll["digest"] = json!(digest);
    let refused = app.graphql(Some(&other_principal), ROLL, roll.clone()).await.unwrap();
    assert_eq!(error_code(&refused), Some("FORBIDDEN"));

    // A pending student refuses the whole; so does a stale digest; nothing is written.
    let refused = app.graphql(Some(&principal), ROLL, roll.clone()).await.unwrap();
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    roll["exclude"] = json!([encode("Student", pending).0]);
    let mut stale = roll.clone();
    stale["digest"] = json!("0".repeat(64));
    assert_eq!(error_code(&app.graphql(Some(&principal), ROLL, stale).await.unwrap()), Some("BAD_USER_INPUT"));
    assert!(snapshot(&app).await == before, "a refused rollover writes nothing");

    // A failure in the middle of the writes leaves nothing written either.
    let last = *by_grade[&8].1.last().unwrap();
    let undo = fail_enrollment_of(&app, last).await;
    let failed = app.graphql(Some(&principal), ROLL, roll.clone()).await.unwrap();
    assert!(failed["errors"].is_array(), "{failed}");
    db.execute_unprepared(undo).await.unwrap();
    assert!(snapshot(&app).await == before, "a failed rollover writes nothing");

    // The rollover as previewed.
    let done = app.data(Some(&principal), ROLL, roll).await.unwrap()["rollOver"].clone();
    assert_eq!((done["keptBack"].as_u64(), done["pending"].as_u64()), (Some(1), Some(0)));
    assert_eq!(line(&done, pending)["excluded"], true);
    assert_eq!(open_in(&app, kept).await, vec![new_classes["6A1"].to_string()]);
    assert_eq!(open_in(&app, pending).await, vec![encode("Class", by_grade[&7].0.id).0]);
    let promoted = by_grade[&8].1[1];
    assert_eq!(open_in(&app, promoted).await, vec![new_classes["9A1"].to_string()]);
    let graduate = by_grade[&9].1[0];
    assert!(open_in(&app, graduate).await.is_empty());
    let row = student::Entity::find_by_id(graduate).one(db).await.unwrap().unwrap();
    assert_eq!(row.status, "graduated");
    let ended = enrollment::Entity::find()
        .filter(enrollment::Column::StudentId.eq(promoted))
        .filter(enrollment::Column::ClassId.eq(by_grade[&8].0.id))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ended.ends_on, Some(old.ends_on));

    // The old year's books are locked school-wide, and still read by a guardian.
    let locks = book_lock::Entity::find()
        .filter(book_lock::Column::SchoolId.eq(school.id))
        .filter(book_lock::Column::SectionId.is_null())
        .filter(book_lock::Column::UnlockedAt.is_null())
        .all(db)
        .await
        .unwrap();
    let terms = semester::Entity::find().filter(semester::Column::SchoolYearId.eq(old.id)).all(db).await.unwrap();
    assert!(terms.iter().all(|term| locks.iter().any(|lock| lock.semester_id == term.id)));
    let parent = app.sign_in(&guardian_of(&app, &encode("Student", promoted).0).await).await.unwrap();
    let read = app.data(Some(&parent), RESULTS, json!({ "id": encode("Student", promoted).0 })).await.unwrap();
    let results = read["student"]["results"].as_array().unwrap();
    let old_sections = super::movements::sections_in(&app, by_grade[&8].0.id).await;
    assert!(results.iter().any(|r| old_sections.contains(&decode("Section", r["sectionId"].as_str().unwrap()))));
    app.stop().await.unwrap();
}
