//! The disclosure log: staff reads of a child's grades and sensitive fields are recorded and
//! shown to the child's guardian; the guardian's own reads are not; the chain detects edits.

use emis::disclosure::{Disclosed, Recipient, verify_chain};
use emis_tests::TestApp;
use entity::disclosure_log;
use sea_orm::{ActiveModelTrait as _, ActiveValue::Set, EntityTrait as _, PaginatorTrait as _};
use serde_json::json;

const CHILDREN: &str = "{ me { children { id fullName identityNumber results { score } } } }";
const LOG: &str = "query($id: ID!) { student(id: $id) { disclosures { actorKind actorName fields purpose } } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guardian_sees_which_staff_member_was_shown_their_childs_records() {
    let app = TestApp::spawn().await.unwrap();
    let guardian = app.sign_in("phuhuynh").await.unwrap();
    let children = app.data(Some(&guardian), CHILDREN, json!({})).await.unwrap();
    let child = children["me"]["children"][0]["id"].as_str().unwrap().to_owned();
    app.state.disclosures.flush().await;
    let own_reads = disclosure_log::Entity::find().count(&app.state.db).await.unwrap();
    assert_eq!(own_reads, 0, "a guardian's own reads are not disclosures");

    let principal = app.sign_in("hieutruong").await.unwrap();
    let body = app
        .graphql(
            Some(&principal),
            "query($id: ID!) { student(id: $id) { identityNumber results { score } } }",
            json!({ "id": child }),
        )
        .await
        .unwrap();
    assert!(body["data"]["student"]["identityNumber"].is_string());
    app.state.disclosures.flush().await;

    let log = app.data(Some(&guardian), LOG, json!({ "id": child })).await.unwrap();
    let entries = log["student"]["disclosures"].as_array().unwrap().clone();
    assert_eq!(entries.len(), 1, "one entry per request and student: {entries:?}");
    assert_eq!(entries[0]["actorKind"], "staff");
    assert!(entries[0]["actorName"].is_string());
    let fields: Vec<&str> = entries[0]["fields"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    assert!(fields.contains(&"student.identity") && fields.contains(&"result"), "{fields:?}");
    assert_eq!(entries[0]["purpose"], "education");
    assert_eq!(verify_chain(&app.state.db).await.unwrap(), Ok(1));
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_guardian_and_a_subject_teacher_cannot_read_a_childs_log() {
    let app = TestApp::spawn().await.unwrap();
    let principal = app.sign_in("hieutruong").await.unwrap();
    let page =
        app.data(Some(&principal), "{ students(first: 5) { nodes { id identityNumber } } }", json!({})).await.unwrap();
    let id = page["students"]["nodes"][0]["id"].as_str().unwrap().to_owned();
    app.state.disclosures.flush().await;
    let teacher = app.sign_in("gvbm").await.unwrap();
    let seen = app.data(Some(&teacher), "{ disclosureLog { fields } }", json!({})).await.unwrap();
    assert_eq!(seen["disclosureLog"].as_array().unwrap().len(), 0);
    let officer = app.sign_in("baomat").await.unwrap();
    let seen = app.data(Some(&officer), "{ disclosureLog { fields studentId } }", json!({})).await.unwrap();
    assert!(seen["disclosureLog"].as_array().unwrap().iter().any(|e| e["studentId"] == id.as_str()));
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editing_an_entry_breaks_the_chain() {
    let app = TestApp::spawn().await.unwrap();
    let principal = app.sign_in("hieutruong").await.unwrap();
    app.data(Some(&principal), "{ students(first: 3) { nodes { identityNumber } } }", json!({})).await.unwrap();
    app.state.disclosures.flush().await;
    assert_eq!(verify_chain(&app.state.db).await.unwrap(), Ok(3));
    let first = disclosure_log::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    let mut edited: disclosure_log::ActiveModel = first.clone().into();
    edited.fields = Set("result".to_owned());
    edited.update(&app.state.db).await.unwrap();
    assert_eq!(verify_chain(&app.state.db).await.unwrap(), Err(first.id));
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_larger_than_one_insert_statement_is_written_whole_and_chained() {
    let app = TestApp::spawn().await.unwrap();
    let students = entity::student::Entity::find().all(&app.state.db).await.unwrap();
    let disclosed: Vec<Disclosed> = students
        .iter()
        .cycle()
        .take(150)
        .map(|row| Disclosed { student: row.id, school: row.school_id, fields: "result".to_owned() })
        .collect();
    let recipient = Recipient { actor_kind: "staff", actor_id: 1, session_id: None, purpose: "education".to_owned() };
    app.state.disclosures.append(recipient, disclosed);
    app.state.disclosures.flush().await;
    assert_eq!(verify_chain(&app.state.db).await.unwrap(), Ok(150));
    app.stop().await.unwrap();
}
