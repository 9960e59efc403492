//! Notices from a school to its families: a class's notice reaches exactly the families of
//! the students in the class when it was published (not another class's, not a family that
//! joins later; still one that leaves), read receipts count each family's reading, and a
//! notice or a class out of reach answers exactly like a missing one, with nothing written.
//! Other audiences, invitations and reminders, edits and scheduled publishing are in the
//! submodules.

mod audiences;
mod invitations;
mod schedule;

use crate::grade_entry::decode;
use crate::movements::{MOVE, other_class, spawn};
use crate::roll_call::{guardian_of, homeroom_class, homeroom_teacher_of, today};
use emis::graphql::ids::encode;
use emis_tests::{TestApp, error_code};
use entity::{notice, notice_delivery, staff, staff_role};
use sea_orm::{ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _};
use serde_json::{Value, json};

pub(crate) const PUBLISH: &str = "mutation($input: PublishNoticeInput!) {
    publishNotice(input: $input) { id kind title audience classId readBy { read unread } } }";
pub(crate) const FEED: &str = "{ me { notices { id title read } } }";
pub(crate) const MARK: &str = "mutation($id: ID!) { markNoticeRead(noticeId: $id) }";
pub(crate) const NOTICE: &str = "query($id: ID!) { notice(id: $id) { id title read readBy { read unread } } }";

/// A notice for `class` (or the whole school), as `token`: the whole answer.
pub(crate) async fn publish(app: &TestApp, token: &str, class: Option<&str>) -> Value {
    let input = json!({ "kind": "notice", "title": "Họp phụ huynh", "body": "Thứ Bảy, 8 giờ.", "classId": class });
    app.graphql(Some(token), PUBLISH, json!({ "input": input })).await.unwrap()
}

/// The ids of the notices in `token`'s feed.
pub(crate) async fn feed(app: &TestApp, token: &str) -> Vec<Value> {
    let data = app.data(Some(token), FEED, json!({})).await.unwrap();
    data["me"]["notices"].as_array().unwrap().clone()
}

/// How many notices and deliveries are stored.
pub(crate) async fn stored(app: &TestApp) -> (u64, u64) {
    let notices = notice::Entity::find().count(&app.state.db).await.unwrap();
    (notices, notice_delivery::Entity::find().count(&app.state.db).await.unwrap())
}

/// The username of the principal of a school other than `school`.
pub(crate) async fn principal_elsewhere(app: &TestApp, school: i64) -> String {
    let role = staff_role::Entity::find()
        .filter(staff_role::Column::Role.eq("principal"))
        .filter(staff_role::Column::OrgId.ne(school))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("another school has a principal");
    let person = staff::Entity::find_by_id(role.staff_id).one(&app.state.db).await.unwrap().unwrap();
    person.username.unwrap()
}

