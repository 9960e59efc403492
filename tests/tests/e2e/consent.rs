//! Consent per purpose. The school's own purposes that need consent (`school_health`: health
//! notes shown to every teacher who teaches the child) are asked of every family; the
//! policy's `consented_for` line lets a subject teacher see a child's health notes only while
//! the family's consent — and, from 7, the child's — stands, and a withdrawal hides them at
//! the next request. Every decision is kept as proof; nobody decides for another child.

use crate::grade_entry::decode;
use crate::roll_call::guardian_of;
use emis::graphql::ids::encode;
use emis_tests::{TestApp, error_code};
use entity::{sharing_consent, student};
use sea_orm::{ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use serde_json::{Value, json};
use std::collections::BTreeMap;

const HEALTH: &str = "query($after: String) { students(first: 100, after: $after) {
    nodes { id healthNotes } pageInfo { hasNextPage endCursor } } }";
const ASKED: &str = "query($s: ID!) { student(id: $s) { sharingConsents { purpose kinds vendors decision
    childAsked childDecision childChannel inForce textVersion } } }";
const DECIDE: &str = "mutation($s: ID!, $p: String!, $g: Boolean!, $c: Boolean) {
    decideSharingConsent(studentId: $s, purpose: $p, given: $g, childAgrees: $c) {
    purpose decision childDecision childChannel inForce } }";

/// Each student the caller lists, with their health notes as shown, page after page.
pub(crate) async fn health_seen(app: &TestApp, token: &str) -> BTreeMap<String, Value> {
    let mut seen = BTreeMap::new();
    let mut after = Value::Null;
    loop {
        let data = app.data(Some(token), HEALTH, json!({ "after": after })).await.unwrap();
        for node in data["students"]["nodes"].as_array().unwrap() {
            seen.insert(node["id"].as_str().unwrap().to_owned(), node["healthNotes"].clone());
        }
        let page = &data["students"]["pageInfo"];
        if page["hasNextPage"] != true {
            return seen;
        }
        after = page["endCursor"].clone();
    }
}

/// The students whose health notes the subject teacher sees.
pub(crate) async fn notes_shown(app: &TestApp, teacher: &str) -> Vec<String> {
    let seen = health_seen(app, teacher).await;
    seen.into_iter().filter(|(_, notes)| !notes.is_null()).map(|(id, _)| id).collect()
}

pub(crate) async fn decide(app: &TestApp, token: &str, child: &str, given: bool, child_agrees: Option<bool>) -> Value {
    let vars = json!({ "s": child, "p": "school_health", "g": given, "c": child_agrees });
    app.graphql(Some(token), DECIDE, vars).await.unwrap()
}

