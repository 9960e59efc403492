//! Sign-in throttling: one failure budget per account however its identifier is written
//! (and per normalised identifier when no account matches, answering alike), an atomic
//! counter that parallel attempts cannot overrun, a limit per client address across
//! accounts, and an owner who keeps signing in from an address they used before while an
//! attacker elsewhere is refused. Clients sign in from distinct loopback addresses.

use emis_tests::{DEMO_PASSWORD, TestApp, error_code};
use serde_json::{Value, json};
use std::net::{IpAddr, Ipv4Addr};

const SIGN_IN: &str =
    "mutation($i: String!, $p: String!) { signIn(identifier: $i, password: $p) { accessToken refreshToken } }";

/// One guardian's phone number, written seven ways.
const PHONE_SPELLINGS: [&str; 7] =
    ["0901234567", "090 123 4567", "090.123.4567", "+84901234567", "+84 90 123 4567", "(090) 123-4567", "090-123-4567"];

/// A client whose requests come from the loopback address `127.0.0.<last>`.
fn client_from(last: u8) -> reqwest::Client {
    let address = IpAddr::V4(Ipv4Addr::new(127, 0, 0, last));
    reqwest::Client::builder().local_address(address).build().expect("a client")
}

/// Signs in through `client`; the whole response body.
async fn sign_in(app: &TestApp, client: &reqwest::Client, identifier: &str, password: &str) -> Value {
    let body = json!({ "query": SIGN_IN, "variables": { "i": identifier, "p": password } });
    let response = client.post(format!("{}/graphql", app.address)).json(&body).send().await.expect("an answer");
    response.json().await.expect("a JSON body")
}

/// The error code of each answer (`OK` for a success).
fn codes(bodies: &[Value]) -> Vec<String> {
    bodies.iter().map(|body| error_code(body).unwrap_or("OK").to_owned()).collect()
}

