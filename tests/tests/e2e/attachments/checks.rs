//! What an upload must be: signed in, a document or a photo by its bytes, within the size
//! limit, with a name free of NUL bytes — and not more than an account may leave waiting.

use super::{PDF, upload};
use emis_tests::TestApp;
use entity::attachment;
use reqwest::StatusCode;
use sea_orm::{EntityTrait as _, PaginatorTrait as _};

/// A tiny PNG header.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_is_refused_unless_it_is_a_document_or_photo_within_the_limits() {
    let app = TestApp::spawn_with(|config| config.attachments.max_mb = 1).await.unwrap();
    let teacher = app.sign_in("gvcn").await.unwrap();

    let (status, refused) = upload(&app, None, "a.pdf", PDF).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{refused}");
    let page = b"<!doctype html><script>fetch('/graphql')</script>";
    for (name, bytes) in [("bai-tap.pdf", &page[..]), ("rong.pdf", &b""[..]), ("a.svg", b"<svg><script/></svg>")] {
        let (status, refused) = upload(&app, Some(&teacher), name, bytes).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{name}: {refused}");
        assert_eq!(refused["code"], "BAD_USER_INPUT");
        assert!(refused["message"].as_str().unwrap().contains(" / "), "both languages: {refused}");
    }
    let (status, refused) = upload(&app, Some(&teacher), "a\0.pdf", PDF).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    let mut large = PDF.to_vec();
    large.resize(1024 * 1024 + 1, b' ');
    let (status, refused) = upload(&app, Some(&teacher), "lon.pdf", &large).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{refused}");
    assert!(refused["message"].as_str().unwrap().contains("1 MB"), "{refused}");
    assert_eq!(attachment::Entity::find().count(&app.state.db).await.unwrap(), 0, "nothing kept");

    // An account leaves at most 20 uploads waiting to be attached.
    for n in 0..emis::attachments::files::MAX_UNATTACHED {
        let (status, body) = upload(&app, Some(&teacher), &format!("anh-{n}.png"), PNG).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["contentType"], "image/png");
    }
    let (status, refused) = upload(&app, Some(&teacher), "them.png", PNG).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    let principal = app.sign_in("hieutruong").await.unwrap();
    assert_eq!(upload(&app, Some(&principal), "khac.png", PNG).await.0, StatusCode::CREATED, "per account");
    app.stop().await.unwrap();
}
