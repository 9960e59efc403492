//! Invitations and what follows a notice: families answer an invitation per child and may
//! change their answer, staff see the answers counted and listed; a reminder tells only the
//! families who have not read (or answered) and comes at most once an hour; an edit keeps
//! the earlier wording. Another family, another class's teacher and other kinds' ids are
//! refused like a missing notice.

use super::{MARK, PUBLISH, families_outside, stored};
use crate::grade_entry::decode;
use crate::movements::{other_class, spawn};
use crate::roll_call::{guardian_of, homeroom_class, homeroom_teacher_of};
use chrono::{Duration, Utc};
use emis::graphql::ids::encode;
use emis_tests::{TestApp, error_code};
use entity::notification;
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use serde_json::{Value, json};
use std::collections::BTreeSet;

const REPLY: &str = "mutation($noticeId: ID!, $attending: Boolean!, $note: String, $studentId: ID) {
    replyToInvitation(noticeId: $noticeId, attending: $attending, note: $note, studentId: $studentId) {
        studentId attending note } }";
const REPLIES: &str = "query($id: ID!) { notice(id: $id) {
    kind eventAt place replies { attending notAttending noReply }
    attending: studentsByReply(reply: ATTENDING) { id }
    waiting: studentsByReply(reply: NO_REPLY) { id }
    myReplies { studentId attending note } } }";
const REMIND: &str = "mutation($id: ID!) { remindNotice(noticeId: $id) }";
const EDIT: &str = "mutation($noticeId: ID!, $title: String, $body: String) {
    editNotice(noticeId: $noticeId, title: $title, body: $body) {
        title body editedAt versions { title body editedAt } } }";

/// A notice of `kind` to `class`, as `token`: its id.
async fn publish_kind(app: &TestApp, token: &str, kind: &str, class: &str) -> String {
    let mut input = json!({ "kind": kind, "title": "Họp phụ huynh", "body": "Thứ Bảy.", "classId": class });
    if kind == "invitation" {
        input["eventAt"] = json!((Utc::now() + Duration::days(2)).to_rfc3339());
        input["place"] = json!("Phòng 12");
    }
    let published = app.data(Some(token), PUBLISH, json!({ "input": input })).await.unwrap();
    published["publishNotice"]["id"].as_str().unwrap().to_owned()
}

async fn reply(app: &TestApp, token: &str, id: &str, student: &str, attending: bool, note: &str) -> Value {
    let input = json!({ "noticeId": id, "studentId": student, "attending": attending, "note": note });
    app.graphql(Some(token), REPLY, input).await.unwrap()
}

