//! What leaves is bounded: a vendor's client past its requests a minute is told to wait
//! (`429`, on REST and GraphQL alike) while people are not; a read that would take an
//! agreement past its daily cap of students is refused with nothing shown, the agreement is
//! blocked for the rest of the day, and the crossing is an alert its school's principal and
//! privacy officer read — not another school's —, told to the privacy officers of the
//! agreement's organisation and of the schools it covers (an office's agreement included).

use super::reach::vendor_with;
use super::rest::get;
use emis_tests::{TestApp, error_code};
use serde_json::json;

const ALERTS: &str = "{ sharingCapAlerts { agreementId cap reached day } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_past_its_requests_a_minute_waits_and_people_do_not() {
    let app = TestApp::spawn_with(|config| config.sharing.requests_per_minute = 3).await.unwrap();
    let principal = app.sign_in("hieutruong").await.unwrap();
    let (_, _, vendor) = vendor_with(&app, &principal, "Học Vui", json!({})).await;
    for _ in 0..3 {
        assert_eq!(get(&app, Some(&vendor), "/students?limit=1").await.0, 200);
    }
    let (status, headers, body) = get(&app, Some(&vendor), "/students?limit=1").await;
    assert_eq!((status, super::rest::code(&body)), (429, "server_busy"), "{body}");
    assert!(headers["retry-after"].to_str().unwrap().parse::<u64>().unwrap() >= 1);
    let refused = app.graphql(Some(&vendor), "{ students { totalCount } }", json!({})).await.unwrap();
    assert_eq!(error_code(&refused), Some("THROTTLED"), "{refused}");
    for _ in 0..5 {
        app.data(Some(&principal), "{ students { totalCount } }", json!({})).await.unwrap();
    }
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_past_the_daily_cap_shows_nothing_blocks_the_agreement_and_alerts_its_school() {
    let app = crate::movements::spawn().await;
    let principal = app.sign_in("hieutruong").await.unwrap();
    let (_, agreement, vendor) = vendor_with(&app, &principal, "Học Vui", json!({ "dailyStudentCap": 10 })).await;
    for offset in [0, 5, 0] {
        let (status, _, body) = get(&app, Some(&vendor), &format!("/students?limit=5&offset={offset}")).await;
        assert_eq!(status, 200, "ten distinct students fit, re-reading counts once: {body}");
    }
    let (status, _, body) = get(&app, Some(&vendor), "/students?limit=5&offset=10").await;
    assert_eq!((status, super::rest::code(&body)), (403, "forbidden"), "{body}");
    assert!(body.get("users").is_none(), "nothing is shown");
    // Blocked for the day: even what was read before, through either API.
    let (status, _, _) = get(&app, Some(&vendor), "/students?limit=5&offset=0").await;
    assert_eq!(status, 403);
    let refused = app.graphql(Some(&vendor), "{ students { totalCount } }", json!({})).await.unwrap();
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");

    let (_, logged) = super::vendor_entries(&app).await;
    assert_eq!(logged.len(), 10, "only what was shown is recorded");

    for reader in ["hieutruong", "baomat"] {
        let token = app.sign_in(reader).await.unwrap();
        let alerts = app.data(Some(&token), ALERTS, json!({})).await.unwrap();
        let alert = &alerts["sharingCapAlerts"][0];
        assert_eq!(
            (&alert["agreementId"], &alert["cap"], &alert["reached"]),
            (&json!(agreement), &json!(10), &json!(15))
        );
    }
    let other = app.sign_in("hieutruong2").await.unwrap();
    let theirs = app.data(Some(&other), ALERTS, json!({})).await.unwrap();
    assert_eq!(theirs["sharingCapAlerts"], json!([]), "another school's principal reads nothing of it");

    // The school's privacy officer is told, once, and reads what it tells of; the
    // principal, who reads the alert, is not told.
    let officer = app.sign_in("baomat").await.unwrap();
    let told = app.data(Some(&officer), TOLD, json!({})).await.unwrap();
    let caps: Vec<&serde_json::Value> =
        told["me"]["staffNotifications"].as_array().unwrap().iter().filter(|n| n["kind"] == "sharing_cap").collect();
    assert_eq!(caps.len(), 1, "{told}");
    assert_eq!(
        (&caps[0]["sharingCap"]["agreementId"], &caps[0]["sharingCap"]["reached"]),
        (&json!(agreement), &json!(15))
    );
    assert_eq!(told["me"]["unread"]["sharingCaps"], 1);
    let principal_told = app.data(Some(&principal), TOLD, json!({})).await.unwrap();
    assert!(!principal_told.to_string().contains("sharing_cap"), "{principal_told}");
    let marked = app.data(Some(&officer), MARK, json!({ "kinds": ["sharing_cap"] })).await.unwrap();
    assert_eq!(marked["markRead"]["sharingCaps"], 0);
    app.stop().await.unwrap();
}

const TOLD: &str =
    "{ me { staffNotifications(kinds: [\"sharing_cap\", \"notice\"]) { kind sharingCap { agreementId cap reached } }
    unread { sharingCaps total } } }";
const MARK: &str = "mutation($kinds: [String!]) { markRead(input: { kinds: $kinds }) { sharingCaps } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offices_agreement_past_its_cap_is_told_to_the_privacy_officers_of_the_schools_it_covers() {
    let app = crate::movements::spawn().await;
    let officer = app.sign_in("canbo").await.unwrap();
    let school = super::school_of(&app, "hieutruong").await;
    let made = app.data(Some(&officer), super::REGISTER, json!({ "input": { "name": "CSDL ngành" } })).await;
    let made = made.unwrap()["registerVendorClient"].clone();
    let client = made["client"]["id"].as_str().unwrap().to_owned();
    let terms = super::terms(&client, &school, &json!({ "purpose": "sector_database", "dailyStudentCap": 3 }));
    let agreed = app.data(Some(&officer), super::AGREE, json!({ "input": terms })).await.unwrap();
    let agreement = agreed["makeSharingAgreement"]["id"].as_str().unwrap().to_owned();
    let credentials = (made["client"]["clientId"].as_str().unwrap(), made["clientSecret"].as_str().unwrap());
    let (status, _, body) = super::token(&app, Some(credentials), "grant_type=client_credentials").await;
    assert_eq!(status, 200, "{body}");
    let vendor = body["access_token"].as_str().unwrap().to_owned();
    let (status, _, body) = get(&app, Some(&vendor), "/students?limit=5").await;
    assert_eq!((status, super::rest::code(&body)), (403, "forbidden"), "{body}");

    // The school's officer cannot read the office's alert, but is told of it.
    let school_officer = app.sign_in("baomat").await.unwrap();
    let alerts = app.data(Some(&school_officer), ALERTS, json!({})).await.unwrap();
    assert_eq!(alerts["sharingCapAlerts"], json!([]));
    let told = app.data(Some(&school_officer), TOLD, json!({})).await.unwrap();
    let caps: Vec<&serde_json::Value> =
        told["me"]["staffNotifications"].as_array().unwrap().iter().filter(|n| n["kind"] == "sharing_cap").collect();
    assert_eq!(caps.len(), 1, "{told}");
    assert_eq!((&caps[0]["sharingCap"]["agreementId"], &caps[0]["sharingCap"]["cap"]), (&json!(agreement), &json!(3)));
    // No one else at the school is told.
    let teacher = app.sign_in("gvcn").await.unwrap();
    let theirs = app.data(Some(&teacher), TOLD, json!({})).await.unwrap();
    assert!(!theirs.to_string().contains("sharing_cap"), "{theirs}");
    app.stop().await.unwrap();
}
