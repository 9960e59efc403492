//! Media types and statuses: the response's `Content-Type` follows `Accept` (with
//! `application/graphql-response+json` preferred, `application/json` for legacy clients and
//! when nothing is said, 406 when neither is acceptable); a POST body must be
//! `application/json` in UTF-8 (415 otherwise); request errors answer 400 under
//! `application/graphql-response+json` and 200 under `application/json`; a token that does not
//! sign in answers 401 with no location at line 0.

use super::{GRAPHQL_RESPONSE, JSON, assert_coded, assert_no_line_0, post, send};
use emis_tests::TestApp;

const TYPENAME: &str = r#"{"query":"{ __typename }"}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_response_media_type_follows_accept() {
    let app = TestApp::spawn().await.unwrap();
    let cases = [
        (None, JSON),
        (Some("application/json"), JSON),
        (Some("*/*"), JSON),
        (Some("application/*"), JSON),
        (Some("application/graphql-response+json"), GRAPHQL_RESPONSE),
        (Some("application/graphql-response+json, application/json;q=0.9"), GRAPHQL_RESPONSE),
        (Some("application/json;q=0.9, application/graphql-response+json"), GRAPHQL_RESPONSE),
        (Some("application/json, application/graphql-response+json;q=0.5"), JSON),
        (Some("text/html, application/graphql-response+json;q=0.1"), GRAPHQL_RESPONSE),
        (Some("application/graphql-response+json;q=0, */*;q=0.8"), JSON),
        (Some("APPLICATION/GRAPHQL-RESPONSE+JSON; charset=utf-8"), GRAPHQL_RESPONSE),
    ];
    for (accept, expected) in cases {
        let answer = post(&app, accept, &[], TYPENAME).await;
        assert_eq!(answer.status, 200, "{accept:?}: {}", answer.body);
        let content_type = answer.content_type();
        assert!(content_type.starts_with(expected), "{accept:?} answered {content_type}");
        assert!(content_type.contains("charset=utf-8"), "{accept:?} answered {content_type}");
        assert_eq!(answer.json()["data"]["__typename"], "QueryRoot");
    }
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_accept_that_allows_neither_graphql_media_type_answers_406() {
    let app = TestApp::spawn().await.unwrap();
    for accept in ["text/html", "application/json;q=0", "application/xml, text/*", "application/json; charset=latin1"] {
        let answer = post(&app, Some(accept), &[], TYPENAME).await;
        assert_eq!(answer.status, 406, "{accept}: {}", answer.body);
        assert!(answer.content_type().starts_with(JSON), "{accept}: {}", answer.content_type());
        assert_coded(&answer.json(), "NOT_ACCEPTABLE");
    }
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_body_must_be_json_in_utf8_or_it_is_refused_with_415() {
    let app = TestApp::spawn().await.unwrap();
    let body = TYPENAME.as_bytes();
    let refused: [&[(&str, &str)]; 6] = [
        &[],
        &[("Content-Type", "text/plain")],
        &[("Content-Type", "application/graphql")],
        &[("Content-Type", "application/x-www-form-urlencoded")],
        &[("Content-Type", "multipart/form-data; boundary=x")],
        &[("Content-Type", "application/json; charset=iso-8859-1")],
    ];
    for headers in refused {
        let answer = send(&app, "POST", "/graphql", headers, body).await;
        assert_eq!(answer.status, 415, "{headers:?}: {}", answer.body);
        assert_coded(&answer.json(), "UNSUPPORTED_MEDIA_TYPE");
    }
    for content_type in ["application/json; charset=UTF-8", "Application/JSON", "application/json;charset=\"utf-8\""] {
        let answer = send(&app, "POST", "/graphql", &[("Content-Type", content_type)], body).await;
        assert_eq!(answer.status, 200, "{content_type}: {}", answer.body);
    }
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_errors_answer_400_under_graphql_response_json_and_200_under_json() {
    let app = TestApp::spawn().await.unwrap();
    let request_errors = [
        (r#"{"query":"{ students { "}"#, "GRAPHQL_PARSE_FAILED"),
        (r#"{"query":"{ noSuchField }"}"#, "GRAPHQL_VALIDATION_FAILED"),
        (r#"{"query":"{ students(first: \"many\") { totalCount } }"}"#, "GRAPHQL_VALIDATION_FAILED"),
        (r#"{"query":"query($id: ID!) { student(id: $id) { id } }"}"#, "BAD_USER_INPUT"),
        (r#"{"query":"query($id: ID!) { student(id: $id) { id } }","variables":{"id":null}}"#, "BAD_USER_INPUT"),
        (
            r#"{"query":"query($n: Int) { students(first: $n) { totalCount } }","variables":{"n":"x"}}"#,
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (r#"{"query":"query A { __typename } query B { __typename }"}"#, "GRAPHQL_VALIDATION_FAILED"),
        (r#"{"query":"query A { __typename }","operationName":"B"}"#, "GRAPHQL_VALIDATION_FAILED"),
    ];
    for (body, code) in request_errors {
        let strict = post(&app, Some(GRAPHQL_RESPONSE), &[], body).await;
        assert_eq!(strict.status, 400, "{body}: {}", strict.body);
        assert!(strict.content_type().starts_with(GRAPHQL_RESPONSE), "{body}: {}", strict.content_type());
        assert_coded(&strict.json(), code);
        let legacy = post(&app, Some(JSON), &[], body).await;
        assert_eq!(legacy.status, 200, "{body}: {}", legacy.body);
        assert!(legacy.content_type().starts_with(JSON), "{body}: {}", legacy.content_type());
        assert_coded(&legacy.json(), code);
    }
    // A field error is no request error: the operation ran, and `data` is there.
    let field_error = post(&app, Some(GRAPHQL_RESPONSE), &[], r#"{"query":"{ students { totalCount } }"}"#).await;
    assert_eq!(field_error.status, 200, "{}", field_error.body);
    let body = field_error.json();
    assert!(body.get("data").is_some(), "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    assert_no_line_0(&body);
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_that_does_not_sign_in_answers_401_without_a_line_0_location() {
    let app = TestApp::spawn().await.unwrap();
    let forged = [("Authorization", "Bearer emis_at_forged")];
    let strict = post(&app, Some(GRAPHQL_RESPONSE), &forged, r#"{"query":"{ me { roles } }"}"#).await;
    assert_eq!(strict.status, 401, "{}", strict.body);
    assert!(strict.header("www-authenticate").is_some_and(|value| value.starts_with("Bearer")));
    assert!(strict.content_type().starts_with(GRAPHQL_RESPONSE));
    let body = strict.json();
    assert_coded(&body, "UNAUTHENTICATED");
    assert!(body["errors"][0].get("locations").is_none(), "no place in the document: {body}");
    let legacy = post(&app, None, &forged, r#"{"query":"{ me { roles } }"}"#).await;
    assert_eq!(legacy.status, 200, "{}", legacy.body);
    let body = legacy.json();
    assert_coded(&body, "UNAUTHENTICATED");
    assert!(body["errors"][0].get("locations").is_none(), "no place in the document: {body}");
    app.stop().await.unwrap();
}
