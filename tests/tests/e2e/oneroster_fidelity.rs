//! What a OneRoster package says comes back out of EMIS with the same identifiers and the
//! same meaning: students' enrollments in scheduled classes keep their `sourcedId`, dates and
//! `primary` flag (the ones EMIS makes itself are named stably; a row EMIS cannot follow is
//! reported by its line, never dropped silently); a `not submitted` result is a make-up owed,
//! one with `metadata.vn.noMakeUp` a missed assessment never to be made up, an `exempt` one an
//! assessment the student is excused from — each shown where the books show it and exported
//! as it came.

use crate::grade_entry::RECORD;
use crate::oneroster::{assert_same_export, counts, edited, edited_from, export_to, fidelity_fixture, give_password};
use crate::oneroster::{read_csv, run};
use emis::exchange::ImportOutcome;
use emis::graphql::ids;
use emis_tests::TestApp;
use entity::{missed_assessment, section, section_enrollment, semester, student};
use sea_orm::{ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;

/// The exported enrollments of students, by `sourcedId`: (class, user, primary, begin, end).
fn student_enrollments(dir: &Path) -> BTreeMap<String, [String; 5]> {
    read_csv(&dir.join("enrollments.csv"))
        .into_iter()
        .filter(|row| row["role"] == "student")
        .map(|row| {
            let cells = ["classSourcedId", "userSourcedId", "primary", "beginDate", "endDate"];
            (row["sourcedId"].clone(), cells.map(|cell| row[cell].clone()))
        })
        .collect()
}

fn cells(class: &str, user: &str, primary: &str, begin: &str) -> [String; 5] {
    [class, user, primary, begin, ""].map(str::to_owned)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduled_class_enrollments_keep_their_identifiers_dates_and_primary_flag() {
    // gd-005 has dates and a flag of its own, gd-001 (a homeroom enrollment) a flag.
    let package = fidelity_fixture();
    let app = TestApp::spawn_empty().await.unwrap();
    let first = counts(&run(&app, &package).await);
    assert_eq!(first["section_enrollment"], (3, 0, 0));
    let exported = tempfile::tempdir().unwrap();
    export_to(&app, exported.path(), false).await;
    let enrollments = student_enrollments(exported.path());
    assert_eq!(enrollments["gd-001"], cells("lop-6a1", "hs-001", "true", "2026-09-05"));
    assert_eq!(enrollments["gd-004"], cells("lop-6a1-toan", "hs-001", "", "2026-09-05"));
    assert_eq!(enrollments["gd-005"], cells("lop-6a1-toan", "hs-002", "false", "2026-09-20"));
    assert_eq!(enrollments["gd-006"], cells("lop-6a1-toan", "hs-003", "", "2026-09-05"));
    // The package named no one in physical education: EMIS names those itself, stably.
    assert_eq!(enrollments["gd-001@lop-6a1-gdtc"], cells("lop-6a1-gdtc", "hs-001", "", "2026-09-05"));
    assert_eq!(enrollments.len(), 9, "3 homeroom, 3 kept, 3 derived: {enrollments:#?}");
    let teachers = read_csv(&exported.path().join("enrollments.csv"));
    let toan = teachers.iter().find(|row| row["sourcedId"] == "gd-toan").unwrap();
    assert_eq!(toan["primary"], "true", "a teacher's primary flag is kept too");

    // The same package again changes nothing; the export imported elsewhere and exported
    // again gives the same rows.
    assert!(counts(&run(&app, &package).await).is_empty());
    let second = TestApp::spawn_empty().await.unwrap();
    counts(&run(&second, exported.path()).await);
    let again = tempfile::tempdir().unwrap();
    export_to(&second, again.path(), false).await;
    assert_eq!(student_enrollments(again.path()), enrollments);
    second.stop().await.unwrap();

    // A package that renames an enrollment renames the kept row; it does not add one.
    let rename = ("enrollments.csv", "gd-004,,,lop-6a1-toan", "gd-104,,,lop-6a1-toan");
    let renamed = edited_from(&fidelity_fixture(), &[rename], &[]);
    let counted = counts(&run(&app, renamed.path()).await);
    assert_eq!(counted.get("section_enrollment"), Some(&(0, 1, 0)), "{counted:?}");
    assert_eq!(section_enrollment::Entity::find().count(&app.state.db).await.unwrap(), 3);
    let after = tempfile::tempdir().unwrap();
    export_to(&app, after.path(), false).await;
    let enrollments = student_enrollments(after.path());
    assert!(enrollments.contains_key("gd-104") && !enrollments.contains_key("gd-004"));
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduled_class_row_emis_cannot_follow_is_reported_by_its_line() {
    // hs-004 studies in 6A2, but the package also puts them in 6A1's mathematics.
    let package = edited(
        &[
            (
                "classes.csv",
                "lop-6a1,,,6A1,06,cn-6,6A1,homeroom,Phòng 12,thcs-le-loi,nh-2026,,,,,\n",
                "lop-6a1,,,6A1,06,cn-6,6A1,homeroom,Phòng 12,thcs-le-loi,nh-2026,,,,,\n\
                 lop-6a2,,,6A2,06,cn-6,6A2,homeroom,Phòng 13,thcs-le-loi,nh-2026,,,,,\n",
            ),
            ("users.csv", "\nph-001,", "\nhs-004,,,true,,,Bảo,Lý,Gia,,,,,,06,,,,,,thcs-le-loi,,,,,\nph-001,"),
            ("roles.csv", "r-ph-001,", "r-hs-004,,,hs-004,primary,student,2026-09-05,,thcs-le-loi,\nr-ph-001,"),
            (
                "enrollments.csv",
                "gd-cn,",
                "gd-a2,,,lop-6a2,thcs-le-loi,hs-004,student,,2026-09-05,\n\
                 gd-x,,,lop-6a1-toan,thcs-le-loi,hs-004,student,,2026-09-05,\n\
                 gd-cn,",
            ),
        ],
        &[],
    );
    let app = TestApp::spawn_empty().await.unwrap();
    let outcome = run(&app, package.path()).await;
    let ImportOutcome::Imported { warnings, .. } = &outcome else { panic!("refused: {outcome:?}") };
    let warning = warnings.iter().map(ToString::to_string).find(|w| w.starts_with("enrollments.csv:"));
    let warning = warning.expect("the row is reported");
    assert!(warning.starts_with("enrollments.csv:9:4 (classSourcedId)"), "{warning}");
    assert!(warning.contains("not enrolled in this scheduled class's homeroom class"), "{warning}");
    assert_eq!(counts(&outcome)["section_enrollment"], (3, 0, 0), "the other three are kept");
    app.stop().await.unwrap();
}

const COLUMNS: &str = "query($id: ID!, $semester: ID!) {
    section(id: $id) { assessments(semesterId: $semester) {
        id sequence kind held makeUpsOwed missed { studentId note missedOn } } } }";
const RESULTS_OF: &str = "query($id: ID!, $semester: ID!, $section: ID!) {
    student(id: $id) { results(semesterId: $semester, sectionId: $section) {
        kind sequence score noMakeUp exempt comment } } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_submitted_and_exempt_results_are_kept_owed_and_exported_as_they_came() {
    // Its results: a missed assessment whose make-up is owed (hs-003, the second regular
    // assessment), one the teacher recorded will not be made up (hs-002, same column), and
    // one the student is excused from (hs-003, the mid-term).
    let package = fidelity_fixture();
    let app = TestApp::spawn_empty().await.unwrap();
    let outcome = run(&app, &package).await;
    let ImportOutcome::Imported { warnings, .. } = &outcome else { panic!("refused: {outcome:?}") };
    assert!(warnings.is_empty(), "nothing is left out: {warnings:#?}");
    let counted = counts(&outcome);
    assert_eq!((counted["result"], counted["missed_assessment"]), ((11, 0, 0), (1, 0, 0)));
    let missed = missed_assessment::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(
        (missed.external_id.as_deref(), missed.comment.as_deref(), missed.missed_on.map(|d| d.to_string())),
        (Some("kq-06"), Some("Vắng kiểm tra, chưa kiểm tra bù"), Some("2026-10-15".to_owned()))
    );

    // The teacher sees the make-up owed where make-ups show, and the other two as recorded.
    give_password(&app, "gv-toan").await;
    let teacher = app.sign_in("gv.phamthu.ha").await.unwrap();
    let toan = section::Entity::find().filter(section::Column::ExternalId.eq("lop-6a1-toan")).one(&app.state.db);
    let toan = ids::encode("Section", toan.await.unwrap().unwrap().id).to_string();
    let student = |external: &'static str| {
        let db = app.state.db.clone();
        async move {
            let row = student::Entity::find().filter(student::Column::ExternalId.eq(external)).one(&db).await;
            ids::encode("Student", row.unwrap().unwrap().id).to_string()
        }
    };
    let (thu, anh) = (student("hs-003").await, student("hs-002").await);
    let semester = semester::Entity::find().filter(semester::Column::ExternalId.eq("hk1-2026")).one(&app.state.db);
    let semester = ids::encode("Semester", semester.await.unwrap().unwrap().id).to_string();
    let data = app.data(Some(&teacher), COLUMNS, json!({ "id": toan, "semester": semester })).await.unwrap();
    let columns = data["section"]["assessments"].as_array().unwrap();
    let second = columns.iter().find(|c| c["kind"] == "regular" && c["sequence"] == 2).unwrap().clone();
    assert_eq!((&second["held"], &second["makeUpsOwed"]), (&json!(true), &json!([thu])), "{second}");
    let recorded = json!([{ "studentId": thu, "note": "Vắng kiểm tra, chưa kiểm tra bù", "missedOn": "2026-10-15" }]);
    assert_eq!(second["missed"], recorded);
    // Another family's guardian learns nothing of it.
    give_password(&app, "ph-001").await;
    let father = app.sign_in("ph.nguyenvan.hung").await.unwrap();
    let seen = app.data(Some(&father), COLUMNS, json!({ "id": toan, "semester": semester })).await.unwrap();
    let seen = seen["section"]["assessments"].as_array().unwrap().clone();
    assert_eq!(seen.len(), 3);
    assert!(seen.iter().all(|c| c["makeUpsOwed"] == json!([]) && c["missed"] == json!([])), "{seen:?}");
    let midterm = columns.iter().find(|c| c["kind"] == "midterm").unwrap();
    assert_eq!(midterm["makeUpsOwed"], json!([]), "an excused student owes nothing");
    let results_of = |student: String| {
        let variables = json!({ "id": student, "semester": semester, "section": toan });
        let (app, teacher) = (&app, &teacher);
        async move { app.data(Some(teacher), RESULTS_OF, variables).await.unwrap()["student"]["results"].clone() }
    };
    let of_anh = results_of(anh).await;
    let forgone = of_anh.as_array().unwrap().iter().find(|r| r["kind"] == "regular" && r["sequence"] == 2);
    let forgone = forgone.unwrap();
    assert_eq!((&forgone["noMakeUp"], &forgone["score"]), (&json!(true), &Value::Null), "{forgone}");
    let of_thu = results_of(thu.clone()).await;
    let of_thu = of_thu.as_array().unwrap();
    assert!(!of_thu.iter().any(|r| r["kind"] == "regular" && r["sequence"] == 2), "a missed assessment is no result");
    let excused = of_thu.iter().find(|r| r["kind"] == "midterm").unwrap();
    assert_eq!((&excused["exempt"], &excused["comment"]), (&json!(true), &json!("Ốm dài ngày")), "{excused}");
    assert_eq!(excused["score"], Value::Null);

    // Exported as they came, and the same again after a trip through another database.
    let exported = tempfile::tempdir().unwrap();
    export_to(&app, exported.path(), false).await;
    let given = read_csv(&package.join("results.csv"));
    let written = read_csv(&exported.path().join("results.csv"));
    for id in ["kq-05", "kq-06", "kq-09"] {
        let [given, written] = [&given, &written].map(|rows| rows.iter().find(|r| r["sourcedId"] == id).unwrap());
        for column in ["scoreStatus", "score", "scoreDate", "comment", "textScore", "missing", "metadata.vn.noMakeUp"] {
            assert_eq!(written[column], given[column], "{id} {column}");
        }
    }
    assert!(counts(&run(&app, &package).await).is_empty(), "the same package again changes nothing");
    let second_db = TestApp::spawn_empty().await.unwrap();
    counts(&run(&second_db, exported.path()).await);
    let again = tempfile::tempdir().unwrap();
    export_to(&second_db, again.path(), false).await;
    assert_same_export(exported.path(), again.path());
    second_db.stop().await.unwrap();

    // Once the make-up is taken, the result is what goes out.
    let entries = json!([{ "studentId": thu, "score": 7.0, "version": null }]);
    app.data(Some(&teacher), RECORD, json!({ "column": second["id"], "entries": entries })).await.unwrap();
    let after = tempfile::tempdir().unwrap();
    export_to(&app, after.path(), false).await;
    let rows = read_csv(&after.path().join("results.csv"));
    assert!(rows.iter().all(|row| row["sourcedId"] != "kq-06"), "the missed row is not written once made up");
    let made_up =
        rows.iter().filter(|row| row["lineItemSourcedId"] == "toan-tx2" && row["scoreStatus"] == "fully graded");
    assert_eq!(made_up.map(|row| row["score"].clone()).collect::<Vec<_>>(), ["6", "7"]);
    app.stop().await.unwrap();
}

/// Rows without a value that give one all the same refuse the package at their cell.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_not_submitted_or_exempt_row_with_a_score_is_refused_at_its_cell() {
    let results = std::fs::read_to_string(fidelity_fixture().join("results.csv"))
        .unwrap()
        .replace("kq-05,,,toan-tx2,hs-002,not submitted,,", "kq-05,,,toan-tx2,hs-002,not submitted,4,")
        .replace("kq-09,,,toan-gk,hs-003,exempt,,", "kq-09,,,toan-gk,hs-003,exempt,8,");
    let package = edited_from(&fidelity_fixture(), &[], &[("results.csv", &results)]);
    let app = TestApp::spawn_empty().await.unwrap();
    let ImportOutcome::Refused { problems } = run(&app, package.path()).await else { panic!("imported") };
    let errors: Vec<String> = problems.iter().filter(|p| p.is_error()).map(ToString::to_string).collect();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(errors[0].starts_with("results.csv:6:7 (score)"), "{}", errors[0]);
    assert!(errors[1].starts_with("results.csv:10:7 (score)"), "{}", errors[1]);
    assert_eq!(missed_assessment::Entity::find().count(&app.state.db).await.unwrap(), 0, "nothing written");
    app.stop().await.unwrap();
}
