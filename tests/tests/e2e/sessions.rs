//! Sign-in, refresh, sign-out, throttling, and access ending at once when a staff member
//! leaves.

use emis_tests::{DEMO_PASSWORD, TestApp, error_code};
use entity::staff;
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use serde_json::json;

const SIGN_IN: &str =
    "mutation($i: String!, $p: String!) { signIn(identifier: $i, password: $p) { accessToken refreshToken } }";
const ME: &str = "{ me { accountKind roles } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_account_and_a_wrong_password_fail_alike() {
    let app = TestApp::spawn().await.unwrap();
    let unknown = app.graphql(None, SIGN_IN, json!({ "i": "khongtontai", "p": "x" })).await.unwrap();
    let wrong = app.graphql(None, SIGN_IN, json!({ "i": "gvcn", "p": "x" })).await.unwrap();
    assert_eq!(error_code(&unknown), Some("INVALID_CREDENTIALS"));
    assert_eq!(unknown["errors"][0]["message"], wrong["errors"][0]["message"]);
    assert_eq!(error_code(&unknown), error_code(&wrong));
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guardian_signs_in_with_a_phone_number() {
    let app = TestApp::spawn().await.unwrap();
    let token = app.sign_in("0901234567").await.unwrap();
    let me = app.data(Some(&token), ME, json!({})).await.unwrap();
    assert_eq!(me["me"]["accountKind"], "guardian");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_failures_lock_the_identifier_even_with_the_right_password() {
    let app = TestApp::spawn().await.unwrap();
    for _ in 0..5 {
        let body = app.graphql(None, SIGN_IN, json!({ "i": "gvcn", "p": "sai" })).await.unwrap();
        assert_eq!(error_code(&body), Some("INVALID_CREDENTIALS"));
    }
    let locked = app.graphql(None, SIGN_IN, json!({ "i": "gvcn", "p": DEMO_PASSWORD })).await.unwrap();
    assert_eq!(error_code(&locked), Some("THROTTLED"));
    let unknown = app.graphql(None, SIGN_IN, json!({ "i": "nobody", "p": "x" })).await.unwrap();
    assert_eq!(error_code(&unknown), Some("INVALID_CREDENTIALS"), "others are not locked");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_revokes_the_token_and_refresh_rotates_it() {
    let app = TestApp::spawn().await.unwrap();
    let body = app.data(None, SIGN_IN, json!({ "i": "gvcn", "p": DEMO_PASSWORD })).await.unwrap();
    let refresh = body["signIn"]["refreshToken"].as_str().unwrap().to_owned();
    let first = body["signIn"]["accessToken"].as_str().unwrap().to_owned();
    let rotated = app
        .data(
            None,
            "mutation($r: String!) { refreshSession(refreshToken: $r) { accessToken } }",
            json!({ "r": refresh }),
        )
        .await
        .unwrap();
    let second = rotated["refreshSession"]["accessToken"].as_str().unwrap().to_owned();
    let old = app.graphql(Some(&first), ME, json!({})).await.unwrap();
    assert_eq!(error_code(&old), Some("UNAUTHENTICATED"), "the rotated-out token stops working");
    let reused = app
        .graphql(
            None,
            "mutation($r: String!) { refreshSession(refreshToken: $r) { accessToken } }",
            json!({ "r": refresh }),
        )
        .await
        .unwrap();
    assert_eq!(error_code(&reused), Some("INVALID_CREDENTIALS"), "a refresh token works once");
    app.data(Some(&second), "mutation { signOut }", json!({})).await.unwrap();
    let after = app.graphql(Some(&second), ME, json!({})).await.unwrap();
    assert_eq!(error_code(&after), Some("UNAUTHENTICATED"));
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_staff_member_who_leaves_loses_access_with_the_token_they_hold() {
    let app = TestApp::spawn().await.unwrap();
    let token = app.sign_in("gvcn").await.unwrap();
    app.data(Some(&token), ME, json!({})).await.unwrap();
    staff::Entity::update_many()
        .col_expr(staff::Column::Status, sea_orm::sea_query::Expr::value("left"))
        .filter(staff::Column::Username.eq("gvcn"))
        .exec(&app.state.db)
        .await
        .unwrap();
    let body = app.graphql(Some(&token), ME, json!({})).await.unwrap();
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
    let again = app.graphql(None, SIGN_IN, json!({ "i": "gvcn", "p": DEMO_PASSWORD })).await.unwrap();
    assert_eq!(error_code(&again), Some("INVALID_CREDENTIALS"));
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_anonymous_caller_must_sign_in_and_sees_no_one() {
    let app = TestApp::spawn().await.unwrap();
    let me = app.data(None, ME, json!({})).await.unwrap();
    assert!(me["me"].is_null());
    let body = app.graphql(None, "{ students { totalCount } }", json!({})).await.unwrap();
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
    let bogus = app.graphql(Some("emis_at_forged"), ME, json!({})).await.unwrap();
    assert_eq!(error_code(&bogus), Some("UNAUTHENTICATED"));
    app.stop().await.unwrap();
}
