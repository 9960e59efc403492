//! A primary class's summary book through OneRoster: its subject evaluations at the
//! checkpoints go out as line items with `metadata.vn.checkpoint` and results with the level
//! in `textScore` (and the periodic test in `score`), and come back as the same evaluations;
//! levels written as words (`Hoàn thành tốt`, `h`, `CHT`…) land as T/H/C with the mappings
//! counted; a word no table knows, a test the checkpoint has not, or a student outside the
//! class refuse the package at their cell, with nothing written.

use super::oneroster::{assert_same_export, counts, export_to, read_csv, run};
use emis::books::primary::has_test;
use emis::exchange::{ImportOutcome, Mapping};
use emis_oneroster::Reason;
use emis_rules::primary::Checkpoint;
use emis_tests::TestApp;
use entity::{exchange_log, homeroom_class, org, primary_evaluation as evaluation, section, student, subject};
use sea_orm::{ActiveValue::Set, ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// An evaluation as both databases name it: (student, class, checkpoint, subject, level,
/// test, comment).
type Named = (String, String, String, String, String, Option<i16>, Option<String>);

async fn named(app: &TestApp) -> BTreeSet<Named> {
    let db = &app.state.db;
    let students: BTreeMap<i64, String> =
        student::Entity::find().all(db).await.unwrap().into_iter().map(|s| (s.id, s.external_id)).collect();
    let classes: BTreeMap<i64, String> =
        homeroom_class::Entity::find().all(db).await.unwrap().into_iter().map(|c| (c.id, c.external_id)).collect();
    evaluation::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| {
            let (student, class) = (students[&row.student_id].clone(), classes[&row.class_id].clone());
            (student, class, row.checkpoint, row.item, row.level, row.test_score, row.comment)
        })
        .collect()
}

/// The first grade-1 class of the seeded primary school, its Toán section (a test at the end
/// of semester I) and a section of a subject without a test then, and its students.
async fn primary_class(app: &TestApp) -> (homeroom_class::Model, section::Model, section::Model, Vec<student::Model>) {
    let db = &app.state.db;
    let school = org::Entity::find().filter(org::Column::SchoolLevel.eq("TH")).one(db).await.unwrap().unwrap();
    let class = homeroom_class::Entity::find()
        .filter(homeroom_class::Column::SchoolId.eq(school.id))
        .filter(homeroom_class::Column::GradeLevel.eq(1))
        .one(db)
        .await
        .unwrap()
        .expect("a grade-1 class");
    let subjects: BTreeMap<i64, String> =
        subject::Entity::find().all(db).await.unwrap().into_iter().map(|s| (s.id, s.code)).collect();
    let sections = section::Entity::find().filter(section::Column::ClassId.eq(class.id)).all(db).await.unwrap();
    let toan = sections.iter().find(|s| subjects[&s.subject_id] == "toan").expect("Toán").clone();
    let untested = sections
        .iter()
        .find(|s| !has_test(&subjects[&s.subject_id], 1, Checkpoint::EndSemesterOne))
        .expect("a subject without a test")
        .clone();
    let students = student::Entity::find()
        .filter(student::Column::SchoolId.eq(school.id))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .collect::<Vec<_>>();
    let enrolled: BTreeSet<i64> = entity::enrollment::Entity::find()
        .filter(entity::enrollment::Column::ClassId.eq(class.id))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.student_id)
        .collect();
    let students = students.into_iter().filter(|s| enrolled.contains(&s.id)).take(3).collect();
    (class, toan, untested, students)
}

