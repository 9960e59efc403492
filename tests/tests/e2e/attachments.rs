//! Files attached to notices: an upload is checked by its bytes and its size, is its
//! uploader's alone until it is attached, and once attached opens for whoever may read the
//! notice's attachments; everyone else — another class's family, another school, a guessed
//! id, an id of another kind — gets the answer a missing file gets. The bytes are kept in
//! the database, a folder or an S3-compatible store by configuration.

mod checks;
mod messages;
mod stores;

use crate::grade_entry::decode;
use crate::movements::{other_class, spawn};
use crate::notices::principal_elsewhere;
use crate::roll_call::{guardian_of, homeroom_class, homeroom_teacher_of};
use emis::graphql::ids::encode;
use emis_tests::{TestApp, error_code};
use entity::notice;
use reqwest::StatusCode;
use sea_orm::{EntityTrait as _, PaginatorTrait as _};
use serde_json::{Value, json};

/// A small PDF.
pub const PDF: &[u8] =
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

const PUBLISH: &str = "mutation($input: PublishNoticeInput!) {
    publishNotice(input: $input) { id attachments { id fileName contentType size sha256 url } } }";
const ATTACHMENTS: &str = "query($id: ID!) { notice(id: $id) { attachments { id url } } }";

/// Uploads `bytes` named `name` as `token`: the status and the JSON answer.
pub async fn upload(app: &TestApp, token: Option<&str>, name: &str, bytes: &[u8]) -> (StatusCode, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{}/attachments", app.address))
        .query(&[("name", name)])
        .body(bytes.to_vec());
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Downloads `path` as `token`: the response.
pub async fn download(app: &TestApp, token: Option<&str>, path: &str) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(format!("{}{path}", app.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

/// Publishes a notice for `class` with `attachments`, as `token`: the whole answer.
pub async fn publish_with(app: &TestApp, token: &str, class: &str, attachments: &[&str]) -> Value {
    let input = json!({
        "kind": "document", "title": "Kế hoạch học kỳ II", "body": "Xem tệp đính kèm.",
        "classId": class, "attachmentIds": attachments,
    });
    app.graphql(Some(token), PUBLISH, json!({ "input": input })).await.unwrap()
}

/// The status and body of `path` downloaded as `token`.
async fn fetched(app: &TestApp, token: Option<&str>, path: &str) -> (StatusCode, Vec<u8>) {
    let response = download(app, token, path).await;
    (response.status(), response.bytes().await.unwrap().to_vec())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attachment_opens_for_the_families_it_reached_and_like_a_missing_file_for_anyone_else() {
    let app = spawn().await;
    let homeroom = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &homeroom).await;
    let other = other_class(&app, decode("Class", &class.id), true).await;
    let other_homeroom = app.sign_in(&homeroom_teacher_of(&app, other.id).await).await.unwrap();
    let other_family = {
        let others = homeroom_class(&app, &other_homeroom).await.students;
        let outside = crate::notices::families_outside(&app, &others, &class.students).await;
        outside[0].1.clone()
    };
    let family = app.sign_in(&guardian_of(&app, &class.students[0]).await).await.unwrap();
    let stranger = app.sign_in(&principal_elsewhere(&app, other.school_id).await).await.unwrap();

    let (status, uploaded) = upload(&app, Some(&homeroom), "C:\\Tài liệu\\Kế hoạch.pdf", PDF).await;
    assert_eq!(status, StatusCode::CREATED, "{uploaded}");
    assert_eq!(uploaded["fileName"], "Kế hoạch.pdf");
    assert_eq!(uploaded["contentType"], "application/pdf");
    assert_eq!(uploaded["size"], PDF.len());
    let id = uploaded["id"].as_str().unwrap().to_owned();
    let path = format!("/attachments/{id}");
    let missing = format!("/attachments/{}", encode("Attachment", 9_999_999).0);
    let (_, absent) = fetched(&app, Some(&homeroom), &missing).await;

    // Until it is attached, the upload is its uploader's alone.
    assert_eq!(fetched(&app, Some(&homeroom), &path).await, (StatusCode::OK, PDF.to_vec()));
    for token in [&other_homeroom, &family, &stranger] {
        assert_eq!(fetched(&app, Some(token), &path).await, (StatusCode::NOT_FOUND, absent.clone()));
    }
    // ...and only its uploader may attach it: anyone else is answered like a missing file.
    let principal = app.sign_in("hieutruong").await.unwrap();
    let notices_before = notice::Entity::find().count(&app.state.db).await.unwrap();
    let taken = publish_with(&app, &principal, &class.id, &[&id]).await;
    let unknown = publish_with(&app, &principal, &class.id, &[&encode("Attachment", 9_999_999).0]).await;
    let wrong_kind = publish_with(&app, &principal, &class.id, &[&class.students[0]]).await;
    for refused in [&taken, &unknown, &wrong_kind] {
        assert_eq!(error_code(refused), Some("FORBIDDEN"), "{refused}");
        assert_eq!(refused["errors"][0]["message"], unknown["errors"][0]["message"]);
    }
    assert_eq!(notice::Entity::find().count(&app.state.db).await.unwrap(), notices_before, "nothing written");

    let published = publish_with(&app, &homeroom, &class.id, &[&id]).await;
    let notice_id = published["data"]["publishNotice"]["id"].as_str().expect("published").to_owned();
    let listed = &published["data"]["publishNotice"]["attachments"];
    assert_eq!(listed[0]["url"], path, "{published}");
    assert_eq!(listed[0]["sha256"], uploaded["sha256"]);
    // Attached once: it cannot be attached again.
    let again = publish_with(&app, &homeroom, &class.id, &[&id]).await;
    assert_eq!(again["errors"][0]["message"], unknown["errors"][0]["message"], "{again}");

    // The class's family opens it, with headers that keep a browser from running it.
    let response = download(&app, Some(&family), &path).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers["content-disposition"].to_str().unwrap().contains("filename*=UTF-8''K%E1%BA%BF"));
    assert_eq!(response.bytes().await.unwrap().as_ref(), PDF);
    let seen = app.data(Some(&family), ATTACHMENTS, json!({ "id": notice_id })).await.unwrap();
    assert_eq!(seen["notice"]["attachments"][0]["url"], path);
    assert_eq!(fetched(&app, Some(&principal), &path).await.0, StatusCode::OK, "the principal of the school");

    // Everyone else: another class's family and teacher, another school, no one signed in,
    // and the notice's id where the file's goes.
    for token in [&other_family, &other_homeroom, &stranger] {
        assert_eq!(fetched(&app, Some(token), &path).await, (StatusCode::NOT_FOUND, absent.clone()));
    }
    assert_eq!(download(&app, None, &path).await.status(), StatusCode::UNAUTHORIZED);
    let as_notice = format!("/attachments/{notice_id}");
    assert_eq!(fetched(&app, Some(&family), &as_notice).await, (StatusCode::NOT_FOUND, absent.clone()));
    assert_eq!(fetched(&app, Some(&family), "/attachments/%00").await.0, StatusCode::NOT_FOUND);

    // Withdrawn, the notice shows nothing of what it said, its files included.
    let withdraw = "mutation($id: ID!) { withdrawNotice(noticeId: $id) { id } }";
    app.data(Some(&homeroom), withdraw, json!({ "id": notice_id })).await.unwrap();
    assert_eq!(fetched(&app, Some(&family), &path).await, (StatusCode::NOT_FOUND, absent.clone()));
    let seen = app.data(Some(&family), ATTACHMENTS, json!({ "id": notice_id })).await.unwrap();
    assert_eq!(seen["notice"]["attachments"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_staff_notice_opens_its_files_to_the_staff_it_reached_only() {
    let app = spawn().await;
    let principal = app.sign_in("hieutruong").await.unwrap();
    let homeroom = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &homeroom).await;
    let family = app.sign_in(&guardian_of(&app, &class.students[0]).await).await.unwrap();
    let school = other_class(&app, decode("Class", &class.id), true).await.school_id;
    let stranger = app.sign_in(&principal_elsewhere(&app, school).await).await.unwrap();

    let (_, uploaded) = upload(&app, Some(&principal), "Lịch họp hội đồng.pdf", PDF).await;
    let id = uploaded["id"].as_str().unwrap();
    let input = json!({ "kind": "notice", "title": "Họp hội đồng", "body": "Thứ Hai.", "audience": "staff",
        "attachmentIds": [id] });
    let published = app.graphql(Some(&principal), PUBLISH, json!({ "input": input })).await.unwrap();
    assert!(published["data"]["publishNotice"]["id"].is_string(), "{published}");
    let path = format!("/attachments/{id}");
    let (_, absent) =
        fetched(&app, Some(&family), &format!("/attachments/{}", encode("Attachment", 9_999_999).0)).await;
    assert_eq!(fetched(&app, Some(&homeroom), &path).await, (StatusCode::OK, PDF.to_vec()), "a colleague");
    for outsider in [&family, &stranger] {
        assert_eq!(fetched(&app, Some(outsider), &path).await, (StatusCode::NOT_FOUND, absent.clone()));
    }
}
