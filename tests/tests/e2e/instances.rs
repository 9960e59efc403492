//! Several server instances over one database behave as one: a session opened on one works
//! on the other, signing out on one ends it on both, and sign-in throttling is shared. What
//! must reach every instance at once (subscriptions' wake-ups, sign-outs, policy versions):
//! `signals.rs`.

mod signals;

use emis::config::Config;
use emis::startup::Application;
use emis_tests::{TestApp, error_code, policy_dir};
use serde_json::{Value, json};

async fn second_instance(
    app: &TestApp,
) -> (String, tokio::task::JoinHandle<anyhow::Result<()>>, tokio::sync::oneshot::Sender<()>) {
    let mut config = Config::for_database(app.database.url.clone(), policy_dir());
    config.identity_file = Some(app.database.dir().join("identity.txt"));
    let other = Application::build(config).await.unwrap();
    let address = format!("http://{}/graphql", other.local_addr().unwrap());
    let (stop, signal) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(other.run_until(async move {
        let _ = signal.await;
    }));
    (address, server, stop)
}

async fn post(address: &str, token: Option<&str>, query: &str, variables: Value) -> Value {
    let mut request = reqwest::Client::new().post(address).json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap().json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_sessions_revocations_and_throttling() {
    let app = TestApp::spawn().await.unwrap();
    let (other, server, stop) = second_instance(&app).await;
    let token = app.sign_in("gvcn").await.unwrap();
    let me = post(&other, Some(&token), "{ me { roles } }", json!({})).await;
    assert!(me["data"]["me"]["roles"].as_array().is_some_and(|roles| !roles.is_empty()), "{me}");

    app.data(Some(&token), "mutation { signOut }", json!({})).await.unwrap();
    let after = post(&other, Some(&token), "{ me { roles } }", json!({})).await;
    assert_eq!(error_code(&after), Some("UNAUTHENTICATED"));

    let sign_in = "mutation($i: String!, $p: String!) { signIn(identifier: $i, password: $p) { accessToken } }";
    for attempt in 0..5 {
        let target = if attempt % 2 == 0 { app.address.clone() + "/graphql" } else { other.clone() };
        post(&target, None, sign_in, json!({ "i": "gvbm", "p": "wrong" })).await;
    }
    let locked = post(&other, None, sign_in, json!({ "i": "gvbm", "p": emis_tests::DEMO_PASSWORD })).await;
    assert_eq!(error_code(&locked), Some("THROTTLED"), "failures on both instances add up");

    let _ = stop.send(());
    server.await.unwrap().unwrap();
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_over_get_works_and_a_mutation_over_get_does_not() {
    let app = TestApp::spawn().await.unwrap();
    let response = app.get("/graphql?query=%7B%20me%20%7B%20roles%20%7D%20%7D").await.unwrap();
    let body: Value = response.json().await.unwrap();
    assert!(body["data"]["me"].is_null(), "{body}");
    let mutation = app.get("/graphql?query=mutation%20%7B%20signOut%20%7D").await.unwrap();
    let body: Value = mutation.json().await.unwrap();
    assert!(body.get("errors").is_some(), "mutations are refused over GET: {body}");
    app.stop().await.unwrap();
}
