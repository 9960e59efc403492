//! A staff member's requests about their own data: asked by naming no student, read by
//! themself and the school's privacy officer only, handled and completed only by the
//! officer; their copy of their own data holds their record with its sealed fields opened. A completed restriction takes the staff member out of every vendor's roster
//! until lifted; a completed deletion crypto-shreds their sealed fields, removes their
//! devices and notifications, keeps their employment and the books, and says which.

use crate::vendors::reach::vendor_with;
use crate::vendors::rest::get;
use emis::graphql::ids::encode;
use emis_tests::{TestApp, error_code};
use entity::{data_key, staff, staff_push_device, staff_role, staff_status_history};
use sea_orm::{ActiveValue::Set, ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _};
use serde_json::{Value, json};

const ASK: &str = "mutation($k: String!) { askSubjectRequest(kind: $k) { id studentId staffId kind status } }";
const MINE: &str = "{ subjectRequests { id staffId kind status inForce steps { part fate count } } }";
const COMPLETE: &str = "mutation($r: ID!, $o: String!) {
    completeSubjectRequest(requestId: $r, outcome: $o) { status inForce steps { part fate count } } }";
const HANDLE: &str = "mutation($r: ID!) { handleSubjectRequest(requestId: $r) { status } }";
const LIFT: &str = "mutation($r: ID!) { liftSubjectRestriction(requestId: $r) { inForce } }";
const OWN: &str = "{ me { staff { fullName phone identityNumber } } }";

async fn ask(app: &TestApp, token: &str, kind: &str) -> Value {
    app.data(Some(token), ASK, json!({ "k": kind })).await.unwrap()["askSubjectRequest"].clone()
}

async fn listed(app: &TestApp, token: &str) -> Vec<Value> {
    app.data(Some(token), MINE, json!({})).await.unwrap()["subjectRequests"].as_array().unwrap().clone()
}

/// The `sourcedId`s of the teachers a vendor's token lists.
async fn teachers(app: &TestApp, vendor: &str) -> Vec<String> {
    let (status, _, body) = get(app, Some(vendor), "/teachers?limit=1000").await;
    assert_eq!(status, 200, "{body}");
    body["users"].as_array().unwrap().iter().map(|user| user["sourcedId"].as_str().unwrap().to_owned()).collect()
}

