//! A OneRoster bulk file is not a removal or reset list: what a row does not say stays as it
//! is. A package that carries a student's row but not their guardians' leaves the
//! guardianships' relationship alone; one without sensitive values (as an export without
//! them is), without demographics, a username, a result's comment, a roll-call note or a
//! school's code leaves the stored ones; one without end dates does not reopen an
//! enrollment, an assignment or a role that has ended.

use crate::oneroster::{counts, export_to, fixture, run};
use emis_tests::TestApp;
use entity::{enrollment, guardian, guardianship, staff, staff_role, student, teaching_assignment};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use std::collections::BTreeMap;
use std::path::Path;

/// A copy of the fixture package without the rows of `rows` (file, sourcedId), with
/// `edits` (file, text, replacement) applied.
fn copy(rows: &[(&str, &str)], edits: &[(&str, &str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture()).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let kept: Vec<&str> = text
            .lines()
            .filter(|line| !rows.iter().any(|(file, id)| *file == name && line.split(',').next() == Some(*id)))
            .collect();
        let mut text = kept.join("\n") + "\n";
        for (file, from, to) in edits.iter().filter(|(file, ..)| *file == name) {
            assert!(text.contains(from), "{file} has {from:?}");
            text = text.replacen(from, to, 1);
        }
        std::fs::write(dir.path().join(&name), text).unwrap();
    }
    dir
}

