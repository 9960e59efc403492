//! Accounts recovered: a clerk's reset of a guardian's access that ends every session, a
//! password change that checks the current one, a forgotten password reset by a code sent
//! to the phone on record, and a class sent its codes by SMS.

use super::{
    ISSUE, RESET, RESET_ACCESS, SIGN_IN, STRONG, STRONGER, activate, class_id, district, guardian_id, is_code, token,
};
use crate::oneroster::give_password;
use emis_tests::{TestApp, error_code};
use entity::account_event;
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, QueryOrder as _};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clerks_reset_ends_every_session_and_a_new_code_starts_again() {
    let app = district().await;
    for account in ["vt-001", "ph-001"] {
        give_password(&app, account).await;
    }
    let clerk = app.sign_in("vt.tranthi.mai").await.unwrap();
    let phone = app.sign_in("0903111222").await.unwrap();
    let laptop = app.sign_in("ph.nguyenvan.hung").await.unwrap();
    let (_, father) = guardian_id(&app, "ph-001").await;
    let data = app.data(Some(&clerk), RESET_ACCESS, json!({ "g": father, "d": "SHOW" })).await.unwrap();
    let reset = &data["resetGuardianAccess"];
    assert_eq!(reset["sessionsEnded"], 2);
    let code = reset["issued"]["code"].as_str().unwrap().to_owned();
    for old in [&phone, &laptop] {
        let body = app.graphql(Some(old), "{ me { children { fullName } } }", json!({})).await.unwrap();
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "the old tokens fail at the next request");
    }
    let password =
        app.graphql(None, SIGN_IN, json!({ "i": "ph.nguyenvan.hung", "p": emis_tests::DEMO_PASSWORD })).await.unwrap();
    assert_eq!(error_code(&password), Some("INVALID_CREDENTIALS"), "the password is cleared");
    let father_token = token(&activate(&app, "ph.nguyenvan.hung", &code, STRONG).await, "activateAccount").await;
    let data = app.data(Some(&father_token), "{ me { children { fullName } } }", json!({})).await.unwrap();
    assert_eq!(data["me"]["children"].as_array().unwrap().len(), 2);
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_change_checks_the_current_one_and_ends_the_other_sessions() {
    let app = district().await;
    give_password(&app, "ph-002").await;
    let here = app.sign_in("ph.lethi.hoa").await.unwrap();
    let elsewhere = app.sign_in("0903333444").await.unwrap();
    let change = "mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }";
    let wrong = app.graphql(Some(&here), change, json!({ "c": "not my password", "n": STRONG })).await.unwrap();
    assert_eq!(error_code(&wrong), Some("INVALID_CREDENTIALS"));
    let own = app.graphql(Some(&here), change, json!({ "c": emis_tests::DEMO_PASSWORD, "n": "0903333444" })).await;
    assert_eq!(error_code(&own.unwrap()), Some("BAD_USER_INPUT"), "the phone number is refused");
    let data = app.data(Some(&here), change, json!({ "c": emis_tests::DEMO_PASSWORD, "n": STRONG })).await.unwrap();
    assert_eq!(data["changePassword"], true);
    let gone = app.graphql(Some(&elsewhere), "{ me { children { fullName } } }", json!({})).await.unwrap();
    assert_eq!(error_code(&gone), Some("UNAUTHENTICATED"));
    app.data(Some(&here), "{ me { children { fullName } } }", json!({})).await.unwrap();
    let signed = app.graphql(None, SIGN_IN, json!({ "i": "ph.lethi.hoa", "p": STRONG })).await.unwrap();
    assert!(signed["data"]["signIn"]["accessToken"].is_string(), "{signed}");
    app.stop().await.unwrap();
}

