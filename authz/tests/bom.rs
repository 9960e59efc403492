//! Policy files saved with a UTF-8 byte-order mark (as spreadsheet editors and some text
//! editors save them) load as if the mark were not there: at start, through `policy check`
//! and `policy test`, and on reload.

mod common;

use std::path::Path;

use emis_authz::{Action, Kind, Policy, PolicyStore, Relationship, Role, read_cases};

const BOM: &str = "\u{feff}";

/// Puts a byte-order mark in front of the file's text.
fn add_bom(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, format!("{BOM}{text}")).unwrap();
}

fn homeroom_reads_contacts(policy: &Policy) -> bool {
    policy.decide(Role::HomeroomTeacher, Kind::GuardianContact, Action::Read, Relationship::HomeroomOf)
}

#[tokio::test]
async fn each_policy_file_with_a_byte_order_mark_loads_as_without_it() {
    for file in ["model.conf", "policy.csv", "cases.csv"] {
        let (dir, files) = common::copy_of_shipped();
        let plain = PolicyStore::open(files.clone()).await.unwrap().current().line_count();
        add_bom(&dir.path().join(file));
        let store = PolicyStore::open(files.clone()).await.unwrap_or_else(|error| panic!("{file}: {error}"));
        assert_eq!(store.current().line_count(), plain, "{file}: every line is read");
        assert!(homeroom_reads_contacts(&store.current()), "{file}: the policy decides as before");
        // What `emis policy check` and `emis policy test` read.
        let policy = Policy::load(&files).await.unwrap_or_else(|error| panic!("{file}: {error}"));
        let cases = read_cases(&files.cases).unwrap_or_else(|error| panic!("{file}: {error}"));
        let report = policy.check_cases(&cases);
        assert!(report.failures.is_empty() && report.passed > 0, "{file}: every case passes");
    }
}

#[tokio::test]
async fn a_policy_line_first_in_a_file_with_a_byte_order_mark_counts() {
    // Without comments above it, the mark sits right before the first line's `p`.
    let line = "p, subject_teacher, student.health, read, teaches_section, allow";
    let (_dir, files) = common::with_policy(&format!("{BOM}{line}\n"), "");
    let policy = Policy::load(&files).await.unwrap();
    assert!(policy.decide(Role::SubjectTeacher, Kind::StudentHealth, Action::Read, Relationship::TeachesSection));
}

#[tokio::test]
async fn a_reload_of_files_saved_with_a_byte_order_mark_takes_effect() {
    let (_dir, files) = common::copy_of_shipped();
    let store = PolicyStore::open(files.clone()).await.unwrap();
    let text = std::fs::read_to_string(&files.policy).unwrap();
    let without = text.replace(
        "p, homeroom_teacher, guardian.contact, read, homeroom_of, allow",
        "p, homeroom_teacher, guardian.contact, read, homeroom_of, deny",
    );
    assert_ne!(without, text, "the shipped policy grants homeroom teachers the contacts");
    std::fs::write(&files.policy, format!("{BOM}{without}")).unwrap();
    let cases = std::fs::read_to_string(&files.cases).unwrap().replace(
        "homeroom_teacher, guardian.contact, read, homeroom_of, allow",
        "homeroom_teacher, guardian.contact, read, homeroom_of, deny",
    );
    std::fs::write(&files.cases, format!("{BOM}{cases}")).unwrap();
    add_bom(&files.model);
    store.reload().await.unwrap();
    assert!(!homeroom_reads_contacts(&store.current()), "the edited line took effect");
}
