//! Every request weighed before any work: nested fragments, lists times their pages and
//! aliases refused with `TOO_COSTLY` before authentication or validation, a lower ceiling
//! without a token, one `signIn` per request, Int literals out of range refused, and the
//! documents the apps and GraphiQL really send still answered.

use emis::config::DEFAULT_MAX_COMPLEXITY;
use emis_tests::{TestApp, error_code};
use entity::sign_in_throttle;
use sea_orm::{EntityTrait as _, PaginatorTrait as _};
use serde_json::{Value, json};

/// The introspection query GraphiQL sends to load its schema.
const GRAPHIQL_INTROSPECTION: &str = include_str!("../../fixtures/graphiql-introspection.graphql");

/// Fragments `levels` deep on the query root, each spreading the one below twice.
fn nested_fragments(levels: usize) -> String {
    let mut query = format!("query {{ ...F{levels} }} fragment F0 on QueryRoot {{ a0: __typename }}");
    for level in 1..=levels {
        let below = level - 1;
        query.push_str(&format!(" fragment F{level} on QueryRoot {{ ...F{below} a{level}: __typename ...F{below} }}"));
    }
    query
}

/// A server with the default ceilings.
async fn spawn() -> TestApp {
    TestApp::spawn_with(|config| config.max_complexity = DEFAULT_MAX_COMPLEXITY).await.unwrap()
}

fn aliases(count: usize, one: impl Fn(usize) -> String) -> String {
    (0..count).map(one).collect::<Vec<_>>().join(" ")
}

fn refused_as(body: &Value, code: &str) {
    assert_eq!(error_code(body), Some(code), "{body}");
    assert!(body.get("data").is_none_or(Value::is_null), "nothing ran: {body}");
}

