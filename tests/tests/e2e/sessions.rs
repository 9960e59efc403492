//! Sign-in, refresh, sign-out, throttling, and access ending at once when a staff member
//! leaves; refresh rotating atomically, a reused refresh token ending its whole session, the
//! absolute lifetime of a session, and signing out everywhere.

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
    app.data(Some(&second), ME, json!({})).await.expect("the new token works");
    let reused = app
        .graphql(
            None,
            "mutation($r: String!) { refreshSession(refreshToken: $r) { accessToken } }",
            json!({ "r": refresh }),
        )
        .await
        .unwrap();
    assert_eq!(error_code(&reused), Some("UNAUTHENTICATED"), "a refresh token works once");
    let other = app.data(None, SIGN_IN, json!({ "i": "gvcn", "p": DEMO_PASSWORD })).await.unwrap();
    let third = other["signIn"]["accessToken"].as_str().unwrap().to_owned();
    app.data(Some(&third), "mutation { signOut }", json!({})).await.unwrap();
    let after = app.graphql(Some(&third), ME, json!({})).await.unwrap();
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

const REFRESH: &str =
    "mutation($r: String!) { refreshSession(refreshToken: $r) { accessToken refreshToken refreshExpiresAt } }";

/// Signs `identifier` in: (access token, refresh token).
async fn tokens(app: &TestApp, identifier: &str) -> (String, String) {
    let body = app.data(None, SIGN_IN, json!({ "i": identifier, "p": DEMO_PASSWORD })).await.unwrap();
    let token = |name: &str| body["signIn"][name].as_str().unwrap().to_owned();
    (token("accessToken"), token("refreshToken"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_parallel_refreshes_with_one_token_give_exactly_one_success() {
    let app = TestApp::spawn().await.unwrap();
    let (_, refresh) = tokens(&app, "gvcn").await;
    let attempts = (0..5).map(|_| app.graphql(None, REFRESH, json!({ "r": refresh })));
    let answers = futures::future::join_all(attempts).await;
    let answers: Vec<serde_json::Value> = answers.into_iter().map(Result::unwrap).collect();
    let succeeded = answers.iter().filter(|answer| answer.get("errors").is_none()).count();
    assert_eq!(succeeded, 1, "{answers:?}");
    let losers = answers.iter().filter(|answer| answer.get("errors").is_some());
    assert!(losers.clone().all(ended_by_reuse), "a refresh token used twice, even at once, is reuse: {answers:?}");
    app.stop().await.unwrap();
}

/// Whether `body` is the answer to a session ended because its refresh token was used twice.
fn ended_by_reuse(body: &serde_json::Value) -> bool {
    let error = &body["errors"][0];
    error_code(body) == Some("UNAUTHENTICATED")
        && error["extensions"]["reason"] == "REFRESH_TOKEN_REUSED"
        && error["message"].as_str().is_some_and(|message| message.contains("used twice") && message.contains(" / "))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reusing_a_rotated_refresh_token_ends_the_whole_session_and_says_why() {
    let app = TestApp::spawn().await.unwrap();
    let (_, stolen) = tokens(&app, "gvcn").await;
    let rotated = app.data(None, REFRESH, json!({ "r": stolen })).await.unwrap();
    let access = rotated["refreshSession"]["accessToken"].as_str().unwrap().to_owned();
    let refresh = rotated["refreshSession"]["refreshToken"].as_str().unwrap().to_owned();
    let again = app.data(None, REFRESH, json!({ "r": refresh })).await.unwrap();
    let latest = again["refreshSession"]["accessToken"].as_str().unwrap().to_owned();
    let latest_refresh = again["refreshSession"]["refreshToken"].as_str().unwrap().to_owned();
    app.data(Some(&latest), ME, json!({})).await.unwrap();
    let (unrelated, _) = tokens(&app, "gvcn").await;

    let reuse = app.graphql(None, REFRESH, json!({ "r": stolen })).await.unwrap();
    assert!(ended_by_reuse(&reuse), "{reuse}");
    let next = app.graphql(Some(&latest), ME, json!({})).await.unwrap();
    assert!(ended_by_reuse(&next), "the session's newest access token ends too: {next}");
    let refreshed = app.graphql(None, REFRESH, json!({ "r": latest_refresh })).await.unwrap();
    assert!(ended_by_reuse(&refreshed), "and its newest refresh token: {refreshed}");
    let older = app.graphql(Some(&access), ME, json!({})).await.unwrap();
    assert_eq!(error_code(&older), Some("UNAUTHENTICATED"));
    app.data(Some(&unrelated), ME, json!({})).await.expect("another session of the same person lives on");
    app.stop().await.unwrap();
}

/// Moves the start of every session back to `days` ago.
async fn age_sessions(app: &TestApp, days: i64) {
    use entity::auth_session;
    let started = chrono::Utc::now() - chrono::Duration::days(days);
    auth_session::Entity::update_many()
        .col_expr(auth_session::Column::CreatedAt, sea_orm::sea_query::Expr::value(started))
        .exec(&app.state.db)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refreshing_never_extends_a_session_past_its_absolute_lifetime() {
    let app = TestApp::spawn_with(|config| config.refresh_token_days = 30).await.unwrap();
    let (_, refresh) = tokens(&app, "gvcn").await;
    age_sessions(&app, 89).await;
    let rotated = app.data(None, REFRESH, json!({ "r": refresh })).await.unwrap();
    let until: chrono::DateTime<chrono::Utc> =
        rotated["refreshSession"]["refreshExpiresAt"].as_str().unwrap().parse().unwrap();
    assert!(until < chrono::Utc::now() + chrono::Duration::days(2), "capped at 90 days from sign-in: {until}");
    age_sessions(&app, 91).await;
    let next = rotated["refreshSession"]["refreshToken"].as_str().unwrap();
    let expired = app.graphql(None, REFRESH, json!({ "r": next })).await.unwrap();
    assert_eq!(error_code(&expired), Some("INVALID_CREDENTIALS"), "{expired}");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_everywhere_ends_every_session_of_the_caller_only() {
    let app = TestApp::spawn().await.unwrap();
    let (phone, phone_refresh) = tokens(&app, "gvcn").await;
    let (laptop, _) = tokens(&app, "gvcn").await;
    let (someone_else, _) = tokens(&app, "canbo").await;
    let ended = app.data(Some(&laptop), "mutation { signOutEverywhere }", json!({})).await.unwrap();
    assert_eq!(ended["signOutEverywhere"], 2);
    for token in [&phone, &laptop] {
        let body = app.graphql(Some(token), ME, json!({})).await.unwrap();
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
    }
    let refreshed = app.graphql(None, REFRESH, json!({ "r": phone_refresh })).await.unwrap();
    assert!(refreshed.get("errors").is_some(), "{refreshed}");
    app.data(Some(&someone_else), ME, json!({})).await.expect("other people's sessions live on");
    let anonymous = app.graphql(None, "mutation { signOutEverywhere }", json!({})).await.unwrap();
    assert_eq!(error_code(&anonymous), Some("UNAUTHENTICATED"));
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_everywhere_ends_the_subscriptions_of_those_sessions() {
    use super::subscriptions::{assert_ends, connect, next};
    use futures::SinkExt as _;
    let app = TestApp::spawn_with(|config| config.subscriptions.poll_ms = 50).await.unwrap();
    let (listening, _) = tokens(&app, "0901234567").await;
    let mut socket = connect(&app, &listening).await;
    assert_eq!(next(&mut socket).await.unwrap()["type"], "connection_ack");
    let subscribe = json!({ "id": "1", "type": "subscribe",
        "payload": { "query": "subscription { notifications { kind status } }" } });
    let message = tokio_tungstenite::tungstenite::Message::text(subscribe.to_string());
    socket.send(message).await.unwrap();
    let (other, _) = tokens(&app, "0901234567").await;
    app.data(Some(&other), "mutation { signOutEverywhere }", json!({})).await.unwrap();
    assert_ends(&mut socket).await;
    app.stop().await.unwrap();
}
