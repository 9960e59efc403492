//! What a vendor's token reaches through the API: exactly what its agreements in force
//! share — one school's roster without contact details, say, and nothing of the other
//! school, no phones, no grades — judged by the same privacy layer as people's requests.
//! An ended agreement or a suspended client ends access at the next request; where an
//! agreement asks for families' consent, a child appears only once a guardian (and the
//! child, from 7) gave it and disappears when it is withdrawn; every vendor read is in the
//! disclosure log, and the child's guardian sees which vendor saw what, when and why.

use super::{AGREE, END, REGISTER, SUSPEND, school_of, terms, token};
use crate::grade_entry::decode;
use emis::graphql::ids::encode;
use emis_tests::{TestApp, error_code};
use entity::{student, vendor_client};
use sea_orm::{ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _};
use serde_json::{Value, json};

const ROSTER: &str = "{ schools { id } students(first: 100) { totalCount nodes { id fullName identityNumber
    healthNotes guardians { fullName phone } results { score } } } }";
const CONSENTS: &str =
    "query($s: ID!) { student(id: $s) { sharingConsents { purpose vendors decision textVersion } } }";
const DECIDE: &str = "mutation($s: ID!, $p: String!, $g: Boolean!, $c: Boolean) {
    decideSharingConsent(studentId: $s, purpose: $p, given: $g, childAgrees: $c) { purpose decision inForce } }";
const LOG: &str = "query($s: ID!) { student(id: $s) { disclosures { actorKind actorName fields purpose } } }";

/// A client registered by `hieutruong` with one agreement of `changes`, and a token for it:
/// (client's global id, agreement's global id, access token).
pub(crate) async fn vendor_with(
    app: &TestApp,
    principal: &str,
    name: &str,
    changes: Value,
) -> (String, String, String) {
    let school = school_of(app, "hieutruong").await;
    let made = app.data(Some(principal), REGISTER, json!({ "input": { "name": name, "schoolId": school } })).await;
    let made = made.unwrap()["registerVendorClient"].clone();
    let client = made["client"]["id"].as_str().unwrap().to_owned();
    let agreed = app.data(Some(principal), AGREE, json!({ "input": terms(&client, &school, &changes) })).await;
    let agreement = agreed.unwrap()["makeSharingAgreement"]["id"].as_str().unwrap().to_owned();
    let credentials = (made["client"]["clientId"].as_str().unwrap(), made["clientSecret"].as_str().unwrap());
    let (status, _, body) = token(app, Some(credentials), "grant_type=client_credentials").await;
    assert_eq!(status, 200, "{body}");
    (client, agreement, body["access_token"].as_str().unwrap().to_owned())
}

