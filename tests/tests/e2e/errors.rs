//! Errors that say what is wrong: a policy folder that does not exist stops start-up, named.

use emis::config::Config;
use emis::startup::Application;
use emis_tests::TestDatabase;
use std::path::PathBuf;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_policy_folder_that_does_not_exist_stops_startup_naming_it() {
    let mut database = TestDatabase::create().await.unwrap();
    let missing = PathBuf::from("no-such-policy-folder");
    let error = Application::build(Config::for_database(database.url.clone(), missing)).await.err();
    let message = format!("{:#}", error.expect("start-up refused"));
    assert!(message.contains("no-such-policy-folder") && message.contains("EMIS_POLICY_DIR"), "{message}");
    database.drop_database().await.unwrap();
}
