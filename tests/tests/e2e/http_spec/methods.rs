//! Methods: GET runs queries only (a mutation or subscription over GET is refused with 405
//! and `Allow: POST`, and nothing runs); queries over GET keep working; other methods are
//! refused with 405 in the coded shape.

use super::{GRAPHQL_RESPONSE, JSON, assert_coded, get, send};
use crate::grade_entry::{RECORD, scored_column, stored};
use emis_tests::{DEMO_PASSWORD, TestApp};
use entity::{auth_session, record_change};
use sea_orm::{EntityTrait as _, PaginatorTrait as _};
use serde_json::json;

async fn sessions(app: &TestApp) -> u64 {
    auth_session::Entity::find().count(&app.state.db).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_over_get_is_refused_with_405_and_opens_no_session() {
    let app = TestApp::spawn().await.unwrap();
    let before = sessions(&app).await;
    let literal =
        format!("mutation {{ signIn(identifier: \"gvcn\", password: \"{DEMO_PASSWORD}\") {{ accessToken }} }}");
    let with_variables = "mutation($i: String!, $p: String!) { signIn(identifier: $i, password: $p) { accessToken } }";
    let variables = json!({ "i": "gvcn", "p": DEMO_PASSWORD }).to_string();
    let chosen = "query Me { me { roles } } mutation SignIn { signIn(identifier: \"gvcn\", password: \"emis-demo\") { accessToken } }";
    let attempts: [&[(&str, &str)]; 3] = [
        &[("query", &literal)],
        &[("query", with_variables), ("variables", &variables)],
        &[("query", chosen), ("operationName", "SignIn")],
    ];
    for parameters in attempts {
        for accept in [Some(GRAPHQL_RESPONSE), Some(JSON), None] {
            let answer = get(&app, parameters, accept, &[]).await;
            assert_eq!(answer.status, 405, "{parameters:?} {accept:?}: {}", answer.body);
            assert_eq!(answer.header("allow"), Some("POST"));
            assert!(!answer.body.contains("accessToken"), "no token over GET: {}", answer.body);
            assert_coded(&answer.json(), "METHOD_NOT_ALLOWED");
        }
    }
    assert_eq!(sessions(&app).await, before, "no session was opened");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recording_scores_over_get_writes_nothing() {
    let app = TestApp::spawn().await.unwrap();
    let token = app.sign_in("gvbm").await.unwrap();
    let column = scored_column(&app, &token).await;
    let before = stored(&app, &column).await;
    let history = record_change::Entity::find().count(&app.state.db).await.unwrap();
    let entries: Vec<_> = column
        .students
        .iter()
        .map(|(student, version)| json!({ "studentId": student, "score": 0.1, "version": version }))
        .collect();
    let variables = json!({ "column": column.id, "entries": entries }).to_string();
    let bearer = format!("Bearer {token}");
    let answer = get(&app, &[("query", RECORD), ("variables", &variables)], None, &[("Authorization", &bearer)]).await;
    assert_eq!(answer.status, 405, "{}", answer.body);
    assert_eq!(answer.header("allow"), Some("POST"));
    assert_coded(&answer.json(), "METHOD_NOT_ALLOWED");
    assert_eq!(stored(&app, &column).await, before, "no score was written");
    assert_eq!(record_change::Entity::find().count(&app.state.db).await.unwrap(), history, "no history was written");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queries_keep_working_over_get_and_subscriptions_do_not() {
    let app = TestApp::spawn().await.unwrap();
    let token = app.sign_in("gvcn").await.unwrap();
    let bearer = format!("Bearer {token}");
    let auth: &[(&str, &str)] = &[("Authorization", &bearer)];
    let plain = get(&app, &[("query", "{ me { accountKind } }")], Some(GRAPHQL_RESPONSE), auth).await;
    assert_eq!(plain.status, 200, "{}", plain.body);
    assert_eq!(plain.json()["data"]["me"]["accountKind"], "staff");
    let parameters = [
        ("query", "query Me($first: Int) { students(first: $first) { nodes { id } } } mutation Out { signOut }"),
        ("operationName", "Me"),
        ("variables", r#"{"first":1}"#),
        ("extensions", ""),
    ];
    let chosen = get(&app, &parameters, Some(JSON), auth).await;
    assert_eq!(chosen.status, 200, "{}", chosen.body);
    assert_eq!(chosen.json()["data"]["students"]["nodes"].as_array().map(Vec::len), Some(1), "{}", chosen.body);
    let me = app.data(Some(&token), "{ me { accountKind } }", json!({})).await.unwrap();
    assert_eq!(me["me"]["accountKind"], "staff", "the mutation of the document did not run: still signed in");
    let subscription = get(&app, &[("query", "subscription { notifications { id } }")], None, auth).await;
    assert_eq!(subscription.status, 405, "{}", subscription.body);
    assert_coded(&subscription.json(), "METHOD_NOT_ALLOWED");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_methods_are_refused_with_405_in_the_coded_shape() {
    let app = TestApp::spawn().await.unwrap();
    for method in ["PUT", "DELETE", "PATCH"] {
        let answer = send(&app, method, "/graphql", &[("Content-Type", JSON)], b"").await;
        assert_eq!(answer.status, 405, "{method}");
        let allow = answer.header("allow").unwrap_or_default();
        assert!(allow.contains("GET") && allow.contains("POST"), "{method}: Allow {allow}");
        assert_coded(&answer.json(), "METHOD_NOT_ALLOWED");
    }
    app.stop().await.unwrap();
}