/// Records end-of-semester-I evaluations in the seeded database: Toán T 9, H 7, C 4 (with a
/// comment on the last), and the untested subject H without a score.
async fn record_evaluations(app: &TestApp) {
    let (class, toan, untested, students) = primary_class(app).await;
    assert_eq!(students.len(), 3);
    let rows = [
        (&toan, &students[0], "T", Some(9), None),
        (&toan, &students[1], "H", Some(7), None),
        (&toan, &students[2], "C", Some(4), Some("Cần luyện thêm phép trừ")),
        (&untested, &students[0], "H", None, None),
    ];
    for (section, pupil, level, test, comment) in rows {
        let item = subject::Entity::find_by_id(section.subject_id).one(&app.state.db).await.unwrap().unwrap().code;
        let row = evaluation::ActiveModel {
            school_id: Set(class.school_id),
            student_id: Set(pupil.id),
            class_id: Set(class.id),
            section_id: Set(Some(section.id)),
            checkpoint: Set("end_1".to_owned()),
            item: Set(item),
            level: Set(level.to_owned()),
            test_score: Set(test),
            comment: Set(comment.map(str::to_owned)),
            version: Set(1),
            updated_by_id: Set(1),
            updated_at: Set(chrono::Utc::now()),
            ..Default::default()
        };
        evaluation::Entity::insert(row).exec(&app.state.db).await.unwrap();
    }
}

/// Rewrites `file` of the package at `dir`, each row through `edit` (its cells by header).
fn rewrite(dir: &Path, file: &str, edit: impl Fn(&mut BTreeMap<String, String>)) {
    let path = dir.join(file);
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    drop(reader);
    let rows = read_csv(&path);
    let mut writer = csv::Writer::from_path(&path).unwrap();
    writer.write_record(&header).unwrap();
    for mut row in rows {
        edit(&mut row);
        writer.write_record(header.iter().map(|column| row[column].as_str())).unwrap();
    }
    writer.flush().unwrap();
}

/// A copy of the package at `from`.
fn copy_of(from: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    dir
}