async fn nested_fragments_without_a_token_are_refused(levels: usize) {
    let app = spawn().await;
    let query = nested_fragments(levels);
    assert!(query.len() < 1_500, "a small document: {} bytes", query.len());
    let body = app.graphql(None, &query, json!({})).await.unwrap();
    refused_as(&body, "TOO_COSTLY");
    assert!(body["errors"][0]["extensions"]["cost"].as_u64().unwrap() > 1 << levels, "{body}");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_one_levels_of_nested_fragments_are_refused() {
    nested_fragments_without_a_token_are_refused(21).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_four_levels_of_nested_fragments_are_refused() {
    nested_fragments_without_a_token_are_refused(24).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_aliases_of_the_roster_are_refused() {
    let app = spawn().await;
    let token = app.sign_in("hieutruong").await.unwrap();
    let roster = aliases(1000, |i| format!("r{i}: schools {{ classes {{ students {{ fullName identityNumber }} }} }}"));
    let body = app.graphql(Some(&token), &format!("{{ {roster} }}"), json!({})).await.unwrap();
    refused_as(&body, "TOO_COSTLY");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_weighs_its_page_size() {
    let app = spawn().await;
    let token = app.sign_in("hieutruong").await.unwrap();
    let pages = |first: u32| {
        aliases(70, |i| format!("p{i}: students(first: {first}) {{ nodes {{ fullName identityNumber }} }}"))
    };
    let small = app.graphql(Some(&token), &format!("{{ {} }}", pages(10)), json!({})).await.unwrap();
    assert!(small.get("errors").is_none(), "{small}");
    let large = app.graphql(Some(&token), &format!("{{ {} }}", pages(100)), json!({})).await.unwrap();
    refused_as(&large, "TOO_COSTLY");
    let body = &large["errors"][0]["extensions"];
    assert_eq!(body["cost"], 70 * (1 + 100 * 3), "{large}");
    assert_eq!(body["ceiling"], DEFAULT_MAX_COMPLEXITY, "{large}");
    let by_variable = app
        .graphql(Some(&token), "query($n: Int) { a: disclosureLog(first: $n) { studentId fields } b: disclosureLog(first: $n) { studentId fields } c: disclosureLog(first: $n) { studentId fields } }", json!({ "n": 200 }))
        .await
        .unwrap();
    assert!(by_variable.get("errors").is_none(), "3 × 200 entries pass: {by_variable}");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_token_the_ceiling_is_much_lower() {
    let app = spawn().await;
    let typenames = |n: usize| format!("{{ {} }}", aliases(n, |i| format!("t{i}: __typename")));
    let fifty = app.data(None, &typenames(50), json!({})).await.unwrap();
    assert_eq!(fifty["t49"], "QueryRoot");
    let body = app.graphql(None, &typenames(51), json!({})).await.unwrap();
    refused_as(&body, "UNAUTHENTICATED");
    let token = app.sign_in("hieutruong").await.unwrap();
    app.data(Some(&token), &typenames(51), json!({})).await.unwrap();
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forty_sign_ins_in_one_request_are_refused_and_none_is_tried() {
    let app = spawn().await;
    let db = &app.state.db;
    let before = sign_in_throttle::Entity::find().count(db).await.unwrap();
    let tries =
        aliases(40, |i| format!(r#"s{i}: signIn(identifier: "khong.co.{i}", password: "sai") {{ accessToken }}"#));
    let body = app.graphql(None, &format!("mutation {{ {tries} }}"), json!({})).await.unwrap();
    refused_as(&body, "TOO_MANY_SIGN_INS");
    assert_eq!(sign_in_throttle::Entity::find().count(db).await.unwrap(), before, "no sign-in was tried");
    let one = app
        .graphql(None, r#"mutation { signIn(identifier: "khong.co", password: "sai") { accessToken } }"#, json!({}))
        .await
        .unwrap();
    assert_eq!(error_code(&one), Some("INVALID_CREDENTIALS"), "{one}");
    let after = sign_in_throttle::Entity::find().count(db).await.unwrap();
    assert!(after > before, "a lone sign-in is tried, and counted ({before} → {after} throttle rows)");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_int_literal_out_of_range_fails_before_anything_runs() {
    let app = spawn().await;
    let token = app.sign_in("hieutruong").await.unwrap();
    for query in [
        "{ students(first: 2147483648) { totalCount } }",
        "{ disclosureLog(first: -2147483649) { at } }",
        r#"mutation { recordConduct(classId: "x", semesterId: "y", entries: [{ studentId: "z", level: "tot", version: 4294967296 }]) { changed } }"#,
    ] {
        let body = app.graphql(Some(&token), query, json!({})).await.unwrap();
        refused_as(&body, "BAD_USER_INPUT");
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("32-bit"), "{body}");
    }
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphiql_loads_its_schema_without_a_token_when_introspection_is_on() {
    let app = spawn().await;
    let body = app.graphql(None, GRAPHIQL_INTROSPECTION, json!({})).await.unwrap();
    assert!(body.get("errors").is_none(), "{}", body["errors"]);
    let types = body["data"]["__schema"]["types"].as_array().unwrap();
    assert!(types.iter().any(|ty| ty["name"] == "Student"), "the schema's types");
    let recursing =
        "{ __schema { types { fields { type { ofType { fields { type { ofType { fields { name } } } } } } } } } }";
    let body = app.graphql(None, recursing, json!({})).await.unwrap();
    refused_as(&body, "TOO_COSTLY");
    app.stop().await.unwrap();
}

/// The benchmark's request shapes, each for the role that sends it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_benchmark_shapes_pass_for_their_roles() {
    let app = spawn().await;
    let guardian = app.sign_in("phuhuynh").await.unwrap();
    app.data(
        Some(&guardian),
        "{ me { children { fullName results { subjectId kind sequence score passed } } } }",
        json!({}),
    )
    .await
    .unwrap();
    let teacher = app.sign_in("gvbm").await.unwrap();
    let sections = app.data(Some(&teacher), "{ me { sections { id } } }", json!({})).await.unwrap();
    let section = sections["me"]["sections"][0]["id"].clone();
    let sheet = "query($id: ID!) { section(id: $id) { subject { name } students { fullName results(sectionId: $id) { kind sequence score passed } } } }";
    app.data(Some(&teacher), sheet, json!({ "id": section })).await.unwrap();
    let homeroom = app.sign_in("gvcn").await.unwrap();
    let classes = app.data(Some(&homeroom), "{ me { homeroomClasses { id } } }", json!({})).await.unwrap();
    let class = classes["me"]["homeroomClasses"][0]["id"].clone();
    let roster =
        "query($id: ID!) { class(id: $id) { name students { fullName guardians { fullName relationship phone } } } }";
    app.data(Some(&homeroom), roster, json!({ "id": class })).await.unwrap();
    let summary = "query($id: ID!) { class(id: $id) { summary { lines { fullName learning conduct unexcusedAbsences subjects { average passed } } } } }";
    app.data(Some(&homeroom), summary, json!({ "id": class })).await.unwrap();
    let principal = app.sign_in("hieutruong").await.unwrap();
    let search = "query($s: String) { students(search: $s, first: 50) { totalCount nodes { id fullName birthDate } } }";
    app.data(Some(&principal), search, json!({ "s": "nguyen" })).await.unwrap();
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_over_the_websocket_is_weighed_too() {
    use futures::SinkExt as _;
    use tokio_tungstenite::tungstenite::Message;
    let app = spawn().await;
    let token = app.sign_in("hieutruong").await.unwrap();
    let mut socket = super::subscriptions::connect(&app, &token).await;
    let ack = super::subscriptions::next(&mut socket).await.unwrap();
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    let heavy = json!({ "id": "1", "type": "subscribe", "payload": { "query": nested_fragments(21) } });
    socket.send(Message::text(heavy.to_string())).await.unwrap();
    let refused = super::subscriptions::next(&mut socket).await.unwrap();
    assert_eq!(refused["type"], "next", "{refused}");
    let code = &refused["payload"]["errors"][0]["extensions"]["code"];
    assert_eq!(code, "TOO_COSTLY", "{refused}");
    assert!(refused["payload"].get("data").is_none_or(Value::is_null), "nothing ran: {refused}");
    let light = json!({ "id": "2", "type": "subscribe", "payload": { "query": nested_fragments(3) } });
    socket.send(Message::text(light.to_string())).await.unwrap();
    let answered = loop {
        let message = super::subscriptions::next(&mut socket).await.unwrap();
        if message["id"] == "2" && message["type"] == "next" {
            break message;
        }
    };
    assert_eq!(answered["payload"]["data"]["a3"], "QueryRoot", "{answered}");
    app.stop().await.unwrap();
}
