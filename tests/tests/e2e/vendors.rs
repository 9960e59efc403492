//! Sharing with vendors: a school's principal registers a vendor's client (its secret shown
//! once, stored only hashed) and a sharing agreement; another school's principal, a teacher
//! and a district officer of no office over it reach none of it and write nothing; bad terms
//! are refused before anything is written. The token endpoint (OAuth 2.0 client
//! credentials) grants only scopes of agreements in force, refuses a wrong secret, a rotated
//! one and a suspended client, and answers as RFC 6749 words it. What a token then reaches
//! is in `vendors/reach.rs`.

mod gradebook;
mod limits;
pub(crate) mod reach;
pub(crate) mod rest;
mod shapes;
mod structure;
mod users;

use emis::graphql::ids::encode;
use emis_tests::{TestApp, error_code};
use entity::{sharing_agreement, staff, vendor_client, vendor_token};
use sea_orm::{ColumnTrait as _, EntityTrait, PaginatorTrait as _, QueryFilter as _};
use serde_json::{Value, json};
use std::collections::BTreeSet;

pub(crate) const REGISTER: &str = "mutation($input: RegisterVendorClientInput!) {
    registerVendorClient(input: $input) { client { id clientId status } clientSecret } }";
pub(crate) const AGREE: &str = "mutation($input: MakeSharingAgreementInput!) {
    makeSharingAgreement(input: $input) { id purpose scopes fieldGroups inForce places { schoolId classId } } }";
pub(crate) const CLIENTS: &str = "{ vendorClients { id name status agreements { id purpose inForce } } }";
pub(crate) const ROTATE: &str = "mutation($c: ID!) { rotateVendorClientSecret(clientId: $c) { clientSecret } }";
pub(crate) const SUSPEND: &str =
    "mutation($c: ID!, $s: Boolean!) { suspendVendorClient(clientId: $c, suspended: $s) { status } }";
pub(crate) const END: &str =
    "mutation($a: ID!) { endSharingAgreement(agreementId: $a, reason: \"Hết hợp đồng\") { inForce } }";

/// The school of staff member `username`, as a global id.
pub(crate) async fn school_of(app: &TestApp, username: &str) -> String {
    let person = staff::Entity::find().filter(staff::Column::Username.eq(username)).one(&app.state.db).await;
    encode("School", person.unwrap().unwrap().school_id).0
}

/// An agreement's terms for `client` covering `school`, with `changes` applied.
pub(crate) fn terms(client: &str, school: &str, changes: &Value) -> Value {
    let mut input = json!({ "clientId": client, "purpose": "learning_platform",
        "legalBasis": "Điều 17 Nghị định 356/2025", "reference": "HĐ-2026/15", "startsOn": "2026-01-01",
        "scopes": ["roster-core.readonly"], "fieldGroups": ["student", "enrollment"],
        "places": [{ "schoolId": school }] });
    for (key, value) in changes.as_object().unwrap() {
        input[key] = value.clone();
    }
    input
}