/// Wrong passwords for each spelling in turn, then the right one in yet another spelling.
async fn wrong_then_right(app: &TestApp, client: &reqwest::Client, spellings: &[&str], last: &str) -> Vec<Value> {
    let mut answers = Vec::new();
    for spelling in spellings {
        answers.push(sign_in(app, client, spelling, "sai mật khẩu").await);
    }
    answers.push(sign_in(app, client, last, DEMO_PASSWORD).await);
    answers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seven_spellings_of_one_phone_share_one_failure_budget() {
    let app = TestApp::spawn().await.unwrap();
    let client = client_from(11);
    let answers = wrong_then_right(&app, &client, &PHONE_SPELLINGS, "0901-234-567").await;
    let expected = ["INVALID_CREDENTIALS"; 5].into_iter().chain(["THROTTLED"; 3]).collect::<Vec<_>>();
    assert_eq!(codes(&answers), expected, "five failures in all, then every spelling is refused");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_username_in_any_case_or_unicode_form_shares_one_failure_budget() {
    let app = TestApp::spawn().await.unwrap();
    let client = client_from(12);
    let spellings = ["gvcn", "GVCN", " Gvcn ", "gVcN", "gvcN"];
    let answers = wrong_then_right(&app, &client, &spellings, "GvCn").await;
    let expected = ["INVALID_CREDENTIALS"; 5].into_iter().chain(["THROTTLED"]).collect::<Vec<_>>();
    assert_eq!(codes(&answers), expected);
    // A name no account has, composed (NFC) and decomposed (NFD): one budget all the same.
    let composed = "Tr\u{1ea7}n";
    let decomposed = "Tra\u{0302}\u{0300}n";
    let unknown = [composed, decomposed, "TRA\u{0302}\u{0300}N", composed, decomposed];
    let answers = wrong_then_right(&app, &client, &unknown, composed).await;
    let expected = ["INVALID_CREDENTIALS"; 5].into_iter().chain(["THROTTLED"]).collect::<Vec<_>>();
    assert_eq!(codes(&answers), expected);
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_phone_is_throttled_exactly_like_a_known_one() {
    let app = TestApp::spawn().await.unwrap();
    let unknown: Vec<String> = PHONE_SPELLINGS.iter().map(|spelling| spelling.replace("567", "999")).collect();
    let unknown: Vec<&str> = unknown.iter().map(String::as_str).collect();
    let known = wrong_then_right(&app, &client_from(13), &PHONE_SPELLINGS, "0901234567").await;
    let other = wrong_then_right(&app, &client_from(14), &unknown, "0901234999").await;
    // The known account's last answer is THROTTLED too: nothing tells the two apart.
    assert_eq!(codes(&known), codes(&other));
    assert!(codes(&other).iter().filter(|code| *code == "THROTTLED").count() >= 2, "{:?}", codes(&other));
    let messages =
        |bodies: &[Value]| bodies.iter().map(|body| body["errors"][0]["message"].clone()).collect::<Vec<_>>();
    assert_eq!(messages(&known), messages(&other));
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_parallel_wrong_attempts_verify_at_most_the_budget() {
    let app = TestApp::spawn().await.unwrap();
    let client = client_from(15);
    let attempts = (0..20).map(|_| sign_in(&app, &client, "gvcn", "sai"));
    let answers = futures::future::join_all(attempts).await;
    let answered = codes(&answers);
    let verified = answered.iter().filter(|code| *code == "INVALID_CREDENTIALS").count();
    assert!(verified <= 5, "{verified} of 20 parallel attempts had their password checked: {answered:?}");
    assert_eq!(answered.iter().filter(|code| *code == "THROTTLED").count(), 20 - verified, "{answered:?}");
    let metrics = app.get("/metrics").await.unwrap().text().await.unwrap();
    let checked: u64 = metrics
        .lines()
        .find_map(|line| line.strip_prefix("emis_password_verifications_total "))
        .and_then(|count| count.trim().parse().ok())
        .expect("a verification counter");
    assert!(checked <= 5, "{checked} passwords were hashed for 20 parallel attempts");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_spraying_many_accounts_is_limited() {
    let app = TestApp::spawn().await.unwrap();
    let sprayer = client_from(16);
    let mut answers = Vec::new();
    for n in 0..24 {
        let identifier = match n {
            0 => "gvcn".to_owned(),
            1 => "canbo".to_owned(),
            2 => "0901234567".to_owned(),
            n => format!("khach{n:02}"),
        };
        answers.push(sign_in(&app, &sprayer, &identifier, "123456").await);
    }
    let answered = codes(&answers);
    assert_eq!(answered[..20], ["INVALID_CREDENTIALS"; 20], "{answered:?}");
    assert_eq!(answered[20..], ["THROTTLED"; 4], "the address is limited across accounts");
    let owner = sign_in(&app, &sprayer, "vanhanh", DEMO_PASSWORD).await;
    assert_eq!(error_code(&owner), Some("THROTTLED"), "even the right password, from that address");
    let elsewhere = sign_in(&app, &client_from(17), "khach99", "123456").await;
    assert_eq!(error_code(&elsewhere), Some("INVALID_CREDENTIALS"), "other addresses are not limited");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_signs_in_from_a_known_address_while_an_attacker_is_limited() {
    let app = TestApp::spawn().await.unwrap();
    let owner = client_from(18);
    assert!(error_code(&sign_in(&app, &owner, "gvcn", DEMO_PASSWORD).await).is_none(), "the owner's usual address");
    for attacker in 20..24 {
        let client = client_from(attacker);
        for _ in 0..6 {
            sign_in(&app, &client, "gvcn", "doan mat khau").await;
        }
        let right = sign_in(&app, &client, "gvcn", DEMO_PASSWORD).await;
        assert_eq!(error_code(&right), Some("THROTTLED"), "an attacker's address is limited");
    }
    let new_place = sign_in(&app, &client_from(24), "gvcn", DEMO_PASSWORD).await;
    assert_eq!(error_code(&new_place), Some("THROTTLED"), "an address never used waits while the account is attacked");
    let again = sign_in(&app, &owner, "gvcn", DEMO_PASSWORD).await;
    assert!(error_code(&again).is_none(), "the owner is not locked out: {again}");
    let typo = sign_in(&app, &owner, "gvcn", "emis-dem0").await;
    assert_eq!(error_code(&typo), Some("INVALID_CREDENTIALS"), "the owner's own typo is only a failure");
    app.stop().await.unwrap();
}
