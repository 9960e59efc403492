//! Sensitive values are never dropped quietly: `users.csv` reads a student's ethnicity,
//! religion and health in the columns of `demographics.csv`, sealed the same way, and the
//! two files must agree (for every user); a sensitive value in a column a file does not
//! read (a variant name like `Dân tộc`, or `metadata.vn.health` on `enrollments.csv`)
//! refuses the package at its cell with nothing written, and such a column left empty is
//! only a warning; the specification's sensitive columns EMIS does not keep (`sms` beside a
//! phone, the race flags) and a staff member's or guardian's background are warnings.

use super::oneroster::{counts, edited, export_to, fixture, read_csv, run};
use emis::exchange::ImportOutcome;
use emis::vault::Vault;
use emis_tests::TestApp;
use entity::{enrollment, org, student};
use sea_orm::{ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _};
use std::collections::BTreeMap;
use std::path::Path;

/// Adds `headers` to `file` of `package` and, per row's `sourcedId`, their values (other
/// rows leave them empty).
fn add_columns(package: &Path, file: &str, headers: &[&str], values: &[(&str, &[&str])]) {
    let path = package.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    let mut out = format!("{},{}\n", lines.next().unwrap(), headers.join(","));
    for line in lines {
        let id = line.split(',').next().unwrap();
        let given = values.iter().find(|(row, _)| *row == id).map(|(_, cells)| cells.join(","));
        out.push_str(&format!("{line},{}\n", given.unwrap_or_else(|| ",".repeat(headers.len() - 1))));
    }
    std::fs::write(path, out).unwrap();
}

/// The fixture with `edits` (file, text, replacement) applied, then `headers` added to `file`
/// with `values` ([`add_columns`]).
fn with_columns(
    file: &str,
    headers: &[&str],
    values: &[(&str, &[&str])],
    edits: &[(&str, &str, &str)],
) -> tempfile::TempDir {
    let package = edited(edits, &[]);
    add_columns(package.path(), file, headers, values);
    package
}

const BACKGROUND: [&str; 3] = ["metadata.vn.ethnicity", "metadata.vn.religion", "metadata.vn.health"];

/// A student's stored row, by exchange identifier.
async fn student(app: &TestApp, external_id: &str) -> student::Model {
    let row = student::Entity::find().filter(student::Column::ExternalId.eq(external_id)).one(&app.state.db).await;
    row.unwrap().unwrap()
}

/// A student's ethnicity, religion and health as stored, opened.
async fn background(app: &TestApp, external_id: &str) -> [Option<String>; 3] {
    let row = student(app, external_id).await;
    let vault = &app.state.vault;
    let key = Vault::key_id_of(row.identity_no_enc.as_deref().unwrap()).unwrap();
    vault.preload(&app.state.db, [key]).await.unwrap();
    [("ethnicity_enc", &row.ethnicity_enc), ("religion_enc", &row.religion_enc), ("health_enc", &row.health_enc)].map(
        |(column, sealed)| {
            let sealed = sealed.as_deref()?;
            // Sealed under the student's data key, as every value of theirs is.
            assert_eq!(Vault::key_id_of(sealed), Some(key), "{column} of {external_id}");
            Some(vault.open_field("student", column, row.id, sealed).unwrap())
        },
    )
}

