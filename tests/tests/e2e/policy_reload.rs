//! The running server follows edits of the policy files: a valid change takes effect without
//! a restart, an invalid one is refused and the running policy stays.

use emis_tests::{TestApp, policy_dir};
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

fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has {from:?}");
    std::fs::write(&path, text.replace(from, to)).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_valid_policy_edit_takes_effect_and_a_broken_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for file in ["model.conf", "policy.csv", "cases.csv"] {
        std::fs::copy(policy_dir().join(file), dir.path().join(file)).unwrap();
    }
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
    assert!(wait_for(&app, &token, true).await, "the new line took effect without a restart");

    edit(
        dir.path(),
        "policy.csv",
        "p, clerk, result, read, in_school, allow",
        "p, clerk, result, read, in_schol, allow",
    );
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(clerk_sees_results(&app, &token).await, "a broken file is refused; the running policy stays");
    app.stop().await.unwrap();
}
