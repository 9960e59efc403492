//! The privacy officer's tools on live data: the health-note line of a careless edit is a
//! new sensitive grant in the diff, its impact counted exactly (checked against the tables
//! read directly); `explain` names the line that allows a teacher a student's results and
//! says why health notes are not; a server does not start on files that add a sensitive
//! grant to the version last applied until the version is confirmed.

use chrono::NaiveDate;
use emis::config::Config;
use emis::policy_changes::{explain, impact};
use emis::startup::Application;
use emis_authz::{Kind, Policy, PolicyDiff, PolicyFiles};
use emis_tests::{TestApp, policy_dir};
use entity::{enrollment, policy_change, staff, staff_role, student, teaching_assignment};
use sea_orm::{ColumnTrait as _, DatabaseConnection, EntityTrait as _, QueryFilter as _};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

const HEALTH_LINE: &str = "p, subject_teacher, student.health, read, in_school, allow";

/// The shipped policy with `line` added.
async fn with_line(line: &str) -> Policy {
    let files = PolicyFiles::in_dir(&policy_dir());
    let model = std::fs::read_to_string(&files.model).unwrap();
    let text = std::fs::read_to_string(&files.policy).unwrap() + line + "\n";
    Policy::from_texts(&files, &model, &text).await.unwrap()
}

fn active(starts: NaiveDate, ends: Option<NaiveDate>, today: NaiveDate) -> bool {
    starts <= today && ends.is_none_or(|ends| ends >= today)
}

/// Who gains which students' health notes from the health line, read from the tables: every
/// active subject teacher gains the students of the schools they teach in, except those they
/// read already (their homeroom class's today, or a whole school they lead).
async fn expected_gains(db: &DatabaseConnection, today: NaiveDate) -> BTreeMap<i64, BTreeSet<i64>> {
    let active_staff: BTreeSet<i64> = staff::Entity::find()
        .filter(staff::Column::Status.eq("active"))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.id)
        .collect();
    let assignments: Vec<_> = teaching_assignment::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .filter(|row| active(row.starts_on, row.ends_on, today) && active_staff.contains(&row.staff_id))
        .collect();
    let leads: Vec<_> = staff_role::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .filter(|row| active(row.starts_on, row.ends_on, today))
        .filter(|row| row.role == "principal" || row.role == "vice_principal")
        .collect();
    let students = student::Entity::find().all(db).await.unwrap();
    let enrollments: Vec<_> = enrollment::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .filter(|row| active(row.starts_on, row.ends_on, today))
        .collect();
    let mut gains = BTreeMap::new();
    for teacher in assignments.iter().filter(|row| row.kind == "subject").map(|row| row.staff_id) {
        let schools: BTreeSet<i64> = assignments
            .iter()
            .filter(|row| row.staff_id == teacher && row.kind == "subject")
            .map(|row| row.school_id)
            .collect();
        let homerooms: BTreeSet<i64> = assignments
            .iter()
            .filter(|row| row.staff_id == teacher && row.kind == "homeroom")
            .filter_map(|row| row.class_id)
            .collect();
        let led: BTreeSet<i64> = leads.iter().filter(|row| row.staff_id == teacher).map(|row| row.org_id).collect();
        let read_already: BTreeSet<i64> =
            enrollments.iter().filter(|row| homerooms.contains(&row.class_id)).map(|row| row.student_id).collect();
        let gained: BTreeSet<i64> = students
            .iter()
            .filter(|row| schools.contains(&row.school_id) && !led.contains(&row.school_id))
            .map(|row| row.id)
            .filter(|id| !read_already.contains(id))
            .collect();
        if !gained.is_empty() {
            gains.insert(teacher, gained);
        }
    }
    gains
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_health_line_is_a_new_sensitive_grant_and_its_impact_is_counted_exactly() {
    let app = TestApp::spawn().await.unwrap();
    let running = app.state.policy.current();
    let changed = Arc::new(with_line(HEALTH_LINE).await);
    let diff = PolicyDiff::between(&running, &changed);
    let added: Vec<String> = diff.added.iter().map(ToString::to_string).collect();
    assert_eq!(added, ["subject_teacher, student.health, read, in_school"]);
    assert!(diff.removed.is_empty());
    assert_eq!(diff.sensitive_added().len(), 1);

    let today = emis::clock::today();
    let found = impact::impact(&app.state.db, &running, &changed, &diff, today).await.unwrap();
    let expected = expected_gains(&app.state.db, today).await;
    let [row] = found.grants.as_slice() else { panic!("one grant: {found:?}") };
    let subjects: BTreeSet<i64> = expected.values().flatten().copied().collect();
    let pairs: usize = expected.values().map(BTreeSet::len).sum();
    assert!(expected.len() >= 2 && pairs > subjects.len(), "the data set exercises the count: {expected:?}");
    assert_eq!((row.people, row.subjects, row.pairs), (expected.len(), subjects.len(), pairs));
    assert_eq!(row.counted, Some("students"));
    assert!(
        found
            .to_string()
            .contains(&format!("{} people gain access to records of {} students", row.people, row.subjects))
    );

    // Taking the guardians' health line away: each guardian loses their own children only.
    let files = PolicyFiles::in_dir(&policy_dir());
    let model = std::fs::read_to_string(&files.model).unwrap();
    let text = std::fs::read_to_string(&files.policy).unwrap();
    let fewer = text.replace("p, guardian, student.health, read, guardian_of, allow\n", "");
    let fewer = Arc::new(Policy::from_texts(&files, &model, &fewer).await.unwrap());
    let diff = PolicyDiff::between(&running, &fewer);
    let found = impact::impact(&app.state.db, &running, &fewer, &diff, today).await.unwrap();
    let [row] = found.grants.as_slice() else { panic!("one grant: {found:?}") };
    assert!(!row.added);
    let links = guardianships(&app.state.db, today).await;
    let children: BTreeSet<i64> = links.iter().map(|(_, child)| *child).collect();
    let guardians: BTreeSet<i64> = links.iter().map(|(guardian, _)| *guardian).collect();
    assert_eq!((row.people, row.subjects, row.pairs), (guardians.len(), children.len(), links.len()));
    app.stop().await.unwrap();
}

