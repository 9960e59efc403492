//! Round trip as a property: generated OneRoster 1.2 CSV packages (`oneroster_roundtrip/`:
//! the shape proptest draws, the words, the files built from it) are imported into a fresh
//! database and exported with sensitive values; the export imported into another fresh
//! database and exported again gives the same files, and the first export gives back every
//! row and every column EMIS keeps of the package. The columns EMIS does not keep are one
//! list, the one README.md gives. A failing package is written to a folder named in the
//! failure, after shrinking.

mod build;
mod classes;
mod compare;
mod spec;
mod words;

use crate::oneroster::{assert_same_export, export_to, options};
use emis::exchange::{ImportOutcome, import};
use emis_tests::TestApp;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

/// Cases per run: 12, or `PROPTEST_CASES`. A failure shrinks for up to five minutes.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(12);
    let shrinking = ProptestConfig {
        max_shrink_iters: 2_000,
        max_shrink_time: 300_000,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    ProptestConfig { cases, ..shrinking }
}

/// Imports the package in `dir` into a fresh database and exports it (with sensitive values)
/// into `out`.
async fn import_and_export(dir: &Path, out: &Path) -> Result<(), String> {
    let app = TestApp::spawn_empty().await.map_err(|error| error.to_string())?;
    let outcome = import(&app.state.db, &app.state.vault, dir, &options(), &emis::exchange::Silent).await;
    let refused = match outcome {
        Ok(ImportOutcome::Imported { .. }) => None,
        Ok(ImportOutcome::Refused { problems }) => {
            Some(problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))
        }
        Err(error) => Some(format!("{error:#}")),
    };
    if refused.is_none() {
        export_to(&app, out, true).await;
    }
    app.stop().await.map_err(|error| error.to_string())?;
    match refused {
        Some(problems) => Err(format!("{} was refused:\n{problems}", dir.display())),
        None => Ok(()),
    }
}

/// Where a failing package is left: the last one written is the smallest proptest found.
fn failure_folder() -> PathBuf {
    std::env::temp_dir().join(format!("emis-oneroster-roundtrip-{}", std::process::id()))
}

/// The round trip of one package; its differences, the package left in a folder, as the error.
async fn round_trip(spec: &spec::Spec) -> Result<(), String> {
    let package = tempfile::tempdir().unwrap();
    build::Package::of(spec).write(package.path());
    let (first, second) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut problems = match import_and_export(package.path(), first.path()).await {
        Ok(()) => compare::differences(package.path(), first.path()),
        Err(refused) => vec![refused],
    };
    if problems.is_empty() {
        match import_and_export(first.path(), second.path()).await {
            Ok(()) => {
                let same = std::panic::catch_unwind(|| assert_same_export(first.path(), second.path()));
                if let Err(panic) = same {
                    let text = panic.downcast_ref::<String>().cloned().unwrap_or_default();
                    problems.push(format!("the export imported and exported again differs: {text}"));
                }
            }
            Err(refused) => problems.push(format!("the export {refused}")),
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    let folder = failure_folder();
    let _ = std::fs::remove_dir_all(&folder);
    for (name, from) in [("package", package.path()), ("first-export", first.path()), ("second-export", second.path())]
    {
        std::fs::create_dir_all(folder.join(name)).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), folder.join(name).join(entry.file_name())).unwrap();
        }
    }
    Err(format!("the package, its exports in {}:\n{}", folder.display(), problems.join("\n")))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_generated_package_comes_back_whole_from_import_and_export(spec in spec::spec()) {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let outcome = runtime.block_on(round_trip(&spec));
        prop_assert!(outcome.is_ok(), "{}", outcome.unwrap_err());
    }
}

/// The columns README.md lists under "What EMIS does not keep": file, column and the rows
/// (`type`, `classType` or `role`; none for all) of each row of its table.
fn readme_not_kept() -> Vec<(String, String, Vec<String>)> {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md")).unwrap();
    let section = readme.split("### What EMIS does not keep").nth(1).expect("README.md has the section");
    let section = section.split("\n#").next().unwrap();
    let plain = |cell: &str| cell.trim().trim_matches('`').to_owned();
    section
        .lines()
        .filter(|line| line.starts_with("| `"))
        .map(|line| {
            let cells: Vec<&str> = line.split('|').collect();
            let rows = if cells[3].trim() == "all" { vec![] } else { cells[3].split(',').map(plain).collect() };
            (plain(cells[1]), plain(cells[2]), rows)
        })
        .collect()
}

#[test]
fn the_columns_left_out_of_the_comparison_are_the_ones_readme_says_emis_does_not_keep() {
    let ours: Vec<(String, String, Vec<String>)> = compare::NOT_KEPT
        .iter()
        .map(|entry| {
            (entry.file.to_owned(), entry.column.to_owned(), entry.rows.iter().map(|r| (*r).to_owned()).collect())
        })
        .collect();
    assert_eq!(readme_not_kept(), ours, "README.md's table and compare::NOT_KEPT list the same columns, in order");
    for entry in compare::NOT_KEPT {
        let kind = emis_oneroster::FileKind::named(entry.file).expect("a file EMIS reads");
        assert!(kind.columns().iter().any(|column| column.name == entry.column), "{} {}", entry.file, entry.column);
    }
}
