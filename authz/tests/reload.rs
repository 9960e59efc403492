//! Reloading the running policy: a broken or case-failing change is refused
//! and the running policy kept; a good change takes effect, unless it adds a
//! sensitive grant, which is held until `confirmed.csv` names its version; the
//! watcher does this by itself when the files change and reports each attempt.

mod common;

use std::time::Duration;

use emis_authz::{Action, Kind, Outcome, PolicyChange, PolicyError, PolicyStore, Relationship, Role};

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
    let held = store.reload().await.unwrap();
    assert_eq!(held.outcome, Outcome::Held);
    assert!(!teacher_reads_health(&store), "a new sensitive grant waits for confirmation");
    confirm(&files, &held);
    let applied = store.reload().await.unwrap();
    assert_eq!((applied.outcome, applied.confirmed_by.as_deref()), (Outcome::Applied, Some("Bảo Mật")));
    assert!(teacher_reads_health(&store));
    // A policy handed out before the reload keeps its decisions.
    let rel = Relationship::TeachesSection;
    assert!(!before.decide(Role::SubjectTeacher, Kind::StudentHealth, Action::Read, rel));
}

#[tokio::test]
async fn a_broken_purposes_list_is_refused_naming_its_line_and_a_good_change_applies() {
    let (_dir, files) = common::copy_of_shipped();
    let store = PolicyStore::open(files.clone()).await.unwrap();
    let before = store.current();
    assert_eq!(before.consent_purposes(Kind::StudentHealth), ["school_health"]);

    let shipped = std::fs::read_to_string(&files.purposes).unwrap();
    common::append(&files.purposes, "photos, consent, student.helth, Ảnh, Photos");
    let error = store.reload().await.unwrap_err();
    assert!(matches!(error, PolicyError::Purposes { .. }), "{error:?}");
    assert!(error.to_string().contains("purposes.csv:") && error.to_string().contains("helth"), "{error}");
    assert!(std::sync::Arc::ptr_eq(&before, &store.current()), "the running policy stays");

    let narrowed = shipped.replace("school_health, consent, student.health,", "school_health, consent, -,");
    std::fs::write(&files.purposes, narrowed).unwrap();
    let applied = store.reload().await.unwrap();
    assert_eq!(applied.outcome, Outcome::Applied);
    assert!(store.current().consent_purposes(Kind::StudentHealth).is_empty(), "the new list is read with the policy");
}

/// Confirms the held change's version in `confirmed.csv`, as the privacy officer does.
fn confirm(files: &emis_authz::PolicyFiles, held: &PolicyChange) {
    common::append(&files.confirmed, &format!("{}, Bảo Mật", held.version));
}

#[tokio::test]
async fn a_new_health_grant_is_held_with_its_diff_until_its_version_is_confirmed() {
    let (_dir, files) = common::copy_of_shipped();
    let store = PolicyStore::open(files.clone()).await.unwrap();
    let running = store.current().version().to_owned();
    remove_case_that_forbids_it(&files.cases);
    common::append(&files.policy, "p, subject_teacher, student.health, read, in_school, allow");
    let held = store.reload().await.unwrap();
    assert_eq!(held.outcome, Outcome::Held);
    assert_eq!(held.previous_version, running);
    assert_ne!(held.version, running);
    let added: Vec<String> = held.grants.added.iter().map(ToString::to_string).collect();
    assert_eq!(added, ["subject_teacher, student.health, read, in_school"]);
    assert!(held.grants.removed.is_empty());
    assert_eq!(held.lines.added.len(), 1);
    assert!(held.reason.as_deref().unwrap().contains(&held.version));
    assert_eq!(store.current().version(), running, "the running policy stays");
    let words = held.grants.to_string();
    assert!(words.contains("health and disability notes") && words.contains("SENSITIVE: sức khỏe / health"), "{words}");

    // A confirmation of another version confirms nothing.
    common::append(&files.confirmed, &format!("{running}, Bảo Mật"));
    assert_eq!(store.reload().await.unwrap().outcome, Outcome::Held);
    confirm(&files, &held);
    let applied = store.reload().await.unwrap();
    assert_eq!(applied.outcome, Outcome::Applied);
    assert_eq!(store.current().version(), held.version);
    let rel = Relationship::InSchool;
    assert!(store.current().decide(Role::SubjectTeacher, Kind::StudentHealth, Action::Read, rel));
}

#[tokio::test]
async fn a_change_without_new_sensitive_grants_applies_at_once_and_so_does_taking_one_away() {
    let (_dir, files) = common::copy_of_shipped();
    let store = PolicyStore::open(files.clone()).await.unwrap();
    common::append(&files.policy, "p, clerk, school_year, read, any, allow");
    let change = store.reload().await.unwrap();
    assert_eq!(change.outcome, Outcome::Applied);
    assert_eq!(store.current().version(), change.version);

    let policy = std::fs::read_to_string(&files.policy).unwrap();
    let fewer = policy.replace("p, guardian, student.health, read, guardian_of, allow\n", "");
    let text = std::fs::read_to_string(&files.cases).unwrap();
    let cases: Vec<&str> = text.lines().filter(|l| !l.starts_with("guardian, student.health")).collect();
    std::fs::write(&files.cases, cases.join("\n")).unwrap();
    std::fs::write(&files.policy, fewer).unwrap();
    let change = store.reload().await.unwrap();
    assert_eq!(change.outcome, Outcome::Applied);
    let removed: Vec<String> = change.grants.removed.iter().map(ToString::to_string).collect();
    assert_eq!(removed, ["guardian, student.health, read, guardian_of"]);
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
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<PolicyChange>::new()));
    let observed = std::sync::Arc::clone(&seen);
    let watcher = store.spawn_watcher(Duration::from_millis(20), move |change| observed.lock().unwrap().push(change));

    common::append(&files.policy, "p, nobody, student, read, self, allow");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!teacher_reads_health(&store));
    assert!(!watcher.is_finished());

    let policy = std::fs::read_to_string(&files.policy).unwrap();
    let fixed = policy.replace("p, nobody, student, read, self, allow", EXTRA_ALLOW);
    remove_case_that_forbids_it(&files.cases);
    std::fs::write(&files.policy, fixed).unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!teacher_reads_health(&store), "held");
    let held = seen.lock().unwrap().last().cloned().unwrap();
    confirm(&files, &held);
    assert!(eventually(&store, true).await, "the watcher did not reload");
    let mut outcomes: Vec<Outcome> = seen.lock().unwrap().iter().map(|change| change.outcome.clone()).collect();
    outcomes.dedup();
    assert_eq!(outcomes, [Outcome::Refused, Outcome::Held, Outcome::Applied]);

    drop(store);
    tokio::time::timeout(Duration::from_secs(2), watcher)
        .await
        .expect("the watcher stops once the store is dropped")
        .unwrap();
}

#[tokio::test]
async fn a_version_applied_elsewhere_is_adopted_once() {
    let (_dir, files) = common::copy_of_shipped();
    let store = PolicyStore::open(files.clone()).await.unwrap();
    let running = store.current();
    let text = format!("{}\n{EXTRA_ALLOW}\n", running.text());
    let elsewhere = emis_authz::Policy::from_texts(&files, running.model_text(), &text).await.unwrap();
    let version = elsewhere.version().to_owned();
    assert!(store.adopt(elsewhere).await);
    assert_eq!(store.current().version(), version);
    assert!(teacher_reads_health(&store), "adopted as applied, without this store's cases or confirmation");
    let again = emis_authz::Policy::from_texts(&files, running.model_text(), &text).await.unwrap();
    assert!(!store.adopt(again).await, "the running version is not swapped again");
}