/// A token request to the server: its status, `Cache-Control` and JSON body.
pub(crate) async fn token(app: &TestApp, basic: Option<(&str, &str)>, form: &str) -> (u16, String, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{}/oauth/token", app.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_owned());
    if let Some((id, secret)) = basic {
        request = request.basic_auth(id, Some(secret));
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let cache = response.headers().get("cache-control").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (status, cache, response.json().await.unwrap_or(Value::Null))
}

/// The `sourcedId`s of the rows of `E` that `condition` selects, as `sourced` reads them.
pub(crate) async fn sourced_ids<E: EntityTrait>(
    app: &TestApp,
    condition: sea_orm::Condition,
    sourced: fn(E::Model) -> String,
) -> BTreeSet<String> {
    E::find().filter(condition).all(&app.state.db).await.unwrap().into_iter().map(sourced).collect()
}

/// The vendors' entries of the disclosure log, and the students they list.
pub(crate) async fn vendor_entries(app: &TestApp) -> (Vec<entity::disclosure_log::Model>, BTreeSet<i64>) {
    let entries = entity::disclosure_log::Entity::find()
        .filter(entity::disclosure_log::Column::ActorKind.eq("vendor"))
        .all(&app.state.db)
        .await
        .unwrap();
    let students = entries.iter().flat_map(|entry| entry.student_ids()).collect();
    (entries, students)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_principal_registers_a_vendor_and_an_agreement_that_no_one_else_reaches() {
    let app = crate::movements::spawn().await;
    let principal = app.sign_in("hieutruong").await.unwrap();
    let school = school_of(&app, "hieutruong").await;
    let made =
        app.data(Some(&principal), REGISTER, json!({ "input": { "name": "Học Vui", "schoolId": school } })).await;
    let made = made.unwrap()["registerVendorClient"].clone();
    let (client, secret) = (made["client"]["id"].as_str().unwrap().to_owned(), made["clientSecret"].as_str().unwrap());
    assert_eq!(made["client"]["status"], "active");
    let stored = vendor_client::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    assert_ne!(stored.secret_hash, secret, "the secret is stored hashed");
    assert!(!format!("{stored:?}").contains(secret), "no column holds the secret");

    // Others reach none of it: another school's principal, a teacher, the office.
    let other = app.sign_in("hieutruong2").await.unwrap();
    let teacher = app.sign_in("gvcn").await.unwrap();
    let theirs = app.data(Some(&other), CLIENTS, json!({})).await.unwrap();
    assert_eq!(theirs["vendorClients"], json!([]));
    for token in [&other, &teacher] {
        for (query, variables) in [
            (ROTATE, json!({ "c": client })),
            (SUSPEND, json!({ "c": client, "s": true })),
            (AGREE, json!({ "input": terms(&client, &school, &json!({})) })),
            (REGISTER, json!({ "input": { "name": "Lậu", "schoolId": school } })),
        ] {
            let refused = app.graphql(Some(token), query, variables).await.unwrap();
            assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
        }
    }
    let missing = app.graphql(Some(&principal), ROTATE, json!({ "c": encode("VendorClient", 9_999_999).0 })).await;
    let out_of_reach = app.graphql(Some(&other), ROTATE, json!({ "c": client })).await;
    assert_eq!(missing.unwrap()["errors"][0]["message"], out_of_reach.unwrap()["errors"][0]["message"]);
    // The other principal's own client cannot cover this school either.
    let own = app
        .data(
            Some(&other),
            REGISTER,
            json!({ "input": { "name": "Khác", "schoolId": school_of(&app, "hieutruong2").await } }),
        )
        .await;
    let own = own.unwrap()["registerVendorClient"]["client"]["id"].as_str().unwrap().to_owned();
    let refused = app.graphql(Some(&other), AGREE, json!({ "input": terms(&own, &school, &json!({})) })).await.unwrap();
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "a place out of reach answers like a missing one");

    // Bad terms are refused, naming what is wrong; nothing is written.
    for changes in [
        json!({ "purpose": "marketing" }),
        json!({ "scopes": ["roster.write"] }),
        json!({ "fieldGroups": ["message"] }),
        json!({ "endsOn": "2025-12-31" }),
        json!({ "legalBasis": "  " }),
        json!({ "places": [] }),
        json!({ "places": [{ "schoolId": school, "classId": encode("Class", 1).0 }] }),
    ] {
        let refused = app.graphql(Some(&principal), AGREE, json!({ "input": terms(&client, &school, &changes) }));
        assert_eq!(error_code(&refused.await.unwrap()), Some("BAD_USER_INPUT"), "{changes}");
    }
    assert_eq!(sharing_agreement::Entity::find().count(&app.state.db).await.unwrap(), 0);

    let agreed = app
        .data(
            Some(&principal),
            AGREE,
            json!({ "input": terms(&client, &school, &json!({ "purpose": " Learning_Platform " })) }),
        )
        .await
        .unwrap();
    let agreed = &agreed["makeSharingAgreement"];
    assert_eq!(agreed["purpose"], "learning_platform");
    assert_eq!(agreed["scopes"], json!(["https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly"]));
    assert_eq!(
        (agreed["fieldGroups"].clone(), agreed["inForce"].clone()),
        (json!(["student", "enrollment"]), json!(true))
    );
    assert_eq!(agreed["places"], json!([{ "schoolId": school, "classId": null }]));
    let listed = app.data(Some(&principal), CLIENTS, json!({})).await.unwrap();
    assert_eq!(listed["vendorClients"][0]["agreements"][0]["id"], agreed["id"]);
    // The school's privacy officer reads it; the clerk does not.
    let officer = app.data(Some(&app.sign_in("baomat").await.unwrap()), CLIENTS, json!({})).await.unwrap();
    assert_eq!(officer["vendorClients"].as_array().unwrap().len(), 1);
    let clerk = app.data(Some(&app.sign_in("vanthu").await.unwrap()), CLIENTS, json!({})).await.unwrap();
    assert_eq!(clerk["vendorClients"], json!([]));
    // The commune office's officer registers a vendor at the office and shares a school it
    // oversees; without a school, a principal is asked to name one.
    let officer = app.sign_in("canbo").await.unwrap();
    let office = app.data(Some(&officer), REGISTER, json!({ "input": { "name": "CSDL ngành" } })).await.unwrap();
    let office_client = office["registerVendorClient"]["client"]["id"].as_str().unwrap().to_owned();
    let input = terms(&office_client, &school, &json!({ "purpose": "sector_database" }));
    assert_eq!(
        app.data(Some(&officer), AGREE, json!({ "input": input })).await.unwrap()["makeSharingAgreement"]["inForce"],
        true
    );
    let unnamed =
        app.graphql(Some(&principal), REGISTER, json!({ "input": { "name": "Không trường" } })).await.unwrap();
    assert_eq!(error_code(&unnamed), Some("BAD_USER_INPUT"));
    let purposes =
        app.data(Some(&principal), "{ sharingPurposes { code vietnamese english } }", json!({})).await.unwrap();
    assert!(purposes["sharingPurposes"].as_array().unwrap().iter().any(|p| p["code"] == "learning_platform"));
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_endpoint_grants_only_scopes_of_agreements_in_force_to_an_active_client() {
    let app = TestApp::spawn().await.unwrap();
    let principal = app.sign_in("hieutruong").await.unwrap();
    let school = school_of(&app, "hieutruong").await;
    let made =
        app.data(Some(&principal), REGISTER, json!({ "input": { "name": "Thư viện số", "schoolId": school } })).await;
    let made = made.unwrap()["registerVendorClient"].clone();
    let client = made["client"]["id"].as_str().unwrap().to_owned();
    let (id, secret) =
        (made["client"]["clientId"].as_str().unwrap().to_owned(), made["clientSecret"].as_str().unwrap().to_owned());
    let grant = "grant_type=client_credentials";

    let (status, _, body) = token(&app, Some((&id, &secret)), grant).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_scope")), "no agreement yet: {body}");
    let agreed =
        app.data(Some(&principal), AGREE, json!({ "input": terms(&client, &school, &json!({})) })).await.unwrap();
    let agreement = agreed["makeSharingAgreement"]["id"].as_str().unwrap().to_owned();

    let (status, cache, body) = token(&app, Some((&id, &secret)), grant).await;
    assert_eq!((status, cache.as_str()), (200, "no-store"), "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert!(body["access_token"].as_str().unwrap().starts_with("emis_atv_"));
    assert!(body["expires_in"].as_i64().unwrap() > 0);
    assert_eq!(body["scope"], "https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly");
    let vendor = body["access_token"].as_str().unwrap();
    let opened = app.data(Some(vendor), "{ schools { id } students { totalCount } }", json!({})).await.unwrap();
    assert!(opened["students"]["totalCount"].as_u64().unwrap() > 0, "the token opens what is shared: {opened}");
    assert_eq!(opened["schools"], json!([]), "and nothing else: the agreement shares no school record");
    let scoped =
        format!("{grant}&scope=https%3A%2F%2Fpurl.imsglobal.org%2Fspec%2For%2Fv1p2%2Fscope%2Froster-core.readonly");
    let in_body = format!("{scoped}&client_id={id}&client_secret={secret}");
    assert_eq!(token(&app, None, &in_body).await.0, 200, "credentials in the body");
    let beyond = format!("{grant}&scope=roster-core.readonly%20gradebook.readonly");
    let (status, _, body) = token(&app, Some((&id, &secret)), &beyond).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_scope")), "beyond the agreement: {body}");
    assert!(body["error_description"].as_str().unwrap().contains("gradebook"));

    for (basic, form, status, error) in [
        (Some((id.as_str(), "wrong")), grant.to_owned(), 401, "invalid_client"),
        (Some(("emis_vc_nobody", secret.as_str())), grant.to_owned(), 401, "invalid_client"),
        (None, grant.to_owned(), 401, "invalid_client"),
        (Some((id.as_str(), secret.as_str())), "grant_type=password".to_owned(), 400, "unsupported_grant_type"),
        (Some((id.as_str(), secret.as_str())), String::new(), 400, "invalid_request"),
        (Some((id.as_str(), secret.as_str())), in_body.clone(), 400, "invalid_request"),
    ] {
        let (got, _, body) = token(&app, basic, &form).await;
        assert_eq!((got, body["error"].as_str()), (status, Some(error)), "{form}: {body}");
    }

    // Rotating ends the old secret and its tokens; suspending ends the client's; ending the
    // agreement leaves nothing to grant.
    assert!(vendor_token::Entity::find().count(&app.state.db).await.unwrap() >= 2);
    let rotated = app.data(Some(&principal), ROTATE, json!({ "c": client })).await.unwrap();
    let new_secret = rotated["rotateVendorClientSecret"]["clientSecret"].as_str().unwrap().to_owned();
    assert_eq!(vendor_token::Entity::find().count(&app.state.db).await.unwrap(), 0);
    assert_eq!(token(&app, Some((&id, &secret)), grant).await.0, 401, "the old secret");
    assert_eq!(token(&app, Some((&id, &new_secret)), grant).await.0, 200);
    app.data(Some(&principal), SUSPEND, json!({ "c": client, "s": true })).await.unwrap();
    assert_eq!(vendor_token::Entity::find().count(&app.state.db).await.unwrap(), 0);
    assert_eq!(token(&app, Some((&id, &new_secret)), grant).await.0, 401, "suspended");
    app.data(Some(&principal), SUSPEND, json!({ "c": client, "s": false })).await.unwrap();
    assert_eq!(token(&app, Some((&id, &new_secret)), grant).await.0, 200, "active again");
    let ended = app.data(Some(&principal), END, json!({ "a": agreement })).await.unwrap();
    assert_eq!(ended["endSharingAgreement"]["inForce"], false);
    let (status, _, body) = token(&app, Some((&id, &new_secret)), grant).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_scope")));
    let again = app.graphql(Some(&principal), END, json!({ "a": agreement })).await.unwrap();
    assert_eq!(error_code(&again), Some("BAD_USER_INPUT"), "ended once");
    app.stop().await.unwrap();
}