/// The ids of the students of school `school` (a global id).
pub(super) async fn students_of(app: &TestApp, school: &str) -> Vec<i64> {
    let school = decode("School", school);
    let found = student::Entity::find().filter(student::Column::SchoolId.eq(school)).all(&app.state.db).await;
    found.unwrap().iter().map(|row| row.id).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vendor_reads_one_schools_roster_without_contacts_and_nothing_else_until_the_agreement_ends() {
    let app = crate::movements::spawn().await;
    let principal = app.sign_in("hieutruong").await.unwrap();
    let school = school_of(&app, "hieutruong").await;
    let shared = json!({ "scopes": ["roster-core.readonly", "roster.readonly"],
        "fieldGroups": ["school", "student", "enrollment", "guardianship", "guardian"] });
    let (client, agreement, vendor) = vendor_with(&app, &principal, "Học Vui", shared).await;

    let roster = app.data(Some(&vendor), ROSTER, json!({})).await.unwrap();
    assert_eq!(roster["schools"], json!([{ "id": school }]), "only the school shared");
    let mine = students_of(&app, &school).await;
    let nodes = roster["students"]["nodes"].as_array().unwrap();
    assert_eq!(roster["students"]["totalCount"].as_u64().unwrap() as usize, mine.len());
    assert!(!nodes.is_empty());
    let mut with_guardians = 0;
    for node in nodes {
        assert!(mine.contains(&decode("Student", node["id"].as_str().unwrap())), "{node}");
        assert_eq!((&node["identityNumber"], &node["healthNotes"]), (&Value::Null, &Value::Null), "{node}");
        assert_eq!(node["results"], json!([]), "no grades: {node}");
        for guardian in node["guardians"].as_array().unwrap() {
            assert!(guardian["fullName"].is_string(), "{guardian}");
            assert_eq!(guardian["phone"], Value::Null, "no phones: {guardian}");
            with_guardians += 1;
        }
    }
    assert!(with_guardians > 0, "the families are shared, without contact");

    // Nothing of the other school, by id or by filter.
    let other_school = school_of(&app, "hieutruong2").await;
    let theirs = students_of(&app, &other_school).await[0];
    let one = app.data(
        Some(&vendor),
        "query($s: ID!) { student(id: $s) { id } }",
        json!({ "s": encode("Student", theirs).0 }),
    );
    assert_eq!(one.await.unwrap()["student"], Value::Null);
    let filtered = app
        .data(Some(&vendor), "query($s: ID!) { students(schoolId: $s) { totalCount } }", json!({ "s": other_school }))
        .await
        .unwrap();
    assert_eq!(filtered["students"]["totalCount"], 0);
    // No writes, whatever the agreement says.
    let refused = app.graphql(Some(&vendor), super::ROTATE, json!({ "c": client })).await.unwrap();
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");

    // Every student shown is in the disclosure log, under the agreement's purpose.
    let (logged, listed) = super::vendor_entries(&app).await;
    let agreement_id = decode("SharingAgreement", &agreement);
    assert!(logged.iter().all(|entry| entry.purpose == format!("learning_platform#{agreement_id}")), "{logged:?}");
    assert_eq!(listed, mine.iter().copied().collect(), "each student shown is recorded");

    // Ending the agreement ends the token at its next request.
    app.data(Some(&principal), END, json!({ "a": agreement })).await.unwrap();
    let after = app.graphql(Some(&vendor), ROSTER, json!({})).await.unwrap();
    assert_eq!(error_code(&after), Some("UNAUTHENTICATED"), "{after}");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_suspended_client_is_refused_at_its_next_request() {
    let app = TestApp::spawn().await.unwrap();
    let principal = app.sign_in("hieutruong").await.unwrap();
    let (client, _, vendor) = vendor_with(&app, &principal, "Thời khóa biểu", json!({})).await;
    let before = app.data(Some(&vendor), "{ students { totalCount } }", json!({})).await.unwrap();
    assert!(before["students"]["totalCount"].as_u64().unwrap() > 0);
    app.data(Some(&principal), SUSPEND, json!({ "c": client, "s": true })).await.unwrap();
    let after = app.graphql(Some(&vendor), "{ students { totalCount } }", json!({})).await.unwrap();
    assert_eq!(error_code(&after), Some("UNAUTHENTICATED"), "{after}");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn where_consent_is_needed_a_child_is_shared_only_while_a_guardian_consents_and_sees_the_reads() {
    let app = TestApp::spawn().await.unwrap();
    let principal = app.sign_in("hieutruong").await.unwrap();
    let changes = json!({ "consentRequired": true });
    let (_, agreement, vendor) = vendor_with(&app, &principal, "Học Vui", changes).await;
    let count = "{ students { totalCount nodes { id } } }";
    let none = app.data(Some(&vendor), count, json!({})).await.unwrap();
    assert_eq!(none["students"]["totalCount"], 0, "nobody consented yet");

    let school = school_of(&app, "hieutruong").await;
    let child = encode("Student", students_of(&app, &school).await[0]).0;
    let guardian = app.sign_in(&crate::roll_call::guardian_of(&app, &child).await).await.unwrap();
    let asked = app.data(Some(&guardian), CONSENTS, json!({ "s": child })).await.unwrap();
    let asked = &asked["student"]["sharingConsents"];
    assert_eq!(asked[0]["purpose"], "learning_platform", "{asked}");
    assert_eq!((&asked[0]["vendors"], &asked[0]["decision"]), (&json!(["Học Vui"]), &Value::Null));

    // Another family cannot decide for this child, and a purpose not asked is refused.
    let theirs = encode("Student", students_of(&app, &school).await[5]).0;
    let (mine, other) =
        (crate::roll_call::guardian_of(&app, &child).await, crate::roll_call::guardian_of(&app, &theirs).await);
    assert_ne!(mine, other);
    let other = app.sign_in(&other).await.unwrap();
    let vars = json!({ "s": child, "p": "learning_platform", "g": true });
    let refused = app.graphql(Some(&other), DECIDE, vars.clone()).await.unwrap();
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    let theirs_asked = app.data(Some(&other), CONSENTS, json!({ "s": child })).await.unwrap();
    assert_eq!(theirs_asked["student"], Value::Null, "another family's child answers like a missing one");
    let unasked = app.graphql(Some(&guardian), DECIDE, json!({ "s": child, "p": "library", "g": true })).await;
    assert_eq!(error_code(&unasked.unwrap()), Some("BAD_USER_INPUT"));

    let given = app.data(Some(&guardian), DECIDE, vars).await.unwrap();
    assert_eq!(given["decideSharingConsent"]["decision"], "given");
    assert_eq!(given["decideSharingConsent"]["inForce"], false, "the child, over 7, has not agreed");
    let unshared = app.data(Some(&vendor), count, json!({})).await.unwrap();
    assert_eq!(unshared["students"]["totalCount"], 0, "the guardian's consent alone does not stand");
    let vars = json!({ "s": child, "p": "learning_platform", "g": true, "c": true });
    let both = app.data(Some(&guardian), DECIDE, vars).await.unwrap();
    assert_eq!(both["decideSharingConsent"]["inForce"], true);
    let shared = app.data(Some(&vendor), count, json!({})).await.unwrap();
    assert_eq!(shared["students"]["nodes"], json!([{ "id": child }]), "only the child whose family consented");

    // The guardian sees that the vendor read the child's record, and why.
    let log = app.data(Some(&guardian), LOG, json!({ "s": child })).await.unwrap();
    let entries = log["student"]["disclosures"].as_array().unwrap();
    let agreement_id = decode("SharingAgreement", &agreement);
    let seen = entries.iter().find(|entry| entry["actorKind"] == "vendor").expect("the vendor's read is shown");
    assert_eq!(seen["actorName"], "Học Vui");
    assert_eq!(seen["purpose"], format!("learning_platform#{agreement_id}"));
    assert!(seen["fields"].as_array().unwrap().contains(&json!("student")));

    let withdrawn = app.data(Some(&guardian), DECIDE, json!({ "s": child, "p": "learning_platform", "g": false }));
    assert_eq!(withdrawn.await.unwrap()["decideSharingConsent"]["decision"], "withdrawn");
    let hidden = app.data(Some(&vendor), count, json!({})).await.unwrap();
    assert_eq!(hidden["students"]["totalCount"], 0, "withdrawn: hidden at the next request");
    let kept = entity::sharing_consent::Entity::find().count(&app.state.db).await.unwrap();
    assert_eq!(kept, 4, "every decision is kept as proof");
    assert!(vendor_client::Entity::find().count(&app.state.db).await.unwrap() > 0);
    app.stop().await.unwrap();
}
