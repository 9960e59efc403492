//! The stores of attachments' bytes other than the database: a folder, and an S3-compatible
//! store (here a small stand-in on the loopback address that keeps objects in memory, speaking
//! the part of the S3 protocol a put, a get and a delete use). Either way, what was uploaded
//! is what the family downloads, under a key that says nothing of the file.

use super::{PDF, download, publish_with, upload};
use crate::roll_call::{guardian_of, homeroom_class};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::put;
use emis_tests::TestApp;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// Uploads a PDF as the homeroom teacher, attaches it to a class notice, and downloads it as
/// a family of the class: the bytes the family got.
async fn round_trip(app: &TestApp) -> Vec<u8> {
    let homeroom = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(app, &homeroom).await;
    let (status, uploaded) = upload(app, Some(&homeroom), "Thời khóa biểu.pdf", PDF).await;
    assert_eq!(status, StatusCode::CREATED, "{uploaded}");
    let id = uploaded["id"].as_str().unwrap();
    let published = publish_with(app, &homeroom, &class.id, &[id]).await;
    assert!(published["data"]["publishNotice"]["id"].is_string(), "{published}");
    let family = app.sign_in(&guardian_of(app, &class.students[0]).await).await.unwrap();
    let response = download(app, Some(&family), &format!("/attachments/{id}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.bytes().await.unwrap().to_vec()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_keeps_the_bytes_under_a_key_that_names_nothing() {
    let folder = tempfile::tempdir().unwrap();
    let store = format!("folder:{}", folder.path().join("files").display());
    let app = TestApp::spawn_with(|config| config.attachments.store = store).await.unwrap();
    assert_eq!(round_trip(&app).await, PDF);
    let kept: Vec<_> = std::fs::read_dir(folder.path().join("files/attachments")).unwrap().collect();
    assert_eq!(kept.len(), 1);
    let name = kept[0].as_ref().unwrap().file_name().into_string().unwrap();
    assert!(name.chars().all(|c| c.is_ascii_hexdigit()), "{name}");
    assert_eq!(std::fs::read(kept[0].as_ref().unwrap().path()).unwrap(), PDF);
    app.stop().await.unwrap();
}

/// Objects kept by the stand-in store, by path (`/bucket/key`).
type Objects = Arc<Mutex<BTreeMap<String, Vec<u8>>>>;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_s3_compatible_store_keeps_the_bytes_in_its_bucket() {
    let objects = Objects::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let routes = Router::new().route("/{*path}", put(put_object).get(get_object).delete(delete_object));
    let server = tokio::spawn(axum::serve(listener, routes.with_state(Arc::clone(&objects))).into_future());

    let app = TestApp::spawn_with(|config| {
        config.attachments.store = "s3://truong-hoc/emis".to_owned();
        config.attachments.s3_endpoint = Some(endpoint);
        config.attachments.s3_access_key_id = "emis".to_owned();
        config.attachments.s3_secret_access_key = emis::outbox::Hidden("bi-mat".to_owned());
    })
    .await
    .unwrap();
    assert_eq!(round_trip(&app).await, PDF);
    let kept = objects.lock().unwrap().clone();
    assert_eq!(kept.len(), 1, "{:?}", kept.keys());
    let (path, bytes) = kept.into_iter().next().unwrap();
    assert!(path.starts_with("/truong-hoc/emis/attachments/"), "{path}");
    assert_eq!(bytes, PDF);
    app.stop().await.unwrap();
    server.abort();
}

async fn put_object(State(objects): State<Objects>, Path(path): Path<String>, body: Bytes) -> Response {
    objects.lock().unwrap().insert(format!("/{path}"), body.to_vec());
    (StatusCode::OK, [(header::ETAG, "\"1\"")]).into_response()
}

async fn get_object(State(objects): State<Objects>, Path(path): Path<String>, _: HeaderMap) -> Response {
    let Some(bytes) = objects.lock().unwrap().get(&format!("/{path}")).cloned() else {
        return (StatusCode::NOT_FOUND, "<Error><Code>NoSuchKey</Code></Error>").into_response();
    };
    let headers = [
        (header::ETAG, "\"1\"".to_owned()),
        (header::LAST_MODIFIED, "Sun, 06 Dec 2026 08:00:00 GMT".to_owned()),
        (header::CONTENT_LENGTH, bytes.len().to_string()),
    ];
    (StatusCode::OK, headers, bytes).into_response()
}

async fn delete_object(State(objects): State<Objects>, Path(path): Path<String>) -> StatusCode {
    objects.lock().unwrap().remove(&format!("/{path}"));
    StatusCode::NO_CONTENT
}
