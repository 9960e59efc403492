//! Retention: past its kind's retention a notice is forgotten with its deliveries, readings,
//! files and notifications, and a conversation with its messages, files, members and
//! notifications — rows and bytes — and an upload never attached a day after it was made,
//! while what is younger stays; a dry run forgets nothing
//! and counts the same; 0 keeps for ever; a second pass finds nothing.

use crate::attachments::{PDF, download, upload};
use crate::roll_call::{guardian_of, homeroom_class};
use chrono::{Duration, Utc};
use emis::retention::{Settings, Swept, sweep};
use emis_tests::TestApp;
use entity::{attachment, attachment_blob, conversation, message, notice, notice_delivery, notification};
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _};
use serde_json::{Value, json};

const PUBLISH: &str =
    "mutation($input: PublishNoticeInput!) { publishNotice(input: $input) { id attachments { url } } }";
const OPEN: &str =
    "mutation($s: ID!, $with: ID) { openConversation(input: { studentId: $s, withStaffId: $with }) { id } }";
const SEND: &str = "mutation($c: ID!, $b: String!, $files: [ID!]) {
    sendMessage(conversationId: $c, body: $b, attachmentIds: $files) { id attachments { url } } }";

/// A notice to `class` with a file, as `token`: its id and the file's url.
async fn notice_with_file(app: &TestApp, token: &str, class: &str) -> (i64, String) {
    let (_, file) = upload(app, Some(token), "kế hoạch.pdf", PDF).await;
    let input = json!({ "kind": "document", "title": "Kế hoạch", "body": "Xem tệp.", "classId": class,
        "attachmentIds": [file["id"]] });
    let published = app.data(Some(token), PUBLISH, json!({ "input": input })).await.unwrap();
    let id = crate::grade_entry::decode("Notice", published["publishNotice"]["id"].as_str().unwrap());
    (id, published["publishNotice"]["attachments"][0]["url"].as_str().unwrap().to_owned())
}

/// A conversation of `family` with the teacher `teacher_id` about `child`, with one message
/// carrying a file: its id and the file's url.
async fn conversation_with_file(app: &TestApp, family: &str, child: &str, teacher_id: &Value) -> (i64, String) {
    let opened = app.data(Some(family), OPEN, json!({ "s": child, "with": teacher_id })).await.unwrap();
    let id = opened["openConversation"]["id"].clone();
    let (_, file) = upload(app, Some(family), "giấy khám.pdf", PDF).await;
    let sent = app.data(Some(family), SEND, json!({ "c": id, "b": "Giấy khám", "files": [file["id"]] })).await.unwrap();
    let url = sent["sendMessage"]["attachments"][0]["url"].as_str().unwrap().to_owned();
    (crate::grade_entry::decode("Conversation", id.as_str().unwrap()), url)
}