/// Students of `among` whose guardian has no child in `class`, each with that guardian
/// signed in (a family with a child in two classes hears from both).
pub(crate) async fn families_outside(app: &TestApp, among: &[String], class: &[String]) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for student in among {
        let token = app.sign_in(&guardian_of(app, student).await).await.unwrap();
        let data = app.data(Some(&token), "{ me { children { id } } }", json!({})).await.unwrap();
        let children = data["me"]["children"].as_array().unwrap();
        if children.iter().all(|child| !class.iter().any(|id| child["id"] == json!(id))) {
            found.push((student.clone(), token));
        }
    }
    assert!(found.len() >= 2, "two families outside the class");
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_class_notice_reaches_the_families_of_the_class_when_it_was_published() {
    let app = spawn().await;
    let principal = app.sign_in("hieutruong").await.unwrap();
    let homeroom = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &homeroom).await;
    let other = other_class(&app, decode("Class", &class.id), true).await;
    let other_homeroom = app.sign_in(&homeroom_teacher_of(&app, other.id).await).await.unwrap();
    let others = homeroom_class(&app, &other_homeroom).await.students;
    let outside = families_outside(&app, &others, &class.students).await;
    let ((newcomer, joining_family), (_, other_family)) = (outside[0].clone(), outside[1].clone());
    let leaver = class.students[0].clone();

    let published = publish(&app, &homeroom, Some(&class.id)).await;
    let published = &published["data"]["publishNotice"];
    let id = published["id"].as_str().expect("published").to_owned();
    assert_eq!((published["audience"].as_str(), published["classId"].as_str()), (Some("class"), Some(&*class.id)));
    let size = i64::try_from(class.students.len()).unwrap();
    assert_eq!(published["readBy"], json!({ "read": 0, "unread": size }), "one delivery per student");

    // After publishing, one student leaves the class and another joins it.
    let to_other = json!({ "s": leaver, "c": encode("Class", other.id), "on": today() });
    app.data(Some(&principal), MOVE, to_other).await.unwrap();
    app.data(Some(&principal), MOVE, json!({ "s": newcomer, "c": class.id, "on": today() })).await.unwrap();

    let leaving_family = app.sign_in(&guardian_of(&app, &leaver).await).await.unwrap();
    let staying_family = app.sign_in(&guardian_of(&app, &class.students[1]).await).await.unwrap();
    assert_eq!(feed(&app, &leaving_family).await, vec![json!({ "id": id, "title": "Họp phụ huynh", "read": false })]);
    assert_eq!(feed(&app, &staying_family).await.len(), 1);
    assert!(feed(&app, &joining_family).await.is_empty(), "a family that joined later does not see it");
    assert!(feed(&app, &other_family).await.is_empty(), "another class's family does not see it");

    // A family it did not reach cannot read or mark it: the same answer as a missing notice.
    let missing = encode("Notice", 9_999_999).0;
    for family in [&joining_family, &other_family, &homeroom] {
        let marked = app.graphql(Some(family), MARK, json!({ "id": id })).await.unwrap();
        let absent = app.graphql(Some(family), MARK, json!({ "id": missing })).await.unwrap();
        assert_eq!(error_code(&marked), Some("FORBIDDEN"), "{marked}");
        assert_eq!(marked["errors"][0]["message"], absent["errors"][0]["message"]);
    }
    for family in [&joining_family, &other_family] {
        let read = app.data(Some(family), NOTICE, json!({ "id": id })).await.unwrap();
        assert_eq!(read["notice"], Value::Null, "{read}");
    }

    // Read receipts: the leaving family reads it (once), the others have not.
    assert_eq!(app.data(Some(&leaving_family), MARK, json!({ "id": id })).await.unwrap()["markNoticeRead"], 1);
    assert_eq!(app.data(Some(&leaving_family), MARK, json!({ "id": id })).await.unwrap()["markNoticeRead"], 0);
    let seen = app.data(Some(&leaving_family), NOTICE, json!({ "id": id })).await.unwrap();
    assert_eq!(seen["notice"]["read"], true);
    assert_eq!(seen["notice"]["readBy"], json!({ "read": 1, "unread": 0 }), "a family counts only its own");
    for staff in [&homeroom, &principal] {
        let receipts = app.data(Some(staff), NOTICE, json!({ "id": id })).await.unwrap();
        assert_eq!(receipts["notice"]["readBy"], json!({ "read": 1, "unread": size - 1 }), "{receipts}");
        assert_eq!(receipts["notice"]["read"], Value::Null);
    }
    // ...and the names of the families who have not read it, as the teacher may see them.
    let unread = "query($id: ID!) { notice(id: $id) { unreadStudents { id guardians { fullName } } } }";
    let unread = app.data(Some(&homeroom), unread, json!({ "id": id })).await.unwrap();
    let unread = unread["notice"]["unreadStudents"].as_array().unwrap().clone();
    let mut expected: Vec<&str> = class.students.iter().skip(1).map(String::as_str).collect();
    let mut listed: Vec<&str> = unread.iter().map(|student| student["id"].as_str().unwrap()).collect();
    expected.sort_unstable();
    listed.sort_unstable();
    assert_eq!(listed, expected, "the class when it was published, but the family who read it");
    assert!(unread.iter().all(|student| student["guardians"][0]["fullName"].is_string()), "{unread:?}");
    let other_receipts = app.data(Some(&other_homeroom), NOTICE, json!({ "id": id })).await.unwrap();
    assert_eq!(other_receipts["notice"], Value::Null, "another class's teacher does not see it");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notice_out_of_reach_is_refused_like_a_missing_class_and_nothing_is_written() {
    let app = spawn().await;
    let homeroom = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &homeroom).await;
    let other = encode("Class", other_class(&app, decode("Class", &class.id), true).await.id).0;
    let missing = encode("Class", 9_999_999).0;
    let school = other_class(&app, decode("Class", &class.id), true).await.school_id;
    let stranger = app.sign_in(&principal_elsewhere(&app, school).await).await.unwrap();
    let family = app.sign_in(&guardian_of(&app, &class.students[0]).await).await.unwrap();

    let absent = publish(&app, &homeroom, Some(&missing)).await;
    assert_eq!(error_code(&absent), Some("FORBIDDEN"), "{absent}");
    let attempts = [
        (&homeroom, Some(other.as_str())),
        (&homeroom, None),
        (&stranger, Some(class.id.as_str())),
        (&family, Some(class.id.as_str())),
    ];
    for (token, class) in attempts {
        let refused = publish(&app, token, class).await;
        assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
        assert_eq!(refused["errors"][0]["message"], absent["errors"][0]["message"]);
    }
    let input = json!({ "kind": "notice", "title": " ", "body": "x", "classId": class.id });
    let empty = app.graphql(Some(&homeroom), PUBLISH, json!({ "input": input })).await.unwrap();
    assert_eq!(error_code(&empty), Some("BAD_USER_INPUT"), "{empty}");
    let input = json!({ "kind": "notice", "title": "Họp", "body": "8 giờ\u{0}", "classId": class.id });
    let nul = app.graphql(Some(&homeroom), PUBLISH, json!({ "input": input })).await.unwrap();
    assert_eq!(error_code(&nul), Some("BAD_USER_INPUT"), "{nul}");
    // Another kind's id as the class answers like a missing class.
    let student = publish(&app, &homeroom, Some(&class.students[0])).await;
    assert_eq!(student["errors"][0]["message"], absent["errors"][0]["message"], "{student}");
    assert_eq!(stored(&app).await, (0, 0), "nothing written");

    // The principal reaches the whole school: one delivery per student enrolled today.
    let principal = app.sign_in("hieutruong").await.unwrap();
    let whole = publish(&app, &principal, None).await;
    assert_eq!(whole["data"]["publishNotice"]["audience"], "school", "{whole}");
    let deliveries = stored(&app).await.1;
    assert!(deliveries > u64::try_from(class.students.len()).unwrap(), "{deliveries}");
    let read_by = &whole["data"]["publishNotice"]["readBy"];
    assert_eq!(read_by["unread"].as_u64(), Some(deliveries));
    assert_eq!(feed(&app, &family).await.len(), 1);

    // Withdrawal: only who may write every family it reached; the feed then says so.
    let id = whole["data"]["publishNotice"]["id"].as_str().unwrap();
    let withdraw = "mutation($id: ID!) { withdrawNotice(noticeId: $id) { id title body withdrawnAt } }";
    let absent = app.graphql(Some(&homeroom), withdraw, json!({ "id": encode("Notice", 9_999_999) })).await.unwrap();
    for token in [&homeroom, &stranger, &family] {
        let refused = app.graphql(Some(token), withdraw, json!({ "id": id })).await.unwrap();
        assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
        assert_eq!(refused["errors"][0]["message"], absent["errors"][0]["message"]);
    }
    assert_eq!(feed(&app, &family).await[0]["title"], "Họp phụ huynh", "still standing");
    let withdrawn = app.data(Some(&principal), withdraw, json!({ "id": id })).await.unwrap();
    assert!(withdrawn["withdrawNotice"]["withdrawnAt"].is_string(), "{withdrawn}");
    let seen = app.data(Some(&family), "{ me { notices { title body withdrawnAt } } }", json!({})).await.unwrap();
    let seen = &seen["me"]["notices"][0];
    assert_eq!((&seen["title"], &seen["body"]), (&Value::Null, &Value::Null), "{seen}");
    assert!(seen["withdrawnAt"].is_string(), "{seen}");
}
