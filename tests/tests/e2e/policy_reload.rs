//! The running server follows edits of the policy files: a valid change takes effect without
//! a restart, an invalid one is refused and the running policy stays, and one that adds a
//! sensitive grant waits for the privacy officer's confirmation. Every attempt is recorded
//! (`policy_change`), and the disclosure log names the version each entry was judged under.

use emis_tests::TestApp;
use entity::{disclosure_log, policy_change};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, QueryOrder as _};
use serde_json::json;
use std::path::Path;
use std::time::Duration;

const RESULTS: &str = "{ students(first: 5) { nodes { results { score } } } }";

async fn clerk_sees_results(app: &TestApp, token: &str) -> bool {
    let data = app.data(Some(token), RESULTS, json!({})).await.unwrap();
    data["students"]["nodes"].as_array().unwrap().iter().any(|n| !n["results"].as_array().unwrap().is_empty())
}

async fn wait_for(app: &TestApp, token: &str, expected: bool) -> bool {
    for _ in 0..60 {
        if clerk_sees_results(app, token).await == expected {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

/// The recorded change of `outcome` (to `version`, when named), once the server has
/// recorded it: the running policy is swapped before its change is written, and the start
/// itself is recorded as applied.
async fn wait_for_change(app: &TestApp, outcome: &str, version: Option<&str>) -> policy_change::Model {
    for _ in 0..60 {
        let mut found = policy_change::Entity::find().filter(policy_change::Column::Outcome.eq(outcome));
        if let Some(version) = version {
            found = found.filter(policy_change::Column::Version.eq(version));
        }
        let found = found.order_by_desc(policy_change::Column::Id).one(&app.state.db).await.unwrap();
        if let Some(found) = found {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no {outcome} change was recorded")
}

fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has {from:?}");
    std::fs::write(&path, text.replace(from, to)).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_valid_policy_edit_takes_effect_and_a_broken_one_is_refused() {
    let dir = emis_tests::policy_copy();
    let policy = dir.path().to_path_buf();
    let app = TestApp::spawn_with(move |config| {
        config.policy_dir = policy;
        config.policy_reload_secs = 1;
    })
    .await
    .unwrap();
    let token = app.sign_in("vanthu").await.unwrap();
    assert!(!clerk_sees_results(&app, &token).await, "clerks see no grades by default");

    let mut lines = std::fs::read_to_string(dir.path().join("policy.csv")).unwrap();
    lines.push_str("p, clerk, result, read, in_school, allow\n");
    std::fs::write(dir.path().join("policy.csv"), lines).unwrap();
    edit(dir.path(), "cases.csv", "clerk, result, read, in_school, deny", "clerk, result, read, in_school, allow");
    let held = wait_for_change(&app, "held", None).await;
    assert!(!clerk_sees_results(&app, &token).await, "a new grant of grades waits for confirmation");
    let diff: serde_json::Value = serde_json::from_str(&held.diff).unwrap();
    assert_eq!(
        diff["grants"]["added"][0],
        json!({"role": "clerk", "kind": "result", "action": "read", "rel": "in_school"})
    );
    assert_eq!(held.previous_version, app.state.policy.current().version());

    std::fs::write(dir.path().join("confirmed.csv"), format!("{}, Nguyễn Bảo Mật\n", held.version)).unwrap();
    assert!(wait_for(&app, &token, true).await, "the confirmed line took effect without a restart");
    let applied = wait_for_change(&app, "applied", Some(&held.version)).await;
    assert_eq!(
        (applied.version.as_str(), applied.confirmed_by.as_deref()),
        (held.version.as_str(), Some("Nguyễn Bảo Mật"))
    );
    app.state.disclosures.flush().await;
    let logged = disclosure_log::Entity::find().order_by_desc(disclosure_log::Column::Id).one(&app.state.db).await;
    let logged = logged.unwrap().expect("the clerk's reads of results are logged");
    assert_eq!(logged.policy_version.as_deref(), Some(held.version.as_str()), "the entry names the version");

    edit(
        dir.path(),
        "policy.csv",
        "p, clerk, result, read, in_school, allow",
        "p, clerk, result, read, in_schol, allow",
    );
    wait_for_change(&app, "refused", None).await;
    assert!(clerk_sees_results(&app, &token).await, "a broken file is refused; the running policy stays");
    app.stop().await.unwrap();
}
