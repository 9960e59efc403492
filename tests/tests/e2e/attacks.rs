//! The attack paths of the privacy note that this surface has: guessed and copied ids,
//! nested relations, counts and `hasNextPage`, cursors, filters on hidden fields, error
//! text — and a fixed number of SQL statements per page, whatever its size.

use emis::graphql::ids;
use emis_tests::TestApp;
use entity::{guardianship, student};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use serde_json::{Value, json};
use std::collections::BTreeSet;

async fn children_of(app: &TestApp, username: &str) -> BTreeSet<i64> {
    let guardian = entity::guardian::Entity::find()
        .filter(entity::guardian::Column::Username.eq(username))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    guardianship::Entity::find()
        .filter(guardianship::Column::GuardianId.eq(guardian.id))
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|link| link.student_id)
        .collect()
}

async fn a_stranger(app: &TestApp, family: &BTreeSet<i64>) -> student::Model {
    let all = student::Entity::find().all(&app.state.db).await.unwrap();
    all.into_iter().find(|s| !family.contains(&s.id)).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_familys_child_reads_like_a_child_that_does_not_exist() {
    let app = TestApp::spawn().await.unwrap();
    let token = app.sign_in("phuhuynh").await.unwrap();
    let family = children_of(&app, "phuhuynh").await;
    let stranger = a_stranger(&app, &family).await;
    let query = "query($id: ID!) { student(id: $id) { fullName } node(id: $id) { id } }";
    let forbidden =
        app.graphql(Some(&token), query, json!({ "id": ids::encode("Student", stranger.id) })).await.unwrap();
    let missing = app.graphql(Some(&token), query, json!({ "id": ids::encode("Student", 987_654_321) })).await.unwrap();
    let garbage = app.graphql(Some(&token), query, json!({ "id": "not-an-id" })).await.unwrap();
    assert_eq!(forbidden, missing, "forbidden and non-existent answer identically");
    assert_eq!(forbidden, garbage);
    assert!(forbidden["data"]["student"].is_null() && forbidden.get("errors").is_none());
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nested_relations_do_not_reach_classmates_of_a_child() {
    let app = TestApp::spawn().await.unwrap();
    let token = app.sign_in("phuhuynh").await.unwrap();
    let family = children_of(&app, "phuhuynh").await;
    let data = app
        .data(
            Some(&token),
            "{ me { children { enrollments { class { students { id } school { classes { students { id } } } } } } } }",
            json!({}),
        )
        .await
        .unwrap();
    let text = data.to_string();
    let mut seen = BTreeSet::new();
    collect_ids(&data, &mut seen);
    for id in seen {
        if let Some(row) = ids::decode_as("Student", &id) {
            assert!(family.contains(&row), "a classmate leaked through a nested relation: {text}");
        }
    }
    app.stop().await.unwrap();
}

fn collect_ids(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                if key == "id"
                    && let Some(id) = value.as_str()
                {
                    out.insert(id.to_owned());
                }
                collect_ids(value, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_ids(item, out)),
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_and_counts_cover_exactly_the_visible_students() {
    let app = TestApp::spawn().await.unwrap();
    let token = app.sign_in("gvbm").await.unwrap();
    let query = "query($after: String) { students(first: 3, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id } } }";
    let mut after: Option<String> = None;
    let mut seen = Vec::new();
    let total = loop {
        let page = app.data(Some(&token), query, json!({ "after": after })).await.unwrap()["students"].clone();
        seen.extend(page["nodes"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap().to_owned()));
        if !page["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break page["totalCount"].as_u64().unwrap();
        }
        after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    };
    let unique: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no student appears twice");
    assert_eq!(seen.len() as u64, total, "the pages add up to totalCount");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filtering_by_identity_number_is_no_oracle_for_hidden_numbers() {
    let app = TestApp::spawn().await.unwrap();
    let principal = app.sign_in("hieutruong").await.unwrap();
    let teacher = app.sign_in("gvbm").await.unwrap();
    let seen = app.data(Some(&teacher), "{ students(first: 1) { nodes { id } } }", json!({})).await.unwrap();
    let id = seen["students"]["nodes"][0]["id"].as_str().unwrap().to_owned();
    let number = app
        .data(Some(&principal), "query($id: ID!) { student(id: $id) { identityNumber } }", json!({ "id": id }))
        .await
        .unwrap()["student"]["identityNumber"]
        .as_str()
        .unwrap()
        .to_owned();
    let query = "query($n: String) { students(identityNumber: $n) { totalCount nodes { id } } }";
    let by_principal = app.data(Some(&principal), query, json!({ "n": number })).await.unwrap();
    assert_eq!(by_principal["students"]["totalCount"], 1, "the principal finds the student by number");
    let by_teacher = app.data(Some(&teacher), query, json!({ "n": number })).await.unwrap();
    assert_eq!(by_teacher["students"]["totalCount"], 0, "the teacher, who may not read numbers, cannot test one");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_with_guardians_and_results_costs_the_same_statements_at_any_size() {
    let app = TestApp::spawn().await.unwrap();
    let token = app.sign_in("hieutruong").await.unwrap();
    let query = "query($first: Int) { students(first: $first) { nodes { fullName guardians { fullName phone } results { kind score } } } }";
    let mut costs = Vec::new();
    for first in [2, 12] {
        app.data(Some(&token), query, json!({ "first": first })).await.unwrap();
        // Both counts include the one disclosure-log batch that each request causes.
        app.state.disclosures.flush().await;
        let before = app.sql_statements().await.unwrap();
        let data = app.data(Some(&token), query, json!({ "first": first })).await.unwrap();
        app.state.disclosures.flush().await;
        let after = app.sql_statements().await.unwrap();
        assert_eq!(data["students"]["nodes"].as_array().unwrap().len(), first);
        costs.push(after - before);
    }
    assert_eq!(costs[0], costs[1], "statements per request must not grow with the page: {costs:?}");
    assert!(costs[1] <= 12, "a page costs a small fixed number of statements: {costs:?}");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_introspection_the_schema_and_field_suggestions_stay_closed() {
    let app = TestApp::spawn_with(|config| config.introspection = false).await.unwrap();
    let token = app.sign_in("gvcn").await.unwrap();
    let body = app.graphql(Some(&token), "{ __schema { types { name } } }", json!({})).await.unwrap();
    assert!(body.get("errors").is_some() || body["data"]["__schema"].is_null(), "introspection answered: {body}");
    let typo = app.graphql(Some(&token), "{ studnts { totalCount } }", json!({})).await.unwrap();
    assert!(!typo.to_string().contains("Did you mean"), "no field suggestions: {typo}");
    app.stop().await.unwrap();
}
