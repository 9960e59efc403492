//! Response fields come back in the order the query asks for them — through aliases,
//! fragments, inline fragments and fields merged from several places — whichever resolver
//! finishes first. The raw body is read with its keys in order (a JSON map would sort them).

use super::{GRAPHQL_RESPONSE, post};
use emis_tests::TestApp;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::json;

/// A JSON value with the keys of each object in the order the text holds them.
enum Ordered {
    Object(Vec<(String, Ordered)>),
    List(Vec<Ordered>),
    Scalar,
}

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(OrderedVisitor)
    }
}

struct OrderedVisitor;

impl<'de> Visitor<'de> for OrderedVisitor {
    type Value = Ordered;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("any JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry::<String, Ordered>()? {
            entries.push(entry);
        }
        Ok(Ordered::Object(entries))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Ordered, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Ordered::List(items))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Ordered, E> {
        Ok(Ordered::Scalar)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Ordered, E> {
        Ok(Ordered::Scalar)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Ordered, E> {
        Ok(Ordered::Scalar)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Ordered, E> {
        Ok(Ordered::Scalar)
    }
    fn visit_str<E>(self, _: &str) -> Result<Ordered, E> {
        Ok(Ordered::Scalar)
    }
    fn visit_unit<E>(self) -> Result<Ordered, E> {
        Ok(Ordered::Scalar)
    }
}

impl Ordered {
    fn get(&self, key: &str) -> &Ordered {
        match self {
            Ordered::Object(entries) => entries.iter().find(|(name, _)| name == key).map(|(_, value)| value),
            _ => None,
        }
        .unwrap_or_else(|| panic!("no member {key}"))
    }
    fn keys(&self) -> Vec<&str> {
        match self {
            Ordered::Object(entries) => entries.iter().map(|(name, _)| name.as_str()).collect(),
            _ => panic!("not an object"),
        }
    }
    fn items(&self) -> &[Ordered] {
        match self {
            Ordered::List(items) => items,
            _ => panic!("not a list"),
        }
    }
}

/// Runs `query` as the principal and returns its `data`, keys in order.
async fn ordered_data(app: &TestApp, bearer: &str, query: &str) -> Ordered {
    let body = json!({ "query": query }).to_string();
    let answer = post(app, Some(GRAPHQL_RESPONSE), &[("Authorization", bearer)], &body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let response: Ordered = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(response.keys(), ["data"], "{}", answer.body);
    match response {
        Ordered::Object(mut entries) => entries.remove(0).1,
        _ => unreachable!(),
    }
}

/// Asserts that every student node of `data.students.nodes` has exactly `keys`, in order, and
/// that there are some with guardians.
fn assert_node_keys(data: &Ordered, keys: &[&str]) {
    let nodes = data.get("students").get("nodes").items();
    assert!(!nodes.is_empty());
    for node in nodes {
        assert_eq!(node.keys(), keys);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fields_come_back_in_the_order_asked_for() {
    let app = TestApp::spawn().await.unwrap();
    let bearer = format!("Bearer {}", app.sign_in("hieutruong").await.unwrap());

    let query = "{ students(first: 6) { nodes { guardians { phone fullName } results { kind } fullName id } } }";
    let data = ordered_data(&app, &bearer, query).await;
    assert_node_keys(&data, &["guardians", "results", "fullName", "id"]);
    let guardians = data.get("students").get("nodes").items().iter().flat_map(|node| node.get("guardians").items());
    for guardian in guardians {
        assert_eq!(guardian.keys(), ["phone", "fullName"]);
    }

    let query = "{ students(first: 6) { nodes { id results { kind } fullName guardians { fullName } } } }";
    assert_node_keys(&ordered_data(&app, &bearer, query).await, &["id", "results", "fullName", "guardians"]);

    let query = "query { me { roles } students(first: 6) { totalCount nodes { guardians { fullName } fullName } } }";
    let data = ordered_data(&app, &bearer, query).await;
    assert_eq!(data.keys(), ["me", "students"]);
    assert_eq!(data.get("students").keys(), ["totalCount", "nodes"]);
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aliases_fragments_and_merged_fields_keep_the_order_asked_for() {
    let app = TestApp::spawn().await.unwrap();
    let bearer = format!("Bearer {}", app.sign_in("hieutruong").await.unwrap());
    let query = "query {
        students(first: 6) {
            nodes { family: guardians { fullName } ...Marks zeta: fullName ... on Student { alpha: id } }
            ...More
        }
    }
    fragment Marks on Student { results { kind } }
    fragment More on StudentConnection { nodes { guardians2: guardians { phone } results { score } family: guardians { phone } } totalCount }";
    let data = ordered_data(&app, &bearer, query).await;
    assert_eq!(data.get("students").keys(), ["nodes", "totalCount"]);
    assert_node_keys(&data, &["family", "results", "zeta", "alpha", "guardians2"]);
    for node in data.get("students").get("nodes").items() {
        for result in node.get("results").items() {
            assert_eq!(result.keys(), ["kind", "score"], "merged from two places, in the order of each");
        }
        for guardian in node.get("family").items() {
            assert_eq!(guardian.keys(), ["fullName", "phone"]);
        }
    }
    let skipped =
        "query($no: Boolean!) { students(first: 6) { nodes { id @skip(if: $no) guardians { fullName } id } } }";
    let body = json!({ "query": skipped, "variables": { "no": true } }).to_string();
    let answer = post(&app, Some(GRAPHQL_RESPONSE), &[("Authorization", &bearer)], &body).await;
    let response: Ordered = serde_json::from_str(&answer.body).unwrap();
    assert_node_keys(response.get("data"), &["guardians", "id"]);
    app.stop().await.unwrap();
}