/// The codes queued by SMS to `account_id`, newest last, read from the outbox once there is
/// one (a reset code is queued after the request is answered).
async fn texted_codes(app: &TestApp, account_id: i64) -> Vec<String> {
    let mut rows = Vec::new();
    for _ in 0..200 {
        rows = entity::outbox_message::Entity::find()
            .filter(entity::outbox_message::Column::RecipientKind.eq("guardian"))
            .filter(entity::outbox_message::Column::RecipientId.eq(account_id))
            .all(&app.state.db)
            .await
            .unwrap();
        if !rows.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let keys = rows.iter().filter_map(|row| emis::vault::Vault::key_id_of(&row.body_enc));
    app.state.vault.preload(&app.state.db, keys).await.unwrap();
    rows.iter()
        .map(|row| app.state.vault.open_field("outbox_message", "body_enc", row.id, &row.body_enc).unwrap())
        .map(|body| {
            body.split_whitespace()
                .map(|word| word.trim_end_matches(','))
                .find(|word| is_code(word))
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forgotten_password_is_reset_by_a_code_sent_to_the_phone_on_record() {
    let app = district().await;
    give_password(&app, "ph-002").await;
    let (mother_id, _) = guardian_id(&app, "ph-002").await;
    let before = app.sign_in("ph.lethi.hoa").await.unwrap();
    let ask = "mutation($i: String!) { requestPasswordReset(identifier: $i) }";
    let known = app.data(None, ask, json!({ "i": "0903 333 444" })).await.unwrap();
    let unknown = app.data(None, ask, json!({ "i": "0909999999" })).await.unwrap();
    assert_eq!(known, unknown, "the answer is the same whether the account exists");
    let codes = texted_codes(&app, mother_id).await;
    assert_eq!(codes.len(), 1, "one SMS to the phone on record");
    let weak = app.graphql(None, RESET, json!({ "i": "ph.lethi.hoa", "c": codes[0], "p": "ph.lethi.hoa" })).await;
    assert_eq!(error_code(&weak.unwrap()), Some("BAD_USER_INPUT"), "the username is refused");
    let body = app.graphql(None, RESET, json!({ "i": "ph.lethi.hoa", "c": codes[0], "p": STRONG })).await.unwrap();
    let after = token(&body, "resetPassword").await;
    let old = app.graphql(Some(&before), "{ me { children { fullName } } }", json!({})).await.unwrap();
    assert_eq!(error_code(&old), Some("UNAUTHENTICATED"), "a reset ends every other session");
    app.data(Some(&after), "{ me { children { fullName } } }", json!({})).await.unwrap();
    let twice = app.graphql(None, RESET, json!({ "i": "ph.lethi.hoa", "c": codes[0], "p": STRONGER })).await.unwrap();
    assert_eq!(error_code(&twice), Some("INVALID_CREDENTIALS"), "a reset code works once");
    let events = account_event::Entity::find()
        .filter(account_event::Column::AccountId.eq(mother_id))
        .filter(account_event::Column::AccountKind.eq("guardian"))
        .order_by_asc(account_event::Column::Id)
        .all(&app.state.db)
        .await
        .unwrap();
    let kinds: Vec<&str> = events.iter().map(|event| event.event.as_str()).collect();
    assert_eq!(kinds, ["reset_requested", "reset_done", "refused"]);
    assert!(!format!("{events:?}").contains(&codes[0]));
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_class_can_be_sent_its_codes_by_sms() {
    let app = district().await;
    give_password(&app, "ht-001").await;
    let principal = app.sign_in("ht.vothi.lan").await.unwrap();
    let data = app.data(Some(&principal), ISSUE, json!({ "c": class_id(&app).await, "d": "SMS" })).await.unwrap();
    assert_eq!(data["issueActivationCodes"]["issued"].as_array().unwrap().len(), 2);
    let (father_id, _) = guardian_id(&app, "ph-001").await;
    let codes = texted_codes(&app, father_id).await;
    assert_eq!(codes.len(), 1);
    let father = token(&activate(&app, "ph.nguyenvan.hung", &codes[0], STRONG).await, "activateAccount").await;
    app.data(Some(&father), "{ me { children { fullName } } }", json!({})).await.unwrap();
    app.stop().await.unwrap();
}
