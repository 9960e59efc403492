//! What a OneRoster package says comes back out of EMIS with the same identifiers and the
//! same meaning: students' enrollments in scheduled classes keep their `sourcedId`, dates and
//! `primary` flag; the ones EMIS makes itself are named stably; a row EMIS cannot follow is
//! reported by its line, never dropped silently.

use crate::oneroster::{counts, edited, export_to, read_csv, run};
use emis::exchange::ImportOutcome;
use emis_tests::TestApp;
use entity::section_enrollment;
use sea_orm::{EntityTrait as _, PaginatorTrait as _};
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

/// The fixture with one scheduled-class enrollment's dates and flag, and one homeroom
/// enrollment's flag, of their own.
const OWN_DATES: [(&str, &str, &str); 2] = [
    (
        "enrollments.csv",
        "gd-005,,,lop-6a1-toan,thcs-le-loi,hs-002,student,,2026-09-05,",
        "gd-005,,,lop-6a1-toan,thcs-le-loi,hs-002,student,false,2026-09-20,",
    ),
    (
        "enrollments.csv",
        "gd-001,,,lop-6a1,thcs-le-loi,hs-001,student,,2026-09-05,",
        "gd-001,,,lop-6a1,thcs-le-loi,hs-001,student,true,2026-09-05,",
    ),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduled_class_enrollments_keep_their_identifiers_dates_and_primary_flag() {
    let package = edited(&OWN_DATES, &[]);
    let app = TestApp::spawn_empty().await.unwrap();
    let first = counts(&run(&app, package.path()).await);
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
    assert!(counts(&run(&app, package.path()).await).is_empty());
    let second = TestApp::spawn_empty().await.unwrap();
    counts(&run(&second, exported.path()).await);
    let again = tempfile::tempdir().unwrap();
    export_to(&second, again.path(), false).await;
    assert_eq!(student_enrollments(again.path()), enrollments);
    second.stop().await.unwrap();

    // A package that renames an enrollment renames the kept row; it does not add one.
    let rename = ("enrollments.csv", "gd-004,,,lop-6a1-toan", "gd-104,,,lop-6a1-toan");
    let renamed = edited(&[OWN_DATES[0], OWN_DATES[1], rename], &[]);
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
