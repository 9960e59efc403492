//! Private conversations between families and teachers: only the people in a conversation
//! read it (not another family, not another teacher, not the principal — until it is
//! reported, and then the principal's reading is in the child's disclosure log); a teacher
//! who does not teach the child cannot open one; messages are edited only within the grace
//! period, deleted as tombstones, and refused once the conversation is closed; unread counts
//! follow `markConversationRead`; and bad input or another kind's id writes nothing.

use crate::grade_entry::decode;
use crate::movements::spawn;
use crate::roll_call::{Class, guardian_of, homeroom_class};
use emis::graphql::ids::encode;
use emis_tests::{TestApp, error_code};
use entity::{conversation, message, section, staff, staff_role, teaching_assignment};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _};
use serde_json::{Value, json};

pub(crate) const OPEN: &str = "mutation($s: ID!, $with: ID) {
    openConversation(input: { studentId: $s, withStaffId: $with }) { id state members { role isMe } } }";
pub(crate) const SEND: &str =
    "mutation($c: ID!, $b: String!) { sendMessage(conversationId: $c, body: $b) { id body mine } }";
const EDIT: &str = "mutation($m: ID!, $b: String!) { editMessage(messageId: $m, body: $b) { id body editedAt } }";
const DELETE: &str = "mutation($m: ID!) { deleteMessage(messageId: $m) { id body deletedAt } }";
const CLOSE: &str = "mutation($c: ID!) { closeConversation(conversationId: $c) { state closedAt } }";
const REPORT: &str = "mutation($c: ID!, $r: String!) { reportConversation(conversationId: $c, reason: $r) }";
const MARK: &str = "mutation($c: ID!) { markConversationRead(conversationId: $c) { unread } }";
const ONE: &str = "query($c: ID!) { conversation(id: $c) {
    id state unread members { name role isMe } messages { id body mine deletedAt } } }";
const MINE: &str = "{ me { conversations { id unread } } }";

/// A class with its homeroom teacher signed in, and the teacher's staff id.
struct Setting {
    app: TestApp,
    class: Class,
    homeroom: String,
    homeroom_id: String,
}

async fn setting() -> Setting {
    let app = spawn().await;
    let homeroom = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &homeroom).await;
    let me = app.data(Some(&homeroom), "{ me { staff { id } } }", json!({})).await.unwrap();
    let homeroom_id = me["me"]["staff"]["id"].as_str().unwrap().to_owned();
    Setting { app, class, homeroom, homeroom_id }
}

/// A teacher of the school of `class` who teaches a section of it (`teaches`) or teaches no
/// section of it and is not its homeroom teacher: their staff id and username.
async fn teacher(app: &TestApp, class: &str, teaches: bool) -> (String, String) {
    let db = &app.state.db;
    let class = decode("Class", class);
    let sections: Vec<i64> = section::Entity::find()
        .filter(section::Column::ClassId.eq(class))
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|s| s.id)
        .collect();
    let assignments = teaching_assignment::Entity::find()
        .filter(teaching_assignment::Column::EndsOn.is_null())
        .all(db)
        .await
        .unwrap();
    let in_class = |staff: i64| {
        assignments.iter().any(|a| {
            a.staff_id == staff && (a.class_id == Some(class) || a.section_id.is_some_and(|s| sections.contains(&s)))
        })
    };
    let school = assignments.iter().find(|a| a.class_id == Some(class)).unwrap().school_id;
    let found = assignments
        .iter()
        .filter(|a| a.kind == "subject" && a.school_id == school)
        .map(|a| a.staff_id)
        .find(|&staff| {
            in_class(staff) == teaches && !assignments.iter().any(|a| a.staff_id == staff && a.class_id == Some(class))
        })
        .expect("such a teacher");
    let person = staff::Entity::find_by_id(found).one(db).await.unwrap().unwrap();
    (encode("Staff", found).0, person.username.unwrap())
}

