//! Importing a package written in a school's own words: Vietnamese and regional values of
//! the enumerated columns, `TOAN`-style subject codes, a school whose level is only in its
//! name or its grades and an `attendance.csv` the manifest forgets. It lands with a warning per mapped
//! value and the summary counts each mapping; a word no table knows refuses the package,
//! naming its cell and the accepted words, with nothing written.

use super::oneroster::{counts, edited, run};
use emis::exchange::{ImportOutcome, Mapping};
use emis_tests::TestApp;
use entity::{exchange_log, guardian, guardianship, org, student, subject};
use sea_orm::{ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _};
use std::collections::{BTreeMap, BTreeSet};

/// The fixture rewritten in the words schools use.
fn in_schools_words() -> tempfile::TempDir {
    edited(
        &[
            (
                "orgs.csv",
                "Trường THCS Lê Lợi,school,79000801,xa-tan-dinh,THCS,",
                "Trường THCS Lê Lợi,school,79000801,xa-tan-dinh,,",
            ),
            ("courses.csv", "Toán,toan,scored", "Toán,TOAN,điểm"),
            ("courses.csv", "Giáo dục thể chất,gdtc,comment", "Giáo dục thể chất,GDTC,Nhận xét"),
            ("users.csv", ",father,", ",Bố,"),
            ("users.csv", ",mother,", ",Má,"),
            ("users.csv", "079185000301,,,active", "079185000301,,,Đang làm việc"),
            ("users.csv", "0912000222,,,,,,,,thcs-le-loi,,,,,active", "0912000222,,,,,,,,thcs-le-loi,,,,,working"),
            ("results.csv", ",Đạt,", ",Đ,"),
            ("results.csv", "Cần cố gắng hơn,Chưa đạt", "Cần cố gắng hơn,chua dat"),
            ("manifest.csv", "file.attendance,bulk\n", ""),
        ],
        &[],
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_package_in_schools_words_lands_with_warnings_and_counted_mappings() {
    let app = TestApp::spawn_empty().await.unwrap();
    let db = &app.state.db;
    let package = in_schools_words();
    let outcome = run(&app, package.path()).await;
    let tables = counts(&outcome);
    assert_eq!(tables["subject"], (2, 0, 0));
    assert_eq!(tables["attendance"], (2, 0, 0), "attendance.csv read though the manifest omits it");
    assert_eq!(tables["result"], (12, 0, 0));
    let ImportOutcome::Imported { warnings, mappings, .. } = outcome else { unreachable!() };

    let mapping = |column: &str, value: &str, canonical: &'static str| Mapping {
        column: column.to_owned(),
        value: value.to_owned(),
        canonical,
    };
    let expected: BTreeMap<Mapping, u64> = [
        (mapping("orgs.csv name", "Trường THCS Lê Lợi", "THCS"), 1),
        (mapping("courses.csv subjectCodes", "TOAN", "toan"), 1),
        (mapping("courses.csv subjectCodes", "GDTC", "gdtc"), 1),
        (mapping("courses.csv metadata.vn.assessment", "điểm", "scored"), 1),
        (mapping("courses.csv metadata.vn.assessment", "Nhận xét", "comment"), 1),
        (mapping("users.csv metadata.vn.relationship", "Bố", "father"), 1),
        (mapping("users.csv metadata.vn.relationship", "Má", "mother"), 1),
        (mapping("users.csv metadata.vn.employmentStatus", "Đang làm việc", "active"), 1),
        (mapping("users.csv metadata.vn.employmentStatus", "working", "active"), 1),
        (mapping("results.csv textScore", "Đ", "Đạt"), 1),
        (mapping("results.csv textScore", "chua dat", "Chưa đạt"), 1),
    ]
    .into_iter()
    .collect();
    assert_eq!(mappings, expected);

    let text: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    assert!(warnings.iter().all(|warning| !warning.is_error()));
    for expected in [
        "users.csv:5:25 (metadata.vn.relationship): cảnh báo / warning: đã hiểu \"Bố\" là father / mapped \"Bố\" to father",
        "courses.csv:3:10 (subjectCodes): cảnh báo / warning: đã hiểu \"TOAN\" là toan / mapped \"TOAN\" to toan",
        "attendance.csv: cảnh báo / warning: ",
    ] {
        assert!(text.iter().any(|warning| warning.starts_with(expected)), "{expected} missing from {text:#?}");
    }
    // One per mapping, and the forgotten attendance.csv.
    assert_eq!(warnings.len(), 11 + 1, "{text:#?}");

    // Stored as EMIS's values.
    let codes: BTreeSet<String> = subject::Entity::find().all(db).await.unwrap().into_iter().map(|s| s.code).collect();
    assert_eq!(codes, BTreeSet::from(["gdtc".to_owned(), "toan".to_owned()]));
    let school = org::Entity::find().filter(org::Column::ExternalId.eq("thcs-le-loi")).one(db).await.unwrap().unwrap();
    assert_eq!(school.school_level.as_deref(), Some("THCS"));
    let mut relationships: Vec<String> =
        guardianship::Entity::find().all(db).await.unwrap().into_iter().map(|link| link.relationship).collect();
    relationships.sort();
    assert_eq!(relationships, ["father", "father", "mother"]);

    let log = exchange_log::Entity::find().one(db).await.unwrap().unwrap();
    assert!(log.summary.contains("; users.csv metadata.vn.relationship \"Má\"→mother×1"), "{}", log.summary);

    // Imported again, nothing changes, and the same words are mapped again.
    let again = run(&app, package.path()).await;
    assert!(counts(&again).is_empty(), "{:?}", counts(&again));
    let ImportOutcome::Imported { mappings: again, .. } = again else { unreachable!() };
    assert_eq!(again, expected);
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_word_no_table_knows_refuses_the_package_naming_its_cell_and_the_accepted_words() {
    let app = TestApp::spawn_empty().await.unwrap();
    let package = edited(&[("users.csv", ",father,", ",Bố,"), ("users.csv", ",mother,", ",Hàng xóm,")], &[]);
    let ImportOutcome::Refused { problems } = run(&app, package.path()).await else {
        panic!("an unknown relationship must refuse the package");
    };
    let errors: Vec<String> = problems.iter().filter(|p| p.is_error()).map(ToString::to_string).collect();
    let cell = "users.csv:6:25 (metadata.vn.relationship): lỗi / error: \"Hàng xóm\"";
    let error = errors.iter().find(|error| error.starts_with(cell)).unwrap_or_else(|| panic!("{errors:#?}"));
    // The guardian's row is refused, so the other errors are references to it.
    assert!(errors.iter().all(|other| other == error || other.contains("\"ph-002\"")), "{errors:#?}");
    for accepted in ["father, mother, guardian", "Bố", "Má", "Người giám hộ", "Thím"] {
        assert!(error.contains(accepted), "{accepted} missing from {error}");
    }
    assert!(error.contains("giá trị hợp lệ") && error.contains("expected one of"), "{error}");
    assert_eq!(org::Entity::find().count(&app.state.db).await.unwrap(), 0, "nothing was written");
    assert_eq!(student::Entity::find().count(&app.state.db).await.unwrap(), 0);
    assert_eq!(guardian::Entity::find().count(&app.state.db).await.unwrap(), 0);
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_school_whose_level_nothing_names_takes_it_from_the_grades_it_teaches() {
    let app = TestApp::spawn_empty().await.unwrap();
    let package = edited(
        &[(
            "orgs.csv",
            "Trường THCS Lê Lợi,school,79000801,xa-tan-dinh,THCS,",
            "Trường Lê Lợi,school,79000801,xa-tan-dinh,,",
        )],
        &[],
    );
    let outcome = run(&app, package.path()).await;
    assert_eq!(counts(&outcome)["org"], (3, 0, 0));
    let ImportOutcome::Imported { mappings, .. } = outcome else { unreachable!() };
    let by_grades = Mapping {
        column: "orgs.csv metadata.vn.schoolLevel".to_owned(),
        value: "grades 6".to_owned(),
        canonical: "THCS",
    };
    assert_eq!(mappings, BTreeMap::from([(by_grades, 1)]));
    let school = org::Entity::find().filter(org::Column::ExternalId.eq("thcs-le-loi")).one(&app.state.db).await;
    assert_eq!(school.unwrap().unwrap().school_level.as_deref(), Some("THCS"));
    app.stop().await.unwrap();
}