fn is_checkpoint(row: &BTreeMap<String, String>) -> bool {
    row["lineItemSourcedId"].starts_with("emis-checkpoint-")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_primary_book_exports_and_imports_back_with_its_levels_tests_and_words() {
    let seeded = TestApp::spawn().await.unwrap();
    record_evaluations(&seeded).await;
    let exported = tempfile::tempdir().unwrap();
    export_to(&seeded, exported.path(), true).await;

    // Out as line items with the checkpoint and results with the level and the test.
    let items = read_csv(&exported.path().join("lineItems.csv"));
    let checkpoint_items: Vec<_> = items.iter().filter(|row| row["metadata.vn.checkpoint"] == "end_1").collect();
    assert_eq!(checkpoint_items.len(), 2, "one line item per section with evaluations");
    let results = read_csv(&exported.path().join("results.csv"));
    let mut written: Vec<(String, String)> =
        results.iter().filter(|row| is_checkpoint(row)).map(|r| (r["textScore"].clone(), r["score"].clone())).collect();
    written.sort();
    let expected = [("C", "4"), ("H", ""), ("H", "7"), ("T", "9")].map(|(l, s)| (l.to_owned(), s.to_owned()));
    assert_eq!(written, expected);

    // Into a fresh database: the same evaluations; exported again, the same files.
    let fresh = TestApp::spawn_empty().await.unwrap();
    let first = counts(&run(&fresh, exported.path()).await);
    assert_eq!(first["primary_evaluation"], (4, 0, 0));
    assert_eq!(named(&fresh).await, named(&seeded).await);
    let again = tempfile::tempdir().unwrap();
    export_to(&fresh, again.path(), true).await;
    assert_same_export(exported.path(), again.path());
    // Imported once more, nothing changes.
    let second = counts(&run(&fresh, exported.path()).await);
    assert!(!second.contains_key("primary_evaluation"), "{second:?}");
    // A changed level and test update the stored evaluation; an empty comment keeps its own.
    let changed = copy_of(exported.path());
    rewrite(changed.path(), "results.csv", |row| {
        if is_checkpoint(row) && row["textScore"] == "C" {
            row.insert("textScore".to_owned(), "H".to_owned());
            row.insert("score".to_owned(), "5".to_owned());
            row.insert("comment".to_owned(), String::new());
        }
    });
    assert_eq!(counts(&run(&fresh, changed.path()).await)["primary_evaluation"], (0, 1, 0));
    let updated = evaluation::Entity::find()
        .filter(evaluation::Column::Comment.eq("Cần luyện thêm phép trừ"))
        .one(&fresh.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((updated.level.as_str(), updated.test_score, updated.version), ("H", Some(5), 2));
    assert_eq!(evaluation::Entity::find().count(&fresh.state.db).await.unwrap(), 4);

    // The levels in words: mapped with a warning each, counted in the summary.
    let worded = copy_of(exported.path());
    rewrite(worded.path(), "results.csv", |row| {
        if is_checkpoint(row) {
            let word = match (row["textScore"].as_str(), row["score"].as_str()) {
                ("T", _) => "Hoàn thành tốt",
                ("H", "7") => "h",
                ("H", _) => "completed",
                _ => "CHT",
            };
            row.insert("textScore".to_owned(), word.to_owned());
        }
    });
    let words_app = TestApp::spawn_empty().await.unwrap();
    let outcome = run(&words_app, worded.path()).await;
    assert_eq!(counts(&outcome)["primary_evaluation"], (4, 0, 0));
    let ImportOutcome::Imported { mappings, .. } = outcome else { unreachable!() };
    let mapping = |value: &str, canonical: &'static str| {
        (Mapping { column: "results.csv textScore".to_owned(), value: value.to_owned(), canonical }, 1)
    };
    let expected: BTreeMap<Mapping, u64> =
        [mapping("Hoàn thành tốt", "T"), mapping("h", "H"), mapping("completed", "H"), mapping("CHT", "C")]
            .into_iter()
            .collect();
    assert_eq!(mappings, expected);
    let log = exchange_log::Entity::find().one(&words_app.state.db).await.unwrap().unwrap();
    assert!(log.summary.contains("; results.csv textScore \"CHT\"→C×1"), "{}", log.summary);
    assert_eq!(named(&words_app).await, named(&seeded).await, "the words land as T, H and C");

    for app in [seeded, fresh, words_app] {
        app.stop().await.unwrap();
    }
}

/// The errors of a refused import, as printed.
fn errors(outcome: ImportOutcome) -> Vec<(String, Reason)> {
    let ImportOutcome::Refused { problems } = outcome else { panic!("the package must be refused") };
    problems.into_iter().filter(|p| p.is_error()).map(|p| (p.to_string(), p.reason)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_level_a_test_the_checkpoint_has_not_and_a_student_outside_the_class_refuse_the_package() {
    let seeded = TestApp::spawn().await.unwrap();
    record_evaluations(&seeded).await;
    let exported = tempfile::tempdir().unwrap();
    export_to(&seeded, exported.path(), true).await;
    let results = read_csv(&exported.path().join("results.csv"));
    let line_of = |wanted: &dyn Fn(&BTreeMap<String, String>) -> bool| {
        results.iter().position(wanted).map(|index| index + 2).unwrap()
    };
    let column_of = |header: &str| {
        let reader = csv::Reader::from_path(exported.path().join("results.csv")).unwrap().headers().unwrap().clone();
        reader.iter().position(|name| name == header).unwrap() + 1
    };

    // "X" for the top level, a score on the untested subject.
    let broken = copy_of(exported.path());
    rewrite(broken.path(), "results.csv", |row| {
        if is_checkpoint(row) && row["textScore"] == "T" {
            row.insert("textScore".to_owned(), "X".to_owned());
        }
        if is_checkpoint(row) && row["score"].is_empty() {
            row.insert("score".to_owned(), "8".to_owned());
        }
    });
    let empty = TestApp::spawn_empty().await.unwrap();
    let errors_seen = errors(run(&empty, broken.path()).await);
    let x_line = line_of(&|row| is_checkpoint(row) && row["textScore"] == "T");
    let cell = format!("results.csv:{x_line}:{} (textScore): lỗi / error: ", column_of("textScore"));
    let (x_error, _) = errors_seen.iter().find(|(text, _)| text.starts_with(&cell)).unwrap_or_else(|| {
        panic!("{cell} missing from {errors_seen:#?}");
    });
    for accepted in ["T, H, C", "Hoàn thành tốt", "Hoàn thành", "Chưa hoàn thành", "\"X\""] {
        assert!(x_error.contains(accepted), "{accepted} missing from {x_error}");
    }
    let test_line = line_of(&|row| is_checkpoint(row) && row["score"].is_empty());
    let cell = format!("results.csv:{test_line}:{} (score): lỗi / error: ", column_of("score"));
    assert!(
        errors_seen.iter().any(|(text, _)| text.starts_with(&cell) && text.contains("no periodic test")),
        "{cell} missing from {errors_seen:#?}"
    );
    assert_eq!(errors_seen.len(), 2, "{errors_seen:#?}");
    assert_eq!(student::Entity::find().count(&empty.state.db).await.unwrap(), 0, "nothing was written");
    assert_eq!(evaluation::Entity::find().count(&empty.state.db).await.unwrap(), 0);

    // A student of another school's class, and one who does not exist: refused alike.
    let (_, _, _, ours) = primary_class(&seeded).await;
    let ours: BTreeSet<String> = ours.into_iter().map(|s| s.external_id).collect();
    let (theirs, missing) = {
        let db = &seeded.state.db;
        let school = org::Entity::find().filter(org::Column::SchoolLevel.eq("THCS")).one(db).await.unwrap().unwrap();
        let other = student::Entity::find().filter(student::Column::SchoolId.eq(school.id)).one(db).await.unwrap();
        (other.unwrap().external_id, "hs-nobody".to_owned())
    };
    let outside = copy_of(exported.path());
    let (t, m) = (theirs.clone(), missing.clone());
    rewrite(outside.path(), "results.csv", move |row| {
        if is_checkpoint(row) && row["textScore"] == "T" {
            row.insert("studentSourcedId".to_owned(), t.clone());
        }
        if is_checkpoint(row) && row["textScore"] == "C" {
            row.insert("studentSourcedId".to_owned(), m.clone());
        }
    });
    let refused = errors(run(&empty, outside.path()).await);
    assert_eq!(refused.len(), 2, "{refused:#?}");
    for ((text, reason), who) in refused.iter().zip([&theirs, &missing]) {
        assert!(text.starts_with("results.csv:") && text.contains("(studentSourcedId)"), "{text}");
        assert_eq!(reason, &Reason::UnknownReference { file: "users.csv", value: who.clone() }, "{text}");
    }
    assert!(!ours.contains(&theirs));
    assert_eq!(evaluation::Entity::find().count(&empty.state.db).await.unwrap(), 0, "nothing was written");

    seeded.stop().await.unwrap();
    empty.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_checkpoint_on_a_lower_secondary_class_refuses_the_package_at_its_cell() {
    let app = TestApp::spawn_empty().await.unwrap();
    let fixture = std::fs::read_to_string(super::oneroster::fixture().join("lineItems.csv")).unwrap();
    let mut lines: Vec<String> = fixture.lines().map(|line| format!("{line},")).collect();
    lines[0] = lines[0].replace("metadata.vn.sequence,", "metadata.vn.sequence,metadata.vn.checkpoint");
    lines.push(
        "toan-chk1,,,Toán 6A1 — cuối học kỳ I,,,,lop-6a1-toan,dm-gk,hk1-2026,,,thcs-le-loi,,Cuối học kỳ I".to_owned(),
    );
    let package = super::oneroster::edited(&[], &[("lineItems.csv", &(lines.join("\n") + "\n"))]);
    let errors = errors(run(&app, package.path()).await);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let (text, _) = &errors[0];
    assert!(text.starts_with("lineItems.csv:6:15 (metadata.vn.checkpoint): lỗi / error: "), "{text}");
    assert!(text.contains("primary classes (Circular 27) only"), "{text}");
    assert_eq!(student::Entity::find().count(&app.state.db).await.unwrap(), 0, "nothing was written");
    app.stop().await.unwrap();
}