/// The username of the principal of a school other than `class`'s.
async fn principal_elsewhere(app: &TestApp, class: &str) -> String {
    let school = entity::homeroom_class::Entity::find_by_id(decode("Class", class))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .school_id;
    let role = staff_role::Entity::find()
        .filter(staff_role::Column::Role.eq("principal"))
        .filter(staff_role::Column::OrgId.ne(school))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("another school has a principal");
    staff::Entity::find_by_id(role.staff_id).one(&app.state.db).await.unwrap().unwrap().username.unwrap()
}

/// A guardian signed in whose children do not include `student`.
pub(crate) async fn other_family(app: &TestApp, class: &Class, student: &str) -> String {
    for other in class.students.iter().filter(|other| *other != student) {
        let token = app.sign_in(&guardian_of(app, other).await).await.unwrap();
        let data = app.data(Some(&token), "{ me { children { id } } }", json!({})).await.unwrap();
        if data["me"]["children"].as_array().unwrap().iter().all(|child| child["id"] != json!(student)) {
            return token;
        }
    }
    panic!("another family in the class");
}

/// How many conversations and messages are stored.
async fn stored(app: &TestApp) -> (u64, u64) {
    let db = &app.state.db;
    (conversation::Entity::find().count(db).await.unwrap(), message::Entity::find().count(db).await.unwrap())
}

/// The conversation `id` as `token` reads it (null when out of reach).
async fn read(app: &TestApp, token: &str, id: &str) -> Value {
    app.data(Some(token), ONE, json!({ "c": id })).await.unwrap()["conversation"].clone()
}