/// The students told of notice `id` by a reminder.
async fn reminded(app: &TestApp, id: &str) -> BTreeSet<i64> {
    let rows = notification::Entity::find()
        .filter(notification::Column::NoticeId.eq(decode("Notice", id)))
        .filter(notification::Column::Kind.eq("notice_reminder"))
        .all(&app.state.db)
        .await
        .unwrap();
    rows.into_iter().map(|row| row.student_id).collect()
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|item| item["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn families_answer_an_invitation_and_a_reminder_reaches_only_those_who_have_not() {
    let app = spawn().await;
    let principal = app.sign_in("hieutruong").await.unwrap();
    let homeroom = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &homeroom).await;
    let other = other_class(&app, decode("Class", &class.id), true).await;
    let other_homeroom = app.sign_in(&homeroom_teacher_of(&app, other.id).await).await.unwrap();
    let others = homeroom_class(&app, &other_homeroom).await.students;
    let (_, outsider) = families_outside(&app, &others, &class.students).await[0].clone();
    let (first, second) = (&class.students[0], &class.students[1]);
    let family = app.sign_in(&guardian_of(&app, first).await).await.unwrap();
    let second_family = app.sign_in(&guardian_of(&app, second).await).await.unwrap();
    let id = publish_kind(&app, &homeroom, "invitation", &class.id).await;

    // Families answer per child, and may change their answer.
    let answered = reply(&app, &family, &id, first, true, " Bố sẽ đến ").await;
    assert_eq!(
        answered["data"]["replyToInvitation"],
        json!([{ "studentId": first, "attending": true, "note": "Bố sẽ đến" }])
    );
    reply(&app, &second_family, &id, second, true, "").await;
    let changed = reply(&app, &second_family, &id, second, false, "Bận").await;
    assert_eq!(changed["data"]["replyToInvitation"][0]["attending"], false, "{changed}");

    let size = i64::try_from(class.students.len()).unwrap();
    for staff in [&homeroom, &principal] {
        let seen = app.data(Some(staff), REPLIES, json!({ "id": id })).await.unwrap();
        let seen = &seen["notice"];
        assert_eq!(seen["replies"], json!({ "attending": 1, "notAttending": 1, "noReply": size - 2 }), "{seen}");
        assert_eq!(ids(&seen["attending"]), vec![first.clone()]);
        assert_eq!(ids(&seen["waiting"]).len(), class.students.len() - 2);
        assert_eq!((seen["kind"].as_str(), seen["place"].as_str()), (Some("invitation"), Some("Phòng 12")));
    }
    let own = app.data(Some(&family), REPLIES, json!({ "id": id })).await.unwrap();
    assert!(own["notice"]["myReplies"].as_array().unwrap().iter().any(|reply| reply["studentId"] == json!(first)));
    assert_eq!(own["notice"]["replies"]["notAttending"], 0, "a family sees only its own: {own}");

    // Another family, another family's child, another kind's id: like a missing notice.
    let missing = encode("Notice", 9_999_999).0;
    let absent = reply(&app, &outsider, &missing, first, true, "").await;
    assert_eq!(error_code(&absent), Some("FORBIDDEN"), "{absent}");
    for refused in [
        reply(&app, &outsider, &id, first, true, "").await,
        reply(&app, &family, &id, &others[0], true, "").await,
        reply(&app, &family, &class.id, first, true, "").await,
        reply(&app, &homeroom, &id, first, true, "").await,
    ] {
        assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
        assert_eq!(refused["errors"][0]["message"], absent["errors"][0]["message"]);
    }
    let nul = reply(&app, &family, &id, first, true, "a\u{0}b").await;
    assert_eq!(error_code(&nul), Some("BAD_USER_INPUT"), "{nul}");

    // A reminder tells the families who have not answered, once an hour at most.
    let absent = app.graphql(Some(&homeroom), REMIND, json!({ "id": missing })).await.unwrap();
    for token in [&other_homeroom, &family] {
        let refused = app.graphql(Some(token), REMIND, json!({ "id": id })).await.unwrap();
        assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
        assert_eq!(refused["errors"][0]["message"], absent["errors"][0]["message"]);
    }
    let told = app.data(Some(&homeroom), REMIND, json!({ "id": id })).await.unwrap();
    assert!(told["remindNotice"].as_i64().unwrap() >= size - 2, "{told}");
    let waiting: BTreeSet<i64> = class.students[2..].iter().map(|student| decode("Student", student)).collect();
    assert_eq!(reminded(&app, &id).await, waiting, "only the families who have not answered");
    let third = app.sign_in(&guardian_of(&app, &class.students[2]).await).await.unwrap();
    let notes = app.data(Some(&third), "{ me { notifications { kind noticeId } } }", json!({})).await.unwrap();
    let notes = notes["me"]["notifications"].as_array().unwrap().clone();
    assert!(notes.iter().any(|note| note == &json!({ "kind": "notice_reminder", "noticeId": id })), "{notes:?}");
    let again = app.graphql(Some(&homeroom), REMIND, json!({ "id": id })).await.unwrap();
    assert_eq!(error_code(&again), Some("BAD_USER_INPUT"), "{again}");
    assert_eq!(reminded(&app, &id).await, waiting, "nothing more written");

    // Replying to what is not an invitation is refused; its reminder goes to the unread.
    let news = publish_kind(&app, &homeroom, "news", &class.id).await;
    let not_invited = reply(&app, &family, &news, first, true, "").await;
    assert_eq!(error_code(&not_invited), Some("BAD_USER_INPUT"), "{not_invited}");
    app.data(Some(&family), MARK, json!({ "id": news })).await.unwrap();
    app.data(Some(&principal), REMIND, json!({ "id": news })).await.unwrap();
    let unread: BTreeSet<i64> = class.students.iter().map(|student| decode("Student", student)).collect();
    let told = reminded(&app, &news).await;
    assert!(!told.contains(&decode("Student", first)) && told.is_subset(&unread), "{told:?}");
    assert!(told.contains(&decode("Student", &class.students[2])), "{told:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_keeps_the_earlier_wording_and_a_withdrawn_notice_is_not_edited() {
    let app = spawn().await;
    let homeroom = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &homeroom).await;
    let other = other_class(&app, decode("Class", &class.id), true).await;
    let other_homeroom = app.sign_in(&homeroom_teacher_of(&app, other.id).await).await.unwrap();
    let family = app.sign_in(&guardian_of(&app, &class.students[0]).await).await.unwrap();
    let id = publish_kind(&app, &homeroom, "notice", &class.id).await;
    let (server, author) = (&app, homeroom.as_str());
    let edit = |input: Value| async move { server.graphql(Some(author), EDIT, input).await.unwrap() };

    let first = edit(json!({ "noticeId": id, "title": "Họp phụ huynh (dời lịch)" })).await;
    assert!(first["data"]["editNotice"]["editedAt"].is_string(), "{first}");
    let second = edit(json!({ "noticeId": id, "body": "Chủ nhật." })).await;
    let edited = &second["data"]["editNotice"];
    assert_eq!(
        (edited["title"].as_str(), edited["body"].as_str()),
        (Some("Họp phụ huynh (dời lịch)"), Some("Chủ nhật."))
    );
    let versions = edited["versions"].as_array().unwrap();
    let kept: Vec<(&str, &str)> = versions
        .iter()
        .map(|version| (version["title"].as_str().unwrap(), version["body"].as_str().unwrap()))
        .collect();
    assert_eq!(kept, vec![("Họp phụ huynh (dời lịch)", "Thứ Bảy."), ("Họp phụ huynh", "Thứ Bảy.")], "newest first");
    let seen = app.data(Some(&family), "{ me { notices { title body } } }", json!({})).await.unwrap();
    assert_eq!(seen["me"]["notices"][0]["body"], "Chủ nhật.");

    let before = stored(&app).await;
    let absent = edit(json!({ "noticeId": encode("Notice", 9_999_999), "title": "x" })).await;
    assert_eq!(error_code(&absent), Some("FORBIDDEN"), "{absent}");
    for (token, input) in
        [(&other_homeroom, json!({ "noticeId": id, "title": "x" })), (&family, json!({ "noticeId": id, "title": "x" }))]
    {
        let refused = app.graphql(Some(token), EDIT, input).await.unwrap();
        assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
        assert_eq!(refused["errors"][0]["message"], absent["errors"][0]["message"]);
    }
    let wrong_kind = edit(json!({ "noticeId": class.id, "title": "x" })).await;
    assert_eq!(wrong_kind["errors"][0]["message"], absent["errors"][0]["message"], "{wrong_kind}");
    for bad in [
        json!({ "noticeId": id, "title": "a\u{0}" }),
        json!({ "noticeId": id }),
        json!({ "noticeId": id, "body": " " }),
    ] {
        let refused = edit(bad).await;
        assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    }
    let withdraw = "mutation($id: ID!) { withdrawNotice(noticeId: $id) { withdrawnAt } }";
    app.data(Some(&homeroom), withdraw, json!({ "id": id })).await.unwrap();
    let after = edit(json!({ "noticeId": id, "title": "Lại" })).await;
    assert_eq!(error_code(&after), Some("BAD_USER_INPUT"), "{after}");
    assert_eq!(stored(&app).await, before, "nothing written");
    let versions: Vec<entity::notice_version::Model> =
        entity::notice_version::Entity::find().all(&app.state.db).await.unwrap();
    assert_eq!(versions.len(), 2);
}