/// Row counts: notices, deliveries, conversations, messages, notifications, files, bytes.
async fn counts(app: &TestApp) -> [u64; 7] {
    let db = &app.state.db;
    [
        notice::Entity::find().count(db).await.unwrap(),
        notice_delivery::Entity::find().count(db).await.unwrap(),
        conversation::Entity::find().count(db).await.unwrap(),
        message::Entity::find().count(db).await.unwrap(),
        notification::Entity::find().count(db).await.unwrap(),
        attachment::Entity::find().count(db).await.unwrap(),
        attachment_blob::Entity::find().count(db).await.unwrap(),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_is_past_its_retention_is_forgotten_with_its_files_and_the_rest_stays() {
    let app = crate::movements::spawn().await;
    let db = &app.state.db;
    let teacher = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &teacher).await;
    let child = class.students[0].clone();
    let family = app.sign_in(&guardian_of(&app, &child).await).await.unwrap();
    let me = app.data(Some(&teacher), "{ me { staff { id } } }", json!({})).await.unwrap();
    let teacher_id = me["me"]["staff"]["id"].clone();
    let (old_notice, old_notice_file) = notice_with_file(&app, &teacher, &class.id).await;
    let (old_talk, old_talk_file) = conversation_with_file(&app, &family, &child, &teacher_id).await;
    // The old ones were made 40 days ago.
    let long_ago = Utc::now() - Duration::days(40);
    notice::Entity::update_many().col_expr(notice::Column::PublishedAt, Expr::value(long_ago)).exec(db).await.unwrap();
    conversation::Entity::update_many()
        .col_expr(conversation::Column::LastMessageAt, Expr::value(long_ago))
        .exec(db)
        .await
        .unwrap();
    notification::Entity::update_many()
        .col_expr(notification::Column::CreatedAt, Expr::value(long_ago))
        .exec(db)
        .await
        .unwrap();
    let aged = entity::staff_notification::Entity::update_many()
        .col_expr(entity::staff_notification::Column::CreatedAt, Expr::value(long_ago))
        .exec(db)
        .await
        .unwrap();
    assert!(aged.rows_affected >= 1, "the family's message told the teacher");
    // An upload never attached, two days old (and, below, one made today).
    let (_, never) = upload(&app, Some(&family), "quên.pdf", PDF).await;
    let never = crate::grade_entry::decode("Attachment", never["id"].as_str().unwrap());
    attachment::Entity::update_many()
        .col_expr(attachment::Column::CreatedAt, Expr::value(Utc::now() - Duration::days(2)))
        .filter(attachment::Column::Id.eq(never))
        .exec(db)
        .await
        .unwrap();
    let (fresh_notice, fresh_notice_file) = notice_with_file(&app, &teacher, &class.id).await;
    let other = class.students[1].clone();
    let other_family = app.sign_in(&guardian_of(&app, &other).await).await.unwrap();
    let (fresh_talk, fresh_talk_file) = conversation_with_file(&app, &other_family, &other, &teacher_id).await;
    // (The family uploads nothing more: its own next upload would forget its stale one.)
    let (_, today) = upload(&app, Some(&other_family), "mới.pdf", PDF).await;
    let today = crate::grade_entry::decode("Attachment", today["id"].as_str().unwrap());
    let before = counts(&app).await;

    let month = Settings {
        notices_days: 30,
        messages_days: 30,
        notifications_days: 30,
        outbox_days: 30,
        sealed_days: 30,
        sweep: false,
    };
    let store = &app.state.attachments;
    let forever = Settings {
        notices_days: 0,
        messages_days: 0,
        notifications_days: 0,
        outbox_days: 0,
        sealed_days: 0,
        sweep: false,
    };
    let kept = sweep(db, store, &forever, Utc::now(), false).await.unwrap();
    let only_the_stale_upload = Swept { attachments: 1, ..Swept::default() };
    assert_eq!(kept, only_the_stale_upload, "0 keeps for ever; an upload never attached goes a day after");
    assert!(attachment::Entity::find_by_id(never).one(db).await.unwrap().is_none(), "the stale upload is gone");
    let dry = sweep(db, store, &month, Utc::now(), true).await.unwrap();
    let mut unchanged = before;
    unchanged[5] -= 1;
    unchanged[6] -= 1;
    assert_eq!(counts(&app).await, unchanged, "a dry run forgets nothing");
    assert_eq!((dry.notices, dry.conversations, dry.attachments), (1, 1, 2), "{dry:?}");
    assert!(dry.notifications >= 2, "{dry:?}");

    let swept = sweep(db, store, &month, Utc::now(), false).await.unwrap();
    assert_eq!((swept.notices, swept.conversations, swept.attachments), (1, 1, 2), "{swept:?}");
    assert!(attachment::Entity::find_by_id(today).one(db).await.unwrap().is_some(), "today's upload waits");
    assert_eq!(swept.notifications, dry.notifications);
    assert!(notice::Entity::find_by_id(old_notice).one(db).await.unwrap().is_none());
    let staff_told = entity::staff_notification::Entity::find()
        .filter(entity::staff_notification::Column::ConversationId.eq(old_talk))
        .count(db)
        .await;
    assert_eq!(staff_told.unwrap(), 0, "the teacher's notifications of the old conversation went with it");
    assert!(notice::Entity::find_by_id(fresh_notice).one(db).await.unwrap().is_some());
    let left = notice_delivery::Entity::find().filter(notice_delivery::Column::NoticeId.eq(old_notice)).count(db).await;
    assert_eq!(left.unwrap(), 0);
    assert!(conversation::Entity::find_by_id(old_talk).one(db).await.unwrap().is_none());
    assert!(conversation::Entity::find_by_id(fresh_talk).one(db).await.unwrap().is_some());
    let messages = message::Entity::find().filter(message::Column::ConversationId.eq(old_talk)).count(db).await;
    assert_eq!(messages.unwrap(), 0);
    let after = counts(&app).await;
    assert_eq!((after[5], after[6]), (before[5] - 3, before[6] - 3), "files forgotten with their bytes");
    for (url, token) in [(&old_notice_file, &family), (&old_talk_file, &family)] {
        assert_eq!(download(&app, Some(token), url).await.status(), StatusCode::NOT_FOUND, "{url}");
    }
    for (url, token) in [(&fresh_notice_file, &family), (&fresh_talk_file, &other_family)] {
        assert_eq!(download(&app, Some(token), url).await.status(), StatusCode::OK, "{url}");
    }
    let feed = app.data(Some(&family), "{ me { notices { id } } }", json!({})).await.unwrap();
    assert_eq!(feed["me"]["notices"].as_array().unwrap().len(), 1, "only the fresh notice: {feed}");
    assert_eq!(
        sweep(db, store, &month, Utc::now(), false).await.unwrap(),
        Swept::default(),
        "nothing is left to forget"
    );
    app.stop().await.unwrap();
}
