//! Reloading the running policy: a broken or case-failing change is refused
//! and the running policy kept; a good change takes effect; the watcher does
//! this by itself when the files change.

mod common;

use std::time::Duration;

use emis_authz::{Action, Kind, PolicyError, PolicyStore, Relationship, Role};

const EXTRA_ALLOW: &str = "p, subject_teacher, student.health, read, teaches_section, allow";

fn teacher_reads_health(store: &PolicyStore) -> bool {
    let rel = Relationship::TeachesSection;
    store.current().decide(Role::SubjectTeacher, Kind::StudentHealth, Action::Read, rel)
}

fn remove_case_that_forbids_it(cases: &std::path::Path) {
    let text = std::fs::read_to_string(cases).unwrap();
    let kept: Vec<&str> = text.lines().filter(|l| !l.starts_with("subject_teacher, student.health")).collect();
    std::fs::write(cases, kept.join("\n")).unwrap();
}

#[tokio::test]
async fn a_broken_reload_keeps_the_running_policy_and_a_fixed_one_takes_effect() {
    let (_dir, files) = common::copy_of_shipped();
    let store = PolicyStore::open(files.clone()).await.unwrap();
    let before = store.current();
    assert!(!teacher_reads_health(&store));

    let good_policy = std::fs::read_to_string(&files.policy).unwrap();
    common::append(&files.policy, "p, subject_teacher, student.health, read, teaches_section, alow");
    let error = store.reload().await.unwrap_err();
    assert!(matches!(error, PolicyError::Invalid { .. }), "{error:?}");
    assert!(std::sync::Arc::ptr_eq(&before, &store.current()));
    assert!(!teacher_reads_health(&store));

    std::fs::write(&files.policy, good_policy).unwrap();
    common::append(&files.policy, EXTRA_ALLOW);
    remove_case_that_forbids_it(&files.cases);
    store.reload().await.unwrap();
    assert!(teacher_reads_health(&store));
    // A policy handed out before the reload keeps its decisions.
    let rel = Relationship::TeachesSection;
    assert!(!before.decide(Role::SubjectTeacher, Kind::StudentHealth, Action::Read, rel));
}

#[tokio::test]
async fn a_reload_whose_cases_fail_is_refused() {
    let (_dir, files) = common::copy_of_shipped();
    let store = PolicyStore::open(files.clone()).await.unwrap();
    // Valid line, but cases.csv says a subject teacher must not see health.
    common::append(&files.policy, EXTRA_ALLOW);
    let error = store.reload().await.unwrap_err();
    let PolicyError::CasesFailed { failures, passed } = &error else {
        panic!("expected CasesFailed, got {error:?}");
    };
    assert_eq!(failures.len(), 1);
    assert!(*passed >= 60);
    assert!(
        error.to_string().ends_with("expected deny, got allow — subject_teacher student.health read teaches_section"),
        "{error}"
    );
    assert!(!teacher_reads_health(&store));
}

#[tokio::test]
async fn a_store_does_not_open_when_a_case_fails() {
    let (_dir, files) = common::copy_of_shipped();
    common::append(&files.cases, "vendor, student, read, in_school, allow");
    let error = PolicyStore::open(files).await.unwrap_err();
    assert!(matches!(error, PolicyError::CasesFailed { .. }), "{error:?}");
}

async fn eventually(store: &PolicyStore, wanted: bool) -> bool {
    for _ in 0..200 {
        if teacher_reads_health(store) == wanted {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    false
}

#[tokio::test]
async fn the_watcher_reloads_a_good_change_and_ignores_a_bad_one() {
    let (_dir, files) = common::copy_of_shipped();
    let store = std::sync::Arc::new(PolicyStore::open(files.clone()).await.unwrap());
    let watcher = store.spawn_watcher(Duration::from_millis(20));

    common::append(&files.policy, "p, nobody, student, read, self, allow");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!teacher_reads_health(&store));
    assert!(!watcher.is_finished());

    let policy = std::fs::read_to_string(&files.policy).unwrap();
    let fixed = policy.replace("p, nobody, student, read, self, allow", EXTRA_ALLOW);
    remove_case_that_forbids_it(&files.cases);
    std::fs::write(&files.policy, fixed).unwrap();
    assert!(eventually(&store, true).await, "the watcher did not reload");

    drop(store);
    tokio::time::timeout(Duration::from_secs(2), watcher)
        .await
        .expect("the watcher stops once the store is dropped")
        .unwrap();
}
