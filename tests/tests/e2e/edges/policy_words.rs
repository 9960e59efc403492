//! Words of the policy take effect: a privacy officer given the disclosure log of every
//! school (`disclosure`, `any`) reads the entries of a school not their own.

use super::world::{principal_of, schools_of};
use emis_tests::TestApp;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disclosure_line_for_any_relationship_opens_every_schools_log() {
    let dir = emis_tests::policy_copy();
    let mut lines = std::fs::read_to_string(dir.path().join("policy.csv")).unwrap();
    lines.push_str("p, privacy_officer, disclosure, read, any, allow\n");
    std::fs::write(dir.path().join("policy.csv"), lines).unwrap();
    let folder = dir.path().to_path_buf();
    let app = TestApp::spawn_with(move |config| config.policy_dir = folder).await.unwrap();

    // The principal of a school that is not the privacy officer's is shown a student.
    let elsewhere = schools_of(&app, "TH").await[0];
    let principal = app.sign_in(&principal_of(&app, elsewhere).await).await.unwrap();
    let shown = app.data(Some(&principal), "{ students(first: 1) { nodes { id identityNumber } } }", json!({})).await;
    let student = shown.unwrap()["students"]["nodes"][0]["id"].as_str().unwrap().to_owned();
    app.state.disclosures.flush().await;

    let officer = app.sign_in("baomat").await.unwrap();
    let log = app.data(Some(&officer), "{ disclosureLog(first: 200) { studentId } }", json!({})).await.unwrap();
    let listed = log["disclosureLog"].as_array().unwrap();
    assert!(listed.iter().any(|entry| entry["studentId"] == student.as_str()), "{log}");
    app.stop().await.unwrap();
}
