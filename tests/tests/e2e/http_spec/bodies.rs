//! Malformed requests: a body that is not JSON, not an object, or whose parameters have the
//! wrong types, and GET parameters that are missing or not JSON, answer 400 in the project's
//! coded bilingual error shape whatever the client accepts; `null` and empty optional
//! parameters are as if absent.

use super::{GRAPHQL_RESPONSE, JSON, assert_coded, get, post, send};
use emis_tests::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_bodies_answer_400_in_the_coded_bilingual_shape() {
    let app = TestApp::spawn().await.unwrap();
    let malformed = [
        r#"{ "not a JSON"#,
        "",
        "NONSENSE",
        "null",
        "42",
        r#""{ __typename }""#,
        "[]",
        r#"[{"query":"{ __typename }"}]"#,
        "{}",
        r#"{"qeury":"{ __typename }"}"#,
        r#"{"query":null}"#,
        r#"{"query":1}"#,
        r#"{"query":false}"#,
        r#"{"query":["{ __typename }"]}"#,
        r#"{"query":{"obj":"ect"}}"#,
        r#"{"query":"{ __typename }","variables":"{}"}"#,
        r#"{"query":"{ __typename }","variables":[7]}"#,
        r#"{"query":"{ __typename }","variables":0}"#,
        r#"{"query":"{ __typename }","operationName":1}"#,
        r#"{"query":"{ __typename }","operationName":["A"]}"#,
        r#"{"query":"{ __typename }","extensions":"x"}"#,
        r#"{"query":"{ __typename }","extensions":[]}"#,
    ];
    for body in malformed {
        for accept in [Some(GRAPHQL_RESPONSE), Some(JSON), None] {
            let answer = post(&app, accept, &[], body).await;
            assert_eq!(answer.status, 400, "{body} ({accept:?}): {}", answer.body);
            assert!(answer.content_type().starts_with(JSON), "{body}: {}", answer.content_type());
            assert_coded(&answer.json(), "BAD_REQUEST");
        }
    }
    let not_utf8 = send(&app, "POST", "/graphql", &[("Content-Type", JSON)], b"{\"query\":\"{ \xff }\"}").await;
    assert_eq!(not_utf8.status, 400, "{}", not_utf8.body);
    assert_coded(&not_utf8.json(), "BAD_REQUEST");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_get_parameters_answer_400_in_the_coded_shape() {
    let app = TestApp::spawn().await.unwrap();
    let malformed: [&[(&str, &str)]; 6] = [
        &[],
        &[("query", "")],
        &[("operationName", "A")],
        &[("query", "{ __typename }"), ("variables", "{ not JSON")],
        &[("query", "{ __typename }"), ("variables", "[1]")],
        &[("query", "{ __typename }"), ("extensions", "\"x\"")],
    ];
    for parameters in malformed {
        let answer = get(&app, parameters, Some(GRAPHQL_RESPONSE), &[]).await;
        assert_eq!(answer.status, 400, "{parameters:?}: {}", answer.body);
        assert_coded(&answer.json(), "BAD_REQUEST");
    }
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn null_and_empty_optional_parameters_are_as_if_absent() {
    let app = TestApp::spawn().await.unwrap();
    let body = r#"{"query":"{ __typename }","variables":null,"operationName":null,"extensions":null,"other":1}"#;
    let answer = post(&app, Some(GRAPHQL_RESPONSE), &[], body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(answer.json().get("errors").is_none(), "{}", answer.body);
    let parameters = [("query", "{ __typename }"), ("variables", ""), ("operationName", ""), ("extensions", "")];
    let answer = get(&app, &parameters, Some(GRAPHQL_RESPONSE), &[]).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(answer.json().get("errors").is_none(), "{}", answer.body);
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_the_limit_answers_413_in_the_coded_shape() {
    let app = TestApp::spawn().await.unwrap();
    let padding = " ".repeat(1024 * 1024);
    let answer = post(&app, Some(GRAPHQL_RESPONSE), &[], &format!(r#"{{"query":"{{ __typename }}{padding}"}}"#)).await;
    assert_eq!(answer.status, 413, "{}", &answer.body[..answer.body.len().min(200)]);
    assert_coded(&answer.json(), "PAYLOAD_TOO_LARGE");
    app.stop().await.unwrap();
}