/// The problems of a refused import, shown.
async fn refused(app: &TestApp, package: &Path) -> Vec<String> {
    let ImportOutcome::Refused { problems } = run(app, package).await else {
        panic!("the package must be refused");
    };
    problems.iter().filter(|problem| problem.is_error()).map(ToString::to_string).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_students_background_on_users_csv_is_sealed_like_demographics_and_exported_there() {
    let app = TestApp::spawn_empty().await.unwrap();
    // hs-003's ethnicity and a health note only on users.csv; hs-001's values on both files.
    let package = with_columns(
        "users.csv",
        &BACKGROUND,
        &[("hs-001", &["Kinh", "Không", ""]), ("hs-003", &["Hoa", "", "Hen suyễn"])],
        &[(
            "demographics.csv",
            "hs-003,,,2014-07-30,female,,,,,,,,VN,,,,Hoa,",
            "hs-003,,,2014-07-30,female,,,,,,,,VN,,,,,",
        )],
    );
    let outcome = run(&app, package.path()).await;
    assert_eq!(counts(&outcome)["student"], (3, 0, 0));
    let ImportOutcome::Imported { warnings, .. } = outcome else { unreachable!() };
    assert!(warnings.iter().all(|w| !w.to_string().contains("metadata.vn.")), "{warnings:#?}");

    let row = student(&app, "hs-003").await;
    let sealed = row.ethnicity_enc.clone().unwrap();
    assert!(!sealed.windows(3).any(|bytes| bytes == b"Hoa"), "the stored ethnicity is not the plain text");
    assert!(!row.health_enc.clone().unwrap().windows(4).any(|bytes| bytes == b"Hen "));
    let given = |values: [&str; 3]| values.map(|value| Some(value.to_owned()));
    assert_eq!(background(&app, "hs-003").await, given(["Hoa", "Phật giáo", "Hen suyễn"]));
    assert_eq!(background(&app, "hs-001").await, [Some("Kinh".to_owned()), Some("Không".to_owned()), None]);

    // Exported only with --sensitive, and only in demographics.csv.
    let out = tempfile::tempdir().unwrap();
    export_to(&app, out.path(), true).await;
    let demographics = read_csv(&out.path().join("demographics.csv"));
    let hs_003 = demographics.iter().find(|row| row["sourcedId"] == "hs-003").unwrap();
    assert_eq!([&hs_003[BACKGROUND[0]], &hs_003[BACKGROUND[2]]], ["Hoa", "Hen suyễn"]);
    for user in read_csv(&out.path().join("users.csv")) {
        assert!(BACKGROUND.iter().all(|column| user[*column].is_empty()), "{user:?}");
    }
    let plain = tempfile::tempdir().unwrap();
    export_to(&app, plain.path(), false).await;
    for entry in std::fs::read_dir(plain.path()).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        assert!(!text.contains("Hen suyễn"), "a health note leaked into an export without --sensitive");
    }

    // The same values given again on users.csv change nothing.
    let again = run(&app, package.path()).await;
    assert!(counts(&again).is_empty(), "{:?}", counts(&again));
    assert_eq!(student(&app, "hs-003").await.ethnicity_enc, Some(sealed), "an unchanged value keeps its ciphertext");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_csv_and_demographics_csv_that_disagree_refuse_the_package_at_the_users_cell() {
    let app = TestApp::spawn_empty().await.unwrap();
    let package = with_columns("users.csv", &BACKGROUND, &[("hs-002", &["Tày", "Không", ""])], &[]);
    let errors = refused(&app, package.path()).await;
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].starts_with("users.csv:3:27 (metadata.vn.ethnicity): lỗi / error:"), "{errors:#?}");
    assert!(errors[0].contains("two different values"), "{errors:#?}");
    assert!(!errors[0].contains("Tày") && !errors[0].contains("Kinh"), "sensitive values are not quoted");
    assert_eq!(org::Entity::find().count(&app.state.db).await.unwrap(), 0, "nothing was written");
    assert_eq!(student::Entity::find().count(&app.state.db).await.unwrap(), 0);

    // A staff member's too, though EMIS keeps a background for students only.
    let staff = with_columns("users.csv", &BACKGROUND, &[("gv-toan", &["Kinh", "", ""])], &[]);
    let demographics = staff.path().join("demographics.csv");
    let text = std::fs::read_to_string(&demographics).unwrap();
    std::fs::write(&demographics, format!("{text}gv-toan,{}Tày,,\n", ",".repeat(15))).unwrap();
    let errors = refused(&app, staff.path()).await;
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].starts_with("users.csv:7:27 (metadata.vn.ethnicity): lỗi / error:"), "{errors:#?}");
    assert_eq!(org::Entity::find().count(&app.state.db).await.unwrap(), 0, "nothing was written");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sensitive_value_where_its_file_does_not_read_it_refuses_the_package_at_its_cell() {
    let app = TestApp::spawn_empty().await.unwrap();
    let db = &app.state.db;
    let on_enrollments =
        with_columns("enrollments.csv", &["metadata.vn.health"], &[("gd-002", &["Dị ứng hải sản"])], &[]);
    let errors = refused(&app, on_enrollments.path()).await;
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let error = &errors[0];
    assert!(error.starts_with("enrollments.csv:3:11 (metadata.vn.health): lỗi / error: giá trị nhạy cảm"), "{error}");
    assert!(error.contains("EMIS reads it in demographics.csv column metadata.vn.health"), "{error}");
    assert!(!error.contains("Dị ứng"), "{error}");
    assert_eq!(org::Entity::find().count(db).await.unwrap(), 0, "nothing was written");
    assert_eq!(enrollment::Entity::find().count(db).await.unwrap(), 0);

    // Over a database that holds the students: a variant name on users.csv, beside a new name.
    counts(&run(&app, &fixture()).await);
    let before = student(&app, "hs-002").await;
    let variant = with_columns(
        "users.csv",
        &["Dân tộc"],
        &[("hs-002", &["Tày"])],
        &[("users.csv", "hs-002,,,true,,,Ánh,", "hs-002,,,true,,,Anh,")],
    );
    let errors = refused(&app, variant.path()).await;
    // The row is left out, so its demographics row names an unknown user too.
    let error = errors.iter().find(|error| error.starts_with("users.csv:3:27 (Dân tộc): lỗi / error:"));
    let error = error.unwrap_or_else(|| panic!("users.csv:3:27 missing from {errors:#?}"));
    assert!(error.contains("sensitive value (ethnicity)"), "{error}");
    assert!(error.contains("demographics.csv column metadata.vn.ethnicity"), "{error}");
    assert!(!error.contains("Tày"), "{error}");
    let after = student(&app, "hs-002").await;
    assert_eq!((&after.given_name, &after.ethnicity_enc), (&before.given_name, &before.ethnicity_enc), "unchanged");
    assert_eq!(background(&app, "hs-002").await[0].as_deref(), Some("Kinh"));
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_sensitive_column_where_it_is_not_read_is_a_warning_and_the_package_lands() {
    let app = TestApp::spawn_empty().await.unwrap();
    let package = with_columns("enrollments.csv", &["sức khỏe", "ghi chú"], &[], &[]);
    add_columns(package.path(), "users.csv", &["metadata.vn.Religion"], &[]);
    let outcome = run(&app, package.path()).await;
    let tables: BTreeMap<&str, (u64, u64, u64)> = counts(&outcome);
    assert_eq!(tables["student"], (3, 0, 0));
    assert_eq!(tables["enrollment"].0, 3);
    let ImportOutcome::Imported { warnings, .. } = outcome else { unreachable!() };
    let text: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    for expected in [
        "enrollments.csv:1:11 (sức khỏe): cảnh báo / warning: ",
        "enrollments.csv:1:12 (ghi chú): cảnh báo / warning: cột không xác định",
        "users.csv:1:27 (metadata.vn.Religion): cảnh báo / warning: ",
    ] {
        assert!(text.iter().any(|warning| warning.starts_with(expected)), "{expected} missing from {text:#?}");
    }
    let empty = text.iter().find(|warning| warning.contains("(sức khỏe)")).unwrap();
    assert!(empty.contains("nothing was lost") && empty.contains("demographics.csv column metadata.vn.health"));
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sensitive_values_emis_does_not_keep_in_their_usual_place_are_reported_not_dropped() {
    let gv_cn = format!("gv-cn,,,1985-01-01,male{}Kinh,,\n", ",".repeat(12));
    let package = edited(
        &[
            // A second number for a guardian; a teacher's number only in `sms`.
            (
                "users.csv",
                "ph-002,,,true,ph.lethi.hoa,,Hoa,Lê,Thị,,,,",
                "ph-002,,,true,ph.lethi.hoa,,Hoa,Lê,Thị,,,0909999888,",
            ),
            (
                "users.csv",
                "gv-cn,,,true,gv.dovan.nam,,Nam,Đỗ,Văn,,,,0912000222,",
                "gv-cn,,,true,gv.dovan.nam,,Nam,Đỗ,Văn,,,0912000222,,",
            ),
            // A race flag of the specification; a teacher's ethnicity.
            ("demographics.csv", "hs-001,,,2014-03-12,male,,", "hs-001,,,2014-03-12,male,,true"),
            ("demographics.csv", "hs-003,", &format!("{gv_cn}hs-003,")),
        ],
        &[],
    );
    let app = TestApp::spawn_empty().await.unwrap();
    let outcome = run(&app, package.path()).await;
    let ImportOutcome::Imported { warnings, .. } = &outcome else { panic!("refused: {outcome:?}") };
    let text: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    for (start, says) in [
        ("users.csv:6:12 (sms): cảnh báo / warning: ", "the number in sms was not kept"),
        ("demographics.csv:1:7 (asian): cảnh báo / warning: 1 ", "not the specification's race columns"),
        ("users.csv:8", "EMIS keeps ethnicity, religion and health for students only"),
    ] {
        let found = text.iter().find(|warning| warning.starts_with(start));
        assert!(found.is_some_and(|warning| warning.contains(says)), "{start} … {says} missing from {text:#?}");
    }
    assert_eq!(text.len(), 3, "{text:#?}");
    // The number given only in `sms` is the teacher's phone, sealed like any phone.
    let teacher = entity::staff::Entity::find().filter(entity::staff::Column::ExternalId.eq("gv-cn"));
    let teacher = teacher.one(&app.state.db).await.unwrap().unwrap();
    let phone = app.state.vault.open_field("staff", "phone_enc", teacher.id, teacher.phone_enc.as_deref().unwrap());
    assert_eq!(phone.as_deref(), Some("0912000222"));
    app.stop().await.unwrap();
}