/// The (guardian, child) links in force today, with access, of active guardians.
async fn guardianships(db: &DatabaseConnection, today: NaiveDate) -> BTreeSet<(i64, i64)> {
    let acting: BTreeSet<i64> = entity::guardian::Entity::find()
        .filter(entity::guardian::Column::Status.eq("active"))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.id)
        .collect();
    entity::guardianship::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .filter(|row| acting.contains(&row.guardian_id) && row.access_status == "active")
        .filter(|row| active(row.starts_on, row.ends_on, today))
        .map(|row| (row.guardian_id, row.student_id))
        .collect()
}

/// The line number of `line` in the shipped policy.
fn line_of(line: &str) -> usize {
    let text = std::fs::read_to_string(policy_dir().join("policy.csv")).unwrap();
    text.lines().position(|found| found.trim() == line).map(|at| at + 1).expect("the line is shipped")
}

/// A student of the class of a section `username` teaches, and a student of another school.
async fn students_for(db: &DatabaseConnection, username: &str) -> (String, String) {
    let teacher = staff::Entity::find().filter(staff::Column::Username.eq(username)).one(db).await.unwrap().unwrap();
    let taught = teaching_assignment::Entity::find()
        .filter(teaching_assignment::Column::StaffId.eq(teacher.id))
        .filter(teaching_assignment::Column::Kind.eq("subject"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let section = entity::section::Entity::find_by_id(taught.section_id.unwrap()).one(db).await.unwrap().unwrap();
    let enrolled = enrollment::Entity::find()
        .filter(enrollment::Column::ClassId.eq(section.class_id))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let mine = student::Entity::find_by_id(enrolled.student_id).one(db).await.unwrap().unwrap();
    let other =
        student::Entity::find().filter(student::Column::SchoolId.ne(teacher.school_id)).one(db).await.unwrap().unwrap();
    (mine.external_id, other.external_id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explain_names_the_line_that_allows_and_says_why_nothing_else_does() {
    let app = TestApp::spawn().await.unwrap();
    let db = &app.state.db;
    let (mine, other) = students_for(db, "gvbm").await;
    let today = emis::clock::today();
    let ask = |student, kind| explain::Question { account: "gvbm", student, kind: Some(kind), action: None };
    let policy = app.state.policy.current();

    let results = explain::explain(db, Arc::clone(&policy), &ask(&mine, Kind::Result), today).await.unwrap();
    let line = line_of("p, subject_teacher, result, read, teaches_section, allow");
    assert!(
        results.contains(&format!("subject_teacher, teaches_section: được phép theo dòng / allowed by line {line} (")),
        "{results}"
    );
    assert!(results.contains("→ ĐƯỢC / ALLOWED"), "{results}");

    let health = explain::explain(db, Arc::clone(&policy), &ask(&mine, Kind::StudentHealth), today).await.unwrap();
    assert!(
        health.contains("subject_teacher, teaches_section: không dòng nào cho phép / no line allows it"),
        "{health}"
    );
    assert!(health.contains("NOT ALLOWED"), "{health}");

    // Under the careless line, explain names it.
    let careless = Arc::new(with_line(HEALTH_LINE).await);
    let health = explain::explain(db, careless, &ask(&mine, Kind::StudentHealth), today).await.unwrap();
    let added = std::fs::read_to_string(policy_dir().join("policy.csv")).unwrap().lines().count() + 1;
    assert!(health.contains(&format!("/ allowed by line {added} (subject_teacher, in_school)")), "{health}");

    let elsewhere = explain::explain(db, Arc::clone(&policy), &ask(&other, Kind::Result), today).await.unwrap();
    assert!(elsewhere.contains("no relationship holds today: not allowed"), "{elsewhere}");

    let unknown = explain::Question { account: "nobody", student: &mine, kind: None, action: None };
    let error = explain::explain(db, policy, &unknown, today).await.unwrap_err();
    assert!(error.to_string().contains("no account \"nobody\""), "{error}");
    app.stop().await.unwrap();
}

/// A copy of the shipped policy folder with `line` added to the policy and `confirmed` as
/// the confirmations.
fn folder_with(dir: &Path, line: &str, confirmed: Option<&str>) {
    std::fs::create_dir_all(dir).unwrap();
    for file in ["model.conf", "policy.csv", "cases.csv"] {
        std::fs::copy(policy_dir().join(file), dir.join(file)).unwrap();
    }
    let policy = std::fs::read_to_string(dir.join("policy.csv")).unwrap() + line + "\n";
    std::fs::write(dir.join("policy.csv"), policy).unwrap();
    let cases = std::fs::read_to_string(dir.join("cases.csv")).unwrap();
    let cases: Vec<&str> = cases.lines().filter(|case| !case.starts_with("subject_teacher, student.health")).collect();
    std::fs::write(dir.join("cases.csv"), cases.join("\n")).unwrap();
    if let Some(confirmed) = confirmed {
        std::fs::write(dir.join("confirmed.csv"), confirmed).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_does_not_start_on_an_unconfirmed_sensitive_grant_and_starts_once_confirmed() {
    let app = TestApp::spawn().await.unwrap();
    let recorded = policy_change::Entity::find().all(&app.state.db).await.unwrap();
    assert_eq!(recorded.len(), 1, "the first start is recorded");
    assert_eq!(
        (recorded[0].outcome.as_str(), recorded[0].version.as_str()),
        ("applied", app.state.policy.current().version())
    );

    let dir = app.database.dir().join("edited");
    folder_with(&dir, HEALTH_LINE, None);
    let config = || {
        let mut config = Config::for_database(app.database.url.clone(), dir.clone());
        config.identity_file = Some(app.database.dir().join("identity.txt"));
        config
    };
    let error = Application::build(config()).await.err().expect("the start is refused");
    let message = format!("{error:#}");
    assert!(message.contains("subject_teacher, student.health, read, in_school"), "{message}");
    let held = policy_change::Entity::find()
        .filter(policy_change::Column::Outcome.eq("held"))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("the held start is recorded");

    std::fs::write(dir.join("confirmed.csv"), format!("{}, Bảo Mật\n", held.version)).unwrap();
    let started = Application::build(config()).await.expect("a confirmed version starts");
    assert_eq!(started.state().policy.current().version(), held.version);
    let applied = policy_change::Entity::find()
        .filter(policy_change::Column::Outcome.eq("applied"))
        .filter(policy_change::Column::Version.eq(held.version.clone()))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("recorded");
    assert_eq!(applied.confirmed_by.as_deref(), Some("Bảo Mật"));
    drop(started);
    app.stop().await.unwrap();
}
