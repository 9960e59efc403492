//! Files in a private conversation: a guardian attaches a file to a message to the homeroom
//! teacher; the conversation's members open it, anyone else — another family, another
//! teacher of the school, the principal before a report — gets the answer a missing file
//! gets; someone else's upload cannot be attached; deleting the message erases its file.

use super::{PDF, download, upload};
use crate::roll_call::{guardian_of, homeroom_class};
use emis_tests::error_code;
use entity::attachment;
use reqwest::StatusCode;
use sea_orm::{EntityTrait as _, PaginatorTrait as _};
use serde_json::json;

const OPEN: &str =
    "mutation($s: ID!, $with: ID) { openConversation(input: { studentId: $s, withStaffId: $with }) { id } }";
const SEND: &str = "mutation($c: ID!, $b: String!, $files: [ID!]) {
    sendMessage(conversationId: $c, body: $b, attachmentIds: $files) { id attachments { id fileName url } } }";
const READ: &str = "query($c: ID!) { conversation(id: $c) { messages { id attachments { id url } } } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_in_a_message_opens_for_the_conversations_members_only_and_goes_with_the_message() {
    let app = crate::movements::spawn().await;
    let homeroom = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &homeroom).await;
    let child = class.students[0].clone();
    let family = app.sign_in(&guardian_of(&app, &child).await).await.unwrap();
    let other = crate::conversations::other_family(&app, &class, &child).await;
    let principal = app.sign_in("hieutruong").await.unwrap();
    let subject = app.sign_in("gvbm").await.unwrap();
    let me = app.data(Some(&homeroom), "{ me { staff { id } } }", json!({})).await.unwrap();
    let teacher_id = me["me"]["staff"]["id"].clone();
    let opened = app.data(Some(&family), OPEN, json!({ "s": child, "with": teacher_id })).await.unwrap();
    let conversation = opened["openConversation"]["id"].clone();

    // Another family's upload cannot be attached: refused like a missing file, nothing sent.
    let (status, theirs) = upload(&app, Some(&other), "giấy khám.pdf", PDF).await;
    assert_eq!(status, StatusCode::CREATED);
    let refused = app
        .graphql(Some(&family), SEND, json!({ "c": conversation, "b": "Giấy khám bệnh", "files": [theirs["id"]] }))
        .await
        .unwrap();
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");

    let (_, mine) = upload(&app, Some(&family), "giấy khám.pdf", PDF).await;
    let sent = app
        .data(Some(&family), SEND, json!({ "c": conversation, "b": "Giấy khám bệnh của cháu", "files": [mine["id"]] }))
        .await
        .unwrap();
    let file = sent["sendMessage"]["attachments"][0].clone();
    assert_eq!(file["fileName"], "giấy khám.pdf");
    let url = file["url"].as_str().unwrap().to_owned();
    let read = app.data(Some(&homeroom), READ, json!({ "c": conversation })).await.unwrap();
    assert_eq!(read["conversation"]["messages"][0]["attachments"][0]["url"], json!(url));
    for (who, token) in [("the guardian", &family), ("the homeroom teacher", &homeroom)] {
        let opened = download(&app, Some(token), &url).await;
        assert_eq!(opened.status(), StatusCode::OK, "{who}");
        assert_eq!(opened.bytes().await.unwrap().as_ref(), PDF);
    }
    let guessed = format!("/attachments/{}", emis::graphql::ids::encode("Attachment", 9_999_999).0);
    let missing = download(&app, Some(&family), &guessed).await;
    let (missing_status, missing_body) = (missing.status(), missing.bytes().await.unwrap());
    for (who, token) in [("another family", &other), ("another teacher", &subject), ("the principal", &principal)] {
        let refused = download(&app, Some(token), &url).await;
        assert_eq!(refused.status(), missing_status, "{who}");
        assert_eq!(refused.bytes().await.unwrap(), missing_body, "{who}: like a missing file");
    }

    // Deleted with its message: the file is gone for everyone, row and bytes.
    let message = sent["sendMessage"]["id"].clone();
    let files_before = attachment::Entity::find().count(&app.state.db).await.unwrap();
    app.data(Some(&family), "mutation($m: ID!) { deleteMessage(messageId: $m) { id } }", json!({ "m": message }))
        .await
        .unwrap();
    assert_eq!(download(&app, Some(&homeroom), &url).await.status(), missing_status);
    assert_eq!(attachment::Entity::find().count(&app.state.db).await.unwrap(), files_before - 1);
    let blobs = entity::attachment_blob::Entity::find().count(&app.state.db).await.unwrap();
    assert_eq!(blobs, files_before - 1, "the bytes went with the row");
    let read = app.data(Some(&homeroom), READ, json!({ "c": conversation })).await.unwrap();
    assert_eq!(read["conversation"]["messages"][0]["attachments"], json!([]));
    app.stop().await.unwrap();
}