/// `token`'s unread count of conversation `id` in their list, if it is there.
async fn listed(app: &TestApp, token: &str, id: &str) -> Option<i64> {
    let data = app.data(Some(token), MINE, json!({})).await.unwrap();
    let all = data["me"]["conversations"].as_array().unwrap().clone();
    all.iter().find(|c| c["id"] == json!(id)).map(|c| c["unread"].as_i64().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conversation_is_read_by_its_members_and_once_reported_by_the_principal_with_a_disclosure() {
    let Setting { app, class, homeroom, homeroom_id } = setting().await;
    let student = class.students[0].clone();
    let family = app.sign_in(&guardian_of(&app, &student).await).await.unwrap();
    let opened = app.data(Some(&family), OPEN, json!({ "s": student, "with": homeroom_id })).await.unwrap();
    let id = opened["openConversation"]["id"].as_str().unwrap().to_owned();
    let roles: Vec<&str> =
        opened["openConversation"]["members"].as_array().unwrap().iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["guardian", "homeroom_teacher"]);

    // Unread counts move with the messages and with marking read.
    app.data(Some(&family), SEND, json!({ "c": id, "b": "Chào cô, cháu hôm nay bị sốt." })).await.unwrap();
    assert_eq!(listed(&app, &homeroom, &id).await, Some(1));
    assert_eq!(listed(&app, &family, &id).await, Some(0), "one's own message is read");
    assert_eq!(app.data(Some(&homeroom), MARK, json!({ "c": id })).await.unwrap()["markConversationRead"]["unread"], 0);
    assert_eq!(listed(&app, &homeroom, &id).await, Some(0));
    for text in ["Cô đã biết, chúc cháu mau khỏe.", "Nhớ cho cháu uống đủ nước."] {
        app.data(Some(&homeroom), SEND, json!({ "c": id, "b": text })).await.unwrap();
    }
    assert_eq!(listed(&app, &family, &id).await, Some(2));
    app.data(Some(&family), MARK, json!({ "c": id })).await.unwrap();
    assert_eq!(listed(&app, &family, &id).await, Some(0));
    let seen = read(&app, &family, &id).await;
    assert_eq!(seen["messages"].as_array().unwrap().len(), 3);
    assert_eq!(seen["members"].as_array().unwrap().iter().filter(|m| m["isMe"] == true).count(), 1);

    // No one else reads it: another family, another teacher, the principal, another school's.
    let stranger_family = other_family(&app, &class, &student).await;
    let (_, other_teacher) = teacher(&app, &class.id, false).await;
    let (_, class_teacher) = teacher(&app, &class.id, true).await;
    let principal = app.sign_in("hieutruong").await.unwrap();
    let elsewhere = app.sign_in(&principal_elsewhere(&app, &class.id).await).await.unwrap();
    let outsiders = [
        stranger_family,
        app.sign_in(&other_teacher).await.unwrap(),
        app.sign_in(&class_teacher).await.unwrap(),
        principal.clone(),
        elsewhere.clone(),
    ];
    let before = stored(&app).await;
    let missing = encode("Conversation", 9_999_999).0;
    for outsider in &outsiders {
        assert_eq!(read(&app, outsider, &id).await, Value::Null);
        assert_eq!(listed(&app, outsider, &id).await, None);
        let sent = app.graphql(Some(outsider), SEND, json!({ "c": id, "b": "xin chào" })).await.unwrap();
        let absent = app.graphql(Some(outsider), SEND, json!({ "c": missing, "b": "xin chào" })).await.unwrap();
        assert_eq!(error_code(&sent), Some("FORBIDDEN"), "{sent}");
        assert_eq!(sent["errors"][0]["message"], absent["errors"][0]["message"]);
        let reported = app.graphql(Some(outsider), REPORT, json!({ "c": id, "r": "spam" })).await.unwrap();
        assert_eq!(error_code(&reported), Some("FORBIDDEN"), "{reported}");
    }
    assert_eq!(stored(&app).await, before, "nothing written");

    // Reported, it is read by the school's principal (and no one else), and the reading is
    // in the child's disclosure log, which the family sees.
    let disclosures = "query($s: ID!) { student(id: $s) { disclosures { actorKind fields } } }";
    let logged = |data: Value| {
        data["student"]["disclosures"].as_array().unwrap().iter().any(|entry| entry["fields"] == json!(["message"]))
    };
    assert!(!logged(app.data(Some(&family), disclosures, json!({ "s": student })).await.unwrap()));
    app.data(Some(&family), REPORT, json!({ "c": id, "r": "Lời lẽ không phù hợp" })).await.unwrap();
    let moderated = read(&app, &principal, &id).await;
    assert_eq!(moderated["messages"].as_array().unwrap().len(), 3, "{moderated}");
    assert_eq!(moderated["unread"], 0);
    assert!(logged(app.data(Some(&family), disclosures, json!({ "s": student })).await.unwrap()));
    assert_eq!(read(&app, &elsewhere, &id).await, Value::Null);
    assert_eq!(listed(&app, &principal, &id).await, None, "not in the principal's own list");
    let sent = app.graphql(Some(&principal), SEND, json!({ "c": id, "b": "Nhà trường đã xem." })).await.unwrap();
    assert_eq!(error_code(&sent), Some("FORBIDDEN"), "a moderator reads, never writes: {sent}");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_teacher_of_the_child_opens_one_and_bad_input_or_another_kinds_id_writes_nothing() {
    let Setting { app, class, homeroom, .. } = setting().await;
    let student = class.students[0].clone();
    let family = app.sign_in(&guardian_of(&app, &student).await).await.unwrap();
    let (stranger_id, stranger) = teacher(&app, &class.id, false).await;
    let stranger = app.sign_in(&stranger).await.unwrap();
    let (teaching_id, teaching) = teacher(&app, &class.id, true).await;
    let teaching = app.sign_in(&teaching).await.unwrap();
    let before = stored(&app).await;

    // A teacher who does not teach the child: refused like a missing child, either way.
    let refused = app.graphql(Some(&stranger), OPEN, json!({ "s": student })).await.unwrap();
    let absent = app.graphql(Some(&stranger), OPEN, json!({ "s": encode("Student", 9_999_999).0 })).await.unwrap();
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    assert_eq!(refused["errors"][0]["message"], absent["errors"][0]["message"]);
    let named = app.graphql(Some(&family), OPEN, json!({ "s": student, "with": stranger_id })).await.unwrap();
    let nobody = app.graphql(Some(&family), OPEN, json!({ "s": student, "with": encode("Staff", 9_999_999).0 })).await;
    assert_eq!(error_code(&named), Some("FORBIDDEN"), "{named}");
    assert_eq!(named["errors"][0]["message"], nobody.unwrap()["errors"][0]["message"]);
    let other_child = other_family(&app, &class, &student).await;
    let theirs = app.graphql(Some(&other_child), OPEN, json!({ "s": student, "with": teaching_id })).await.unwrap();
    assert_eq!(error_code(&theirs), Some("FORBIDDEN"), "another family's child: {theirs}");
    assert_eq!(stored(&app).await, before, "nothing written");

    // A teacher of the child reaches the child's guardians.
    let opened = app.data(Some(&teaching), OPEN, json!({ "s": student })).await.unwrap();
    let id = opened["openConversation"]["id"].as_str().unwrap().to_owned();
    let members = opened["openConversation"]["members"].as_array().unwrap().clone();
    assert_eq!(members[0], json!({ "role": "subject_teacher", "isMe": true }));
    assert!(members[1..].iter().all(|m| m["role"] == "guardian") && members.len() >= 2, "{members:?}");
    assert_eq!(listed(&app, &family, &id).await, Some(0));
    assert_eq!(read(&app, &homeroom, &id).await, Value::Null, "the homeroom teacher is not in it");

    // An empty body, a NUL byte, another kind's id: nothing written.
    let before = stored(&app).await;
    for body in ["", "  \n ", "a\u{0}b"] {
        let refused = app.graphql(Some(&family), SEND, json!({ "c": id, "b": body })).await.unwrap();
        assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    }
    let conversation = decode("Conversation", &id);
    let missing = app.graphql(Some(&family), SEND, json!({ "c": encode("Conversation", 9_999_999).0, "b": "a" })).await;
    let missing = missing.unwrap();
    for kind in ["Student", "Notice", "Message"] {
        let other = encode(kind, conversation).0;
        let refused = app.graphql(Some(&family), SEND, json!({ "c": other, "b": "xin chào" })).await.unwrap();
        assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
        assert_eq!(refused["errors"][0]["message"], missing["errors"][0]["message"]);
        assert_eq!(read(&app, &family, &other).await, Value::Null);
        let marked = app.graphql(Some(&family), MARK, json!({ "c": other })).await.unwrap();
        assert_eq!(error_code(&marked), Some("FORBIDDEN"), "{marked}");
    }
    assert_eq!(stored(&app).await, before, "nothing written");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_is_edited_only_in_its_grace_deleted_as_a_tombstone_and_refused_once_closed() {
    let Setting { app, class, homeroom, homeroom_id } = setting().await;
    let student = class.students[1].clone();
    let family = app.sign_in(&guardian_of(&app, &student).await).await.unwrap();
    let opened = app.data(Some(&family), OPEN, json!({ "s": student, "with": homeroom_id })).await.unwrap();
    let id = opened["openConversation"]["id"].as_str().unwrap().to_owned();
    let send = |text: &'static str| {
        let (app, family, id) = (&app, &family, &id);
        async move {
            let sent = app.data(Some(family), SEND, json!({ "c": id, "b": text })).await.unwrap();
            sent["sendMessage"]["id"].as_str().unwrap().to_owned()
        }
    };
    let first = send("Cháu xin nghỉ thứ Hai").await;
    let edited = app.data(Some(&family), EDIT, json!({ "m": first, "b": "Cháu xin nghỉ thứ Ba" })).await.unwrap();
    assert_eq!(edited["editMessage"]["body"], "Cháu xin nghỉ thứ Ba");
    assert!(edited["editMessage"]["editedAt"].is_string());
    let theirs = app.graphql(Some(&homeroom), EDIT, json!({ "m": first, "b": "sửa" })).await.unwrap();
    assert_eq!(error_code(&theirs), Some("FORBIDDEN"), "another's message: {theirs}");
    let theirs = app.graphql(Some(&homeroom), DELETE, json!({ "m": first })).await.unwrap();
    assert_eq!(error_code(&theirs), Some("FORBIDDEN"), "another's message: {theirs}");

    // After the grace period, an edit is refused and the text stays.
    let old = chrono::Utc::now() - chrono::Duration::minutes(6);
    message::Entity::update_many()
        .col_expr(message::Column::CreatedAt, Expr::value(old))
        .filter(message::Column::Id.eq(decode("Message", &first)))
        .exec(&app.state.db)
        .await
        .unwrap();
    let late = app.graphql(Some(&family), EDIT, json!({ "m": first, "b": "Cháu xin nghỉ thứ Tư" })).await.unwrap();
    assert_eq!(error_code(&late), Some("BAD_USER_INPUT"), "{late}");
    let kept = message::Entity::find_by_id(decode("Message", &first)).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(kept.body, "Cháu xin nghỉ thứ Ba");

    // Deleted, it stays as a tombstone: no text, with when.
    let second = send("Tin nhắn gửi nhầm").await;
    let deleted = app.data(Some(&family), DELETE, json!({ "m": second })).await.unwrap();
    assert_eq!(deleted["deleteMessage"]["body"], Value::Null);
    let seen = read(&app, &homeroom, &id).await;
    let tombstone = seen["messages"].as_array().unwrap().iter().find(|m| m["id"] == json!(second)).unwrap().clone();
    assert_eq!(tombstone["body"], Value::Null);
    assert!(tombstone["deletedAt"].is_string());
    assert_eq!(seen["unread"], 1, "a deleted message is not counted unread");
    let erased = message::Entity::find_by_id(decode("Message", &second)).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(erased.body, "", "its text is erased");

    // Closed, it takes no more messages and stays readable.
    let closed = app.data(Some(&homeroom), CLOSE, json!({ "c": id })).await.unwrap();
    assert_eq!(closed["closeConversation"]["state"], "closed");
    let before = stored(&app).await;
    let refused = app.graphql(Some(&family), SEND, json!({ "c": id, "b": "Còn một việc nữa" })).await.unwrap();
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    assert_eq!(stored(&app).await, before);
    assert_eq!(read(&app, &family, &id).await["messages"].as_array().unwrap().len(), 2);
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guardian_sees_the_teachers_they_may_write_to_and_no_one_else_sees_them() {
    let Setting { app, class, homeroom, homeroom_id } = setting().await;
    let student = class.students[0].clone();
    let family = app.sign_in(&guardian_of(&app, &student).await).await.unwrap();
    let (teaching_id, _) = teacher(&app, &class.id, true).await;
    let (stranger_id, _) = teacher(&app, &class.id, false).await;
    let query = "query($s: ID!) { student(id: $s) { correspondents { staffId name role } } }";
    let listed = app.data(Some(&family), query, json!({ "s": student })).await.unwrap();
    let teachers = listed["student"]["correspondents"].as_array().unwrap().clone();
    assert_eq!(teachers[0]["staffId"], json!(homeroom_id), "the homeroom teacher first: {teachers:?}");
    assert_eq!(teachers[0]["role"], "homeroom_teacher");
    assert!(teachers.iter().any(|t| t["staffId"] == json!(teaching_id) && t["role"] == "subject_teacher"));
    assert!(teachers.iter().all(|t| t["staffId"] != json!(stranger_id)), "only the child's teachers");
    assert!(teachers.iter().all(|t| t["name"].as_str().is_some_and(|name| !name.is_empty())));
    // Each one listed is one `openConversation` accepts.
    for teacher in &teachers {
        let opened = app.graphql(Some(&family), OPEN, json!({ "s": student, "with": teacher["staffId"] })).await;
        assert!(opened.unwrap().get("errors").is_none(), "{teacher}");
    }
    // Staff, and another family (which cannot read the child at all), see none.
    let staff = app.data(Some(&homeroom), query, json!({ "s": student })).await.unwrap();
    assert_eq!(staff["student"]["correspondents"], json!([]));
    let other = other_family(&app, &class, &student).await;
    let theirs = app.data(Some(&other), query, json!({ "s": student })).await.unwrap();
    assert_eq!(theirs["student"], Value::Null);
    app.stop().await.unwrap();
}