/// `token`'s download of the copy of staff member `staff`: its status and JSON body.
async fn download(app: &TestApp, token: &str, staff: i64) -> (u16, Value) {
    let url = format!("{}/exports/subject-access?staffId={}", app.address, encode("Staff", staff).0);
    let response = reqwest::Client::new().get(url).bearer_auth(token).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_staff_member_asks_about_their_own_data_and_only_the_privacy_officer_carries_it_out() {
    let app = TestApp::spawn().await.unwrap();
    let db = &app.state.db;
    let teacher = app.sign_in("gvbm").await.unwrap();
    let me = staff::Entity::find().filter(staff::Column::Username.eq("gvbm")).one(db).await.unwrap().unwrap();
    let asked = ask(&app, &teacher, "access").await;
    assert_eq!((&asked["staffId"], &asked["studentId"]), (&json!(encode("Staff", me.id).0), &Value::Null));

    // Read by themself and the privacy officer; no colleague, not the principal.
    assert_eq!(listed(&app, &teacher).await.len(), 1);
    let officer = app.sign_in("baomat").await.unwrap();
    assert!(listed(&app, &officer).await.iter().any(|request| request["id"] == asked["id"]));
    for colleague in ["gvcn", "hieutruong", "vanthu"] {
        let token = app.sign_in(colleague).await.unwrap();
        assert!(!listed(&app, &token).await.iter().any(|r| r["id"] == asked["id"]), "{colleague} reads it");
    }
    // Only the officer handles or completes it; a guardian must name the child.
    for step in [HANDLE, COMPLETE] {
        let vars = json!({ "r": asked["id"], "o": "Tự hoàn tất" });
        let own = app.graphql(Some(&teacher), step, vars).await.unwrap();
        assert_eq!(error_code(&own), Some("FORBIDDEN"), "{own}");
    }
    // A NUL byte in the details is refused as bad input, and nothing is written.
    let nul = "mutation($d: String) { askSubjectRequest(kind: \"correction\", details: $d) { id } }";
    let refused = app.graphql(Some(&teacher), nul, json!({ "d": "Số điện thoại\u{0}" })).await.unwrap();
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    assert_eq!(listed(&app, &teacher).await.len(), 1, "nothing written");
    let guardian = app.sign_in("phuhuynh").await.unwrap();
    let unnamed = app.graphql(Some(&guardian), ASK, json!({ "k": "access" })).await.unwrap();
    assert_eq!(error_code(&unnamed), Some("BAD_USER_INPUT"), "{unnamed}");

    // A restriction takes them out of a vendor's roster until lifted.
    let principal = app.sign_in("hieutruong").await.unwrap();
    let roster = json!({ "scopes": ["roster-core.readonly", "roster.readonly"], "fieldGroups": ["school", "staff"] });
    let (_, _, vendor) = vendor_with(&app, &principal, "Học Vui", roster).await;
    let before = teachers(&app, &vendor).await;
    let restriction = ask(&app, &teacher, "restriction").await;
    let done = app.data(Some(&officer), COMPLETE, json!({ "r": restriction["id"], "o": "Đã hạn chế" })).await;
    assert_eq!(done.unwrap()["completeSubjectRequest"]["inForce"], true);
    let during = teachers(&app, &vendor).await;
    assert_eq!(during.len() + 1, before.len(), "exactly the staff member leaves the vendor's roster");
    app.data(Some(&teacher), LIFT, json!({ "r": restriction["id"] })).await.unwrap();
    assert_eq!(teachers(&app, &vendor).await, before);

    // Their copy: the record with its sealed fields opened, their roles and requests; a
    // family reading it, or a staff member who does not exist, answers 404 alike.
    let own = app.data(Some(&teacher), OWN, json!({})).await.unwrap();
    let copy = download(&app, &teacher, me.id).await;
    assert_eq!(copy.0, 200);
    let sections = &copy.1["sections"];
    assert_eq!(sections["staff"]["phone"], own["me"]["staff"]["phone"], "{sections}");
    let roles = staff_role::Entity::find().filter(staff_role::Column::StaffId.eq(me.id)).count(db).await.unwrap();
    let history = staff_status_history::Entity::find().filter(staff_status_history::Column::StaffId.eq(me.id));
    let history = history.count(db).await.unwrap();
    assert_eq!(sections["roles"]["rows"].as_array().unwrap().len() as u64, roles);
    assert_eq!(sections["employment"]["rows"].as_array().unwrap().len() as u64, history);
    assert_eq!(sections["subjectRequests"]["rows"].as_array().unwrap().len(), 2);
    assert!(sections["staff"].get("password_hash").is_none() && sections["staff"].get("phone_enc").is_none());
    let (theirs, missing) = (download(&app, &guardian, me.id).await, download(&app, &teacher, 999_999).await);
    assert_eq!((theirs.0, missing.0), (404, 404));

    // A deletion shreds their sealed fields and removes their devices, and says so.
    let device = staff_push_device::ActiveModel {
        staff_id: Set(me.id),
        school_id: Set(me.school_id),
        token_enc: Set(vec![1, 2, 3]),
        token_digest: Set("thiet-bi-1".to_owned()),
        platform: Set("android".to_owned()),
        registered_at: Set(chrono::Utc::now()),
        ..Default::default()
    };
    staff_push_device::Entity::insert(device).exec(db).await.unwrap();
    let own_before = app.data(Some(&teacher), OWN, json!({})).await.unwrap();
    assert!(own_before["me"]["staff"]["phone"].is_string(), "{own_before}");
    let deletion = ask(&app, &teacher, "deletion").await;
    let planned = listed(&app, &teacher).await.into_iter().find(|r| r["id"] == deletion["id"]).unwrap();
    let parts: Vec<&str> = planned["steps"].as_array().unwrap().iter().map(|s| s["part"].as_str().unwrap()).collect();
    assert_eq!(parts, ["sealedFields", "pushDevices", "notifications", "employment", "books", "accountability"]);
    let done = app.data(Some(&officer), COMPLETE, json!({ "r": deletion["id"], "o": "Đã xóa" })).await.unwrap();
    let steps = &done["completeSubjectRequest"]["steps"];
    assert!(steps[0]["count"].as_u64().unwrap() >= 1 && steps[1]["count"] == 1, "{steps}");
    let keys = data_key::Entity::find().filter(data_key::Column::Scope.eq(format!("staff:{}", me.id))).all(db).await;
    assert!(keys.unwrap().iter().all(|key| key.destroyed_at.is_some() && key.wrapped.is_empty()));
    let devices = staff_push_device::Entity::find().filter(staff_push_device::Column::StaffId.eq(me.id));
    assert_eq!(devices.count(db).await.unwrap(), 0);
    let own_after = app.data(Some(&teacher), OWN, json!({})).await.unwrap();
    assert_eq!(own_after["me"]["staff"]["fullName"], own_before["me"]["staff"]["fullName"], "employment kept");
    assert!(own_after["me"]["staff"]["phone"].is_null() && own_after["me"]["staff"]["identityNumber"].is_null());
    let copy = download(&app, &teacher, me.id).await;
    assert_eq!(copy.1["sections"]["staff"]["phone"], json!({ "unreadable": true }), "shredded, and said so");
    app.stop().await.unwrap();
}