/// Every guardianship's relationship, by (guardian, student) exchange identifiers.
async fn relationships(app: &TestApp) -> BTreeMap<(String, String), String> {
    let db = &app.state.db;
    let guardians: BTreeMap<i64, String> =
        guardian::Entity::find().all(db).await.unwrap().into_iter().map(|row| (row.id, row.external_id)).collect();
    let students: BTreeMap<i64, String> =
        student::Entity::find().all(db).await.unwrap().into_iter().map(|row| (row.id, row.external_id)).collect();
    let links = guardianship::Entity::find().all(db).await.unwrap();
    links
        .into_iter()
        .map(|link| ((guardians[&link.guardian_id].clone(), students[&link.student_id].clone()), link.relationship))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_file_without_the_guardians_rows_leaves_their_links_as_they_are() {
    let app = TestApp::spawn_empty().await.unwrap();
    counts(&run(&app, &fixture()).await);
    let before = relationships(&app).await;
    assert_eq!(before[&("ph-001".to_owned(), "hs-001".to_owned())], "father");
    assert_eq!(before[&("ph-002".to_owned(), "hs-003".to_owned())], "mother");
    let students_only = copy(&[("users.csv", "ph-001"), ("users.csv", "ph-002")], &[]);
    counts(&run(&app, students_only.path()).await);
    assert_eq!(relationships(&app).await, before, "the students' rows do not say what their guardians are");
    app.stop().await.unwrap();
}

/// What is stored of each person, sealed values opened: by exchange identifier.
async fn people(app: &TestApp) -> BTreeMap<String, Vec<Option<String>>> {
    let db = &app.state.db;
    let vault = &app.state.vault;
    let open = |table: &str, column: &str, id: i64, value: &Option<Vec<u8>>| {
        value.as_deref().and_then(|sealed| vault.open_field(table, column, id, sealed))
    };
    let keys: Vec<u64> = entity::data_key::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|key| u64::try_from(key.id).unwrap())
        .collect();
    vault.preload(db, keys).await.unwrap();
    let mut people = BTreeMap::new();
    for row in student::Entity::find().all(db).await.unwrap() {
        let values = vec![
            open("student", "identity_no_enc", row.id, &row.identity_no_enc),
            row.identity_no_blind.clone(),
            open("student", "address_enc", row.id, &row.address_enc),
            open("student", "ethnicity_enc", row.id, &row.ethnicity_enc),
            open("student", "religion_enc", row.id, &row.religion_enc),
            open("student", "health_enc", row.id, &row.health_enc),
            row.gender.clone(),
            row.birth_date.map(|date| date.to_string()),
        ];
        people.insert(row.external_id, values);
    }
    for row in guardian::Entity::find().all(db).await.unwrap() {
        let values = vec![
            open("guardian", "identity_no_enc", row.id, &row.identity_no_enc),
            open("guardian", "address_enc", row.id, &row.address_enc),
            open("guardian", "phone_enc", row.id, &row.phone_enc),
            row.phone_blind.clone(),
            open("guardian", "email_enc", row.id, &row.email_enc),
            row.username.clone(),
        ];
        people.insert(row.external_id, values);
    }
    for row in staff::Entity::find().all(db).await.unwrap() {
        let values = vec![
            open("staff", "identity_no_enc", row.id, &row.identity_no_enc),
            open("staff", "phone_enc", row.id, &row.phone_enc),
            open("staff", "email_enc", row.id, &row.email_enc),
            row.username.clone(),
        ];
        people.insert(row.external_id, values);
    }
    people
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_file_without_sensitive_values_demographics_or_a_username_leaves_the_stored_ones() {
    let app = TestApp::spawn_empty().await.unwrap();
    counts(&run(&app, &fixture()).await);
    let before = people(&app).await;
    assert_eq!(before["hs-002"][5].as_deref(), Some("Dị ứng hải sản"), "{before:?}");

    // An export without sensitive values, brought back into the same database.
    let plain = tempfile::tempdir().unwrap();
    export_to(&app, plain.path(), false).await;
    counts(&run(&app, plain.path()).await);
    assert_eq!(people(&app).await, before, "empty sensitive cells are not removals");

    // The package with no demographics rows and a guardian's username left out.
    let header = std::fs::read_to_string(fixture().join("demographics.csv")).unwrap();
    let demographics: Vec<(&str, &str)> = header.lines().skip(1).map(|line| ("demographics.csv", &line[..6])).collect();
    let edits = [("users.csv", ",ph.nguyenvan.hung,", ",,")];
    let reduced = copy(&demographics, &edits);
    counts(&run(&app, reduced.path()).await);
    assert_eq!(people(&app).await, before, "what the rows do not say stays");
    app.stop().await.unwrap();
}

/// Ends, yesterday, the row of `E` whose exchange identifier is `id`.
async fn end_yesterday<E: sea_orm::EntityTrait>(app: &TestApp, external_id: E::Column, ends_on: E::Column, id: &str) {
    let yesterday = emis::clock::today().pred_opt().unwrap();
    let ended = E::update_many()
        .col_expr(ends_on, Expr::value(yesterday))
        .filter(external_id.eq(id))
        .exec(&app.state.db)
        .await
        .unwrap();
    assert_eq!(ended.rows_affected, 1, "{id}");
}

/// The (starts, ends) of the enrollment, assignment and role rows named.
async fn dates(app: &TestApp) -> Vec<(chrono::NaiveDate, Option<chrono::NaiveDate>)> {
    let db = &app.state.db;
    let enrollment = enrollment::Entity::find().filter(enrollment::Column::ExternalId.eq("gd-001")).one(db).await;
    let enrollment = enrollment.unwrap().unwrap();
    let assignment = teaching_assignment::Entity::find().filter(teaching_assignment::Column::ExternalId.eq("gd-cn"));
    let assignment = assignment.one(db).await.unwrap().unwrap();
    let role = staff_role::Entity::find().filter(staff_role::Column::ExternalId.eq("r-ht-001")).one(db).await;
    let role = role.unwrap().unwrap();
    vec![
        (enrollment.starts_on, enrollment.ends_on),
        (assignment.starts_on, assignment.ends_on),
        (role.starts_on, role.ends_on),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_file_without_end_or_begin_dates_does_not_reopen_or_move_what_is_stored() {
    let app = TestApp::spawn_empty().await.unwrap();
    counts(&run(&app, &fixture()).await);
    // A student moved in EMIS, a homeroom assignment and a principal's post that ended.
    end_yesterday::<enrollment::Entity>(&app, enrollment::Column::ExternalId, enrollment::Column::EndsOn, "gd-001")
        .await;
    let (assignment, ends) = (teaching_assignment::Column::ExternalId, teaching_assignment::Column::EndsOn);
    end_yesterday::<teaching_assignment::Entity>(&app, assignment, ends, "gd-cn").await;
    end_yesterday::<staff_role::Entity>(&app, staff_role::Column::ExternalId, staff_role::Column::EndsOn, "r-ht-001")
        .await;
    let before = dates(&app).await;
    let edits = [
        (
            "enrollments.csv",
            "gd-001,,,lop-6a1,thcs-le-loi,hs-001,student,,2026-09-05,",
            "gd-001,,,lop-6a1,thcs-le-loi,hs-001,student,,,",
        ),
        ("roles.csv", "r-ht-001,,,ht-001,primary,principal,2022-08-01,", "r-ht-001,,,ht-001,primary,principal,,"),
    ];
    for package in [fixture(), copy(&[], &edits).path().to_path_buf()] {
        counts(&run(&app, Path::new(&package)).await);
        assert_eq!(dates(&app).await, before, "an empty date is not a new one");
    }
    app.stop().await.unwrap();
}

/// A result's comment, an attendance entry's note, and a school's level and sector code.
async fn kept(app: &TestApp) -> (Option<String>, Option<String>, Option<String>, Option<String>) {
    let db = &app.state.db;
    let result = entity::result::Entity::find().filter(entity::result::Column::ExternalId.eq("kq-02")).one(db).await;
    let result = result.unwrap().unwrap();
    let entry = entity::attendance::Entity::find().filter(entity::attendance::Column::ExternalId.eq("dd-01"));
    let entry = entry.one(db).await.unwrap().unwrap();
    let school = entity::org::Entity::find().filter(entity::org::Column::ExternalId.eq("thcs-le-loi")).one(db).await;
    let school = school.unwrap().unwrap();
    (result.comment, entry.note, school.school_level, school.sector_code)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_file_without_a_comment_a_note_or_a_schools_code_keeps_the_stored_ones() {
    let app = TestApp::spawn_empty().await.unwrap();
    counts(&run(&app, &fixture()).await);
    let before = kept(&app).await;
    assert_eq!(before.0.as_deref(), Some("Tiến bộ tốt"));
    let edits = [
        ("results.csv", "fully graded,9,2026-09-20,Tiến bộ tốt,", "fully graded,9,2026-09-20,,"),
        ("attendance.csv", "morning,excused,Ốm,", "morning,excused,,"),
        ("orgs.csv", "school,79000801,", "school,,"),
    ];
    let reduced = copy(&[], &edits);
    counts(&run(&app, reduced.path()).await);
    assert_eq!(kept(&app).await, before, "an empty cell is not a removal");
    app.stop().await.unwrap();
}