/// What is asked about `child` for `school_health`, as `token` sees it.
pub(crate) async fn school_health(app: &TestApp, token: &str, child: &str) -> Value {
    let asked = app.data(Some(token), ASKED, json!({ "s": child })).await.unwrap();
    let asked = asked["student"]["sharingConsents"].as_array().unwrap().clone();
    asked.into_iter().find(|asked| asked["purpose"] == "school_health").expect("school_health is asked")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_teacher_sees_a_childs_health_notes_only_while_family_and_child_consent() {
    let app = TestApp::spawn().await.unwrap();
    let teacher = app.sign_in("gvbm").await.unwrap();
    let principal = app.sign_in("hieutruong").await.unwrap();
    assert_eq!(notes_shown(&app, &teacher).await, Vec::<String>::new(), "no consent yet: no health notes");
    let taught = health_seen(&app, &teacher).await;
    let with_notes = health_seen(&app, &principal).await;
    let child = taught
        .keys()
        .find(|id| with_notes.get(*id).is_some_and(|notes| !notes.is_null()))
        .expect("a student the teacher teaches has health notes")
        .clone();
    let guardian = app.sign_in(&guardian_of(&app, &child).await).await.unwrap();

    let asked = school_health(&app, &guardian, &child).await;
    assert_eq!(asked["kinds"], json!(["student.health"]));
    assert_eq!(asked["vendors"], json!([]), "the school's own purpose");
    assert_eq!(
        (&asked["decision"], &asked["childAsked"], &asked["inForce"]),
        (&Value::Null, &json!(true), &json!(false))
    );

    // The guardian alone: the child is over 7, so consent does not stand yet.
    let given = decide(&app, &guardian, &child, true, None).await;
    assert_eq!(given["data"]["decideSharingConsent"]["decision"], "given", "{given}");
    assert_eq!(given["data"]["decideSharingConsent"]["inForce"], false);
    assert_eq!(notes_shown(&app, &teacher).await, Vec::<String>::new(), "the child has not agreed");

    // The child agrees through the guardian's app: the teacher sees this child's notes, no one else's.
    let both = decide(&app, &guardian, &child, true, Some(true)).await;
    let both = &both["data"]["decideSharingConsent"];
    assert_eq!(
        (&both["childDecision"], &both["childChannel"], &both["inForce"]),
        (&json!("given"), &json!("guardian"), &json!(true))
    );
    assert_eq!(notes_shown(&app, &teacher).await, vec![child.clone()]);
    let one = "query($s: ID!) { student(id: $s) { healthNotes } }";
    let read = app.data(Some(&teacher), one, json!({ "s": child })).await.unwrap();
    assert_eq!(read["student"]["healthNotes"], with_notes[&child], "the look-up agrees with the list");

    // Another teacher's subject, the clerk, another family: nothing, and nobody else decides.
    let clerk = app.sign_in("vanthu").await.unwrap();
    let clerk_seen = health_seen(&app, &clerk).await;
    assert!(clerk_seen.values().all(Value::is_null), "the policy gives the clerk no consented_for line");
    let others: Vec<String> = with_notes.keys().filter(|id| **id != child).cloned().collect();
    let other_guardian = app.sign_in(&guardian_of(&app, &others[0]).await).await.unwrap();
    let refused = decide(&app, &other_guardian, &child, false, None).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "another family's child answers like a missing one");
    let refused = decide(&app, &teacher, &child, false, None).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "a teacher decides for no family");

    // Withdrawn by the child: hidden at the next request.
    let withdrawn = decide(&app, &guardian, &child, true, Some(false)).await;
    assert_eq!(withdrawn["data"]["decideSharingConsent"]["childDecision"], "withdrawn", "{withdrawn}");
    assert_eq!(notes_shown(&app, &teacher).await, Vec::<String>::new());
    decide(&app, &guardian, &child, true, Some(true)).await;
    assert_eq!(notes_shown(&app, &teacher).await, vec![child.clone()]);
    // Withdrawn by the guardian: hidden again.
    let withdrawn = decide(&app, &guardian, &child, false, None).await;
    assert_eq!(withdrawn["data"]["decideSharingConsent"]["decision"], "withdrawn");
    assert_eq!(notes_shown(&app, &teacher).await, Vec::<String>::new(), "withdrawn: hidden at the next request");

    // Every decision is kept, superseded, never erased; the standing ones name who and how.
    let rows = sharing_consent::Entity::find()
        .filter(sharing_consent::Column::StudentId.eq(decode("Student", &child)))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 8, "{rows:?}");
    let standing: Vec<_> = rows.iter().filter(|row| row.superseded_at.is_none()).collect();
    assert_eq!(standing.len(), 2, "one standing decision of the guardian, one of the child");
    let guardian_row = standing.iter().find(|row| row.decided_by == "guardian").unwrap();
    assert_eq!((guardian_row.decision.as_str(), guardian_row.channel.as_str()), ("withdrawn", "app"));
    assert!(guardian_row.guardian_id.is_some() && guardian_row.text_version.len() == 16);
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_child_decides_their_own_consent_and_a_younger_childs_family_decides_alone() {
    let app = TestApp::spawn().await.unwrap();
    let db = &app.state.db;
    let me = student::Entity::find().filter(student::Column::Username.eq("hocsinh")).one(db).await.unwrap().unwrap();
    let me_id = encode("Student", me.id).0;
    let pupil = app.sign_in("hocsinh").await.unwrap();
    let guardian = app.sign_in(&guardian_of(&app, &me_id).await).await.unwrap();

    let asked = school_health(&app, &pupil, &me_id).await;
    assert_eq!((&asked["childAsked"], &asked["inForce"]), (&json!(true), &json!(false)), "{asked}");
    let own = decide(&app, &pupil, &me_id, true, None).await;
    let own = &own["data"]["decideSharingConsent"];
    assert_eq!(
        (&own["childDecision"], &own["childChannel"], &own["decision"]),
        (&json!("given"), &json!("app"), &Value::Null)
    );
    assert_eq!(own["inForce"], false, "the guardian has not decided");
    let answered_for_self = decide(&app, &pupil, &me_id, true, Some(true)).await;
    assert_eq!(error_code(&answered_for_self), Some("BAD_USER_INPUT"), "{answered_for_self}");
    let both = decide(&app, &guardian, &me_id, true, None).await;
    assert_eq!(both["data"]["decideSharingConsent"]["inForce"], true, "{both}");
    let row = sharing_consent::Entity::find()
        .filter(sharing_consent::Column::StudentId.eq(me.id))
        .filter(sharing_consent::Column::DecidedBy.eq("child"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.guardian_id, None, "the child decided in their own app");

    // A classmate's consent is out of the student's reach.
    let classmate = student::Entity::find()
        .filter(student::Column::SchoolId.eq(me.school_id))
        .filter(student::Column::Id.ne(me.id))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let classmate = encode("Student", classmate.id).0;
    let theirs = decide(&app, &pupil, &classmate, true, None).await;
    assert_eq!(error_code(&theirs), Some("FORBIDDEN"), "{theirs}");

    // A child under 7 is not asked: the guardian's decision alone stands, and a child's answer is refused.
    let young = student::ActiveModel {
        id: Set(decode("Student", &classmate)),
        birth_date: Set(Some(emis::clock::today() - chrono::Months::new(12 * 6))),
        ..Default::default()
    };
    young.update(db).await.unwrap();
    let family = app.sign_in(&guardian_of(&app, &classmate).await).await.unwrap();
    let asked = school_health(&app, &family, &classmate).await;
    assert_eq!(asked["childAsked"], false);
    let answered = decide(&app, &family, &classmate, true, Some(true)).await;
    assert_eq!(error_code(&answered), Some("BAD_USER_INPUT"), "{answered}");
    let alone = decide(&app, &family, &classmate, true, None).await;
    assert_eq!(alone["data"]["decideSharingConsent"]["inForce"], true, "{alone}");

    // A purpose nobody asks, and a sharing agreement for a consent purpose that would not ask.
    let unknown = app.graphql(Some(&guardian), DECIDE, json!({ "s": me_id, "p": "library", "g": true })).await;
    assert_eq!(error_code(&unknown.unwrap()), Some("BAD_USER_INPUT"));
    let principal = app.sign_in("hieutruong").await.unwrap();
    let school = crate::vendors::school_of(&app, "hieutruong").await;
    let made =
        app.data(Some(&principal), crate::vendors::REGISTER, json!({ "input": { "name": "Ảnh", "schoolId": school } }));
    let client = made.await.unwrap()["registerVendorClient"]["client"]["id"].as_str().unwrap().to_owned();
    let terms = crate::vendors::terms(&client, &school, &json!({ "purpose": "news_photos", "consentRequired": false }));
    let refused = app.graphql(Some(&principal), crate::vendors::AGREE, json!({ "input": terms })).await.unwrap();
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    app.stop().await.unwrap();
}
