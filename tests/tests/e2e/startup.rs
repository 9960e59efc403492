//! Start-up refuses what it cannot serve safely: a broken policy file (naming the file and
//! line), or encrypted data without the identity file.

use emis::config::Config;
use emis::startup::Application;
use emis_tests::{TestApp, TestDatabase, policy_dir};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_policy_line_with_an_unknown_role_stops_startup_with_file_and_line() {
    let mut database = TestDatabase::create().await.unwrap();
    let dir = database.dir().join("policy");
    std::fs::create_dir_all(&dir).unwrap();
    for file in ["model.conf", "policy.csv", "cases.csv"] {
        std::fs::copy(policy_dir().join(file), dir.join(file)).unwrap();
    }
    let mut policy = std::fs::read_to_string(dir.join("policy.csv")).unwrap();
    policy.push_str("p, teachr, student, read, in_school, allow\n");
    let line = policy.lines().count();
    std::fs::write(dir.join("policy.csv"), policy).unwrap();
    let error =
        Application::build(Config::for_database(database.url.clone(), dir)).await.err().expect("startup refused");
    let message = format!("{error:#}");
    assert!(message.contains(&format!("policy.csv:{line}")), "names file and line: {message}");
    assert!(message.contains("teachr"), "names the problem: {message}");
    database.drop_database().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn encrypted_data_without_the_identity_file_stops_startup() {
    let app = TestApp::spawn().await.unwrap();
    let url = app.database.url.clone();
    let mut config = Config::for_database(url, policy_dir());
    config.identity_file = None;
    let error = Application::build(config).await.err().expect("startup refused");
    assert!(format!("{error:#}").contains("EMIS_IDENTITY_FILE"));
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_readiness_answer() {
    let app = TestApp::spawn().await.unwrap();
    assert!(app.get("/healthz").await.unwrap().status().is_success());
    assert!(app.get("/readyz").await.unwrap().status().is_success());
    app.stop().await.unwrap();
}
