//! Taking in new students: the principal admits a family's children into a grade-6 class
//! with their guardians in the family's own words; brothers and sisters share the guardian
//! account the first opened; a phone that already signs in a guardian of the same name
//! links the child to that account (and tells them), one held under another name is
//! refused; a retried intake does not take a child in twice; the new guardian activates
//! and reads their child. Another school's principal and a teacher are answered as for a
//! missing class, and a refused intake writes nothing.

use super::activation::{activate, shown_code};
use super::book_locks::principal_elsewhere;
use super::grade_entry::decode;
use super::roll_call::homeroom_class;
use emis::graphql::ids::encode;
use emis_tests::{TestApp, error_code};
use entity::{enrollment, guardian, guardianship, homeroom_class, outbox_message, student};
use sea_orm::{ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _};
use serde_json::{Value, json};

const ADMIT: &str = "mutation($class: ID!, $students: [NewStudentInput!]!) {
    admitNewStudents(classId: $class, students: $students) {
        guardiansCreated guardiansLinked mapped { given canonical }
        students { id fullName birthDate identityNumber status
            guardians { id fullName relationship phone } } } }";

/// How many students, enrollments, guardians, guardianships and messages there are.
async fn counts(app: &TestApp) -> [u64; 5] {
    let db = &app.state.db;
    [
        student::Entity::find().count(db).await.unwrap(),
        enrollment::Entity::find().count(db).await.unwrap(),
        guardian::Entity::find().count(db).await.unwrap(),
        guardianship::Entity::find().count(db).await.unwrap(),
        outbox_message::Entity::find().count(db).await.unwrap(),
    ]
}

/// Two children of the Trần family; their father's phone is new to EMIS.
fn siblings() -> Value {
    json!([
        { "familyName": "Trần Minh", "givenName": "Khang", "gender": "male", "birthDate": "2015-03-04",
          "identityNo": "079 215 000 111", "address": "12 Lê Lợi, Quận 1",
          "guardians": [
            { "fullName": "Trần Văn Hùng", "relationship": "Bố", "phone": "0912 000 111" },
            { "fullName": "Lê Thị Mai", "relationship": "ME" } ] },
        { "familyName": "Trần Ngọc", "givenName": "Hân", "gender": "female", "birthDate": "2015-03-04",
          "guardians": [ { "fullName": "Trần Văn Hùng", "relationship": "ba", "phone": "0912000111" } ] }
    ])
}

#[tokio::test]
async fn a_family_is_taken_in_with_its_guardians_and_the_new_guardian_activates_and_reads_the_child() {
    let app = TestApp::spawn().await.unwrap();
    let db = &app.state.db;
    let principal = app.sign_in("hieutruong").await.unwrap();
    let teacher = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &teacher).await.id;
    let class_row = homeroom_class::Entity::find_by_id(decode("Class", &class)).one(db).await.unwrap().unwrap();
    let other = app.sign_in(&principal_elsewhere(&app, class_row.school_id).await).await.unwrap();

    // Only the school's principal: another school's principal and the homeroom teacher are
    // answered as for a class that does not exist, and nothing is written.
    let before = counts(&app).await;
    let vars = json!({ "class": class, "students": siblings() });
    let missing = json!({ "class": encode("Class", 999_999).0, "students": siblings() });
    let nowhere = app.graphql(Some(&principal), ADMIT, missing).await.unwrap();
    assert_eq!(error_code(&nowhere), Some("FORBIDDEN"), "{nowhere}");
    for token in [&other, &teacher] {
        let refused = app.graphql(Some(token), ADMIT, vars.clone()).await.unwrap();
        assert_eq!(refused["errors"], nowhere["errors"], "{refused}");
        assert!(refused["data"].is_null(), "{refused}");
    }
    assert_eq!(counts(&app).await, before);

    // A word nobody can map refuses the whole intake, naming the row and the accepted words.
    let mut odd = siblings();
    odd[1]["guardians"][0]["relationship"] = json!("hàng xóm");
    let refused = app.graphql(Some(&principal), ADMIT, json!({ "class": class, "students": odd })).await.unwrap();
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    let message = refused["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("student 2: guardian 1") && message.contains("Người giám hộ"), "{message}");
    assert_eq!(counts(&app).await, before, "a refused intake writes nothing");

    // The family comes in: three guardian rows given, two accounts opened, the father shared.
    let done = app.data(Some(&principal), ADMIT, vars.clone()).await.unwrap()["admitNewStudents"].clone();
    assert_eq!((done["guardiansCreated"].as_u64(), done["guardiansLinked"].as_u64()), (Some(2), Some(0)), "{done}");
    let mapped: Vec<(&str, &str)> = done["mapped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["given"].as_str().unwrap(), m["canonical"].as_str().unwrap()))
        .collect();
    assert_eq!(mapped, [("Bố", "father"), ("ME", "mother"), ("ba", "father")]);
    let [khang, han] = [&done["students"][0], &done["students"][1]];
    assert_eq!(
        (khang["fullName"].as_str(), han["fullName"].as_str()),
        (Some("Trần Minh Khang"), Some("Trần Ngọc Hân"))
    );
    assert_eq!(khang["identityNumber"], "079215000111");
    assert_eq!(khang["status"], "studying");
    let father = &khang["guardians"].as_array().unwrap().iter().find(|g| g["relationship"] == "father").unwrap();
    assert_eq!(han["guardians"][0]["id"], father["id"], "one account for the father of both");
    assert_eq!(father["phone"], "0912 000 111");
    let [before_students, before_enrollments, before_guardians, before_links, before_messages] = before;
    assert_eq!(
        counts(&app).await,
        [before_students + 2, before_enrollments + 2, before_guardians + 2, before_links + 3, before_messages]
    );
    // Stored sealed: neither the identity number nor the phone is in the rows in clear.
    let stored = student::Entity::find_by_id(decode("Student", khang["id"].as_str().unwrap())).one(db).await.unwrap();
    let stored = stored.unwrap();
    let sealed = stored.identity_no_enc.unwrap();
    assert!(!sealed.windows(12).any(|w| w == b"079215000111"));
    let enrolled = enrollment::Entity::find().filter(enrollment::Column::StudentId.eq(stored.id)).one(db).await;
    assert_eq!(enrolled.unwrap().unwrap().class_id, class_row.id);

    // The homeroom teacher sees the new pupils on the roster.
    let roster = homeroom_class(&app, &teacher).await.students;
    assert!(roster.contains(&khang["id"].as_str().unwrap().to_owned()));

    // A retried intake does not take the children in twice.
    let again = app.graphql(Some(&principal), ADMIT, vars).await.unwrap();
    assert_eq!(error_code(&again), Some("BAD_USER_INPUT"), "{again}");
    assert!(again["errors"][0]["message"].as_str().unwrap().contains("already studies at the school"));

    // The father activates his account with a code and reads both children.
    let father_id = father["id"].as_str().unwrap();
    let code = shown_code(&app, &principal, Some(vec![father_id]), None).await;
    let activated = activate(&app, "0912000111", &code, "hai con đi học lớp sáu").await;
    let token = activated["data"]["activateAccount"]["accessToken"].as_str().expect("activated").to_owned();
    let children = app.data(Some(&token), "{ me { children { fullName } } }", json!({})).await.unwrap();
    let mut names: Vec<&str> =
        children["me"]["children"].as_array().unwrap().iter().map(|c| c["fullName"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["Trần Minh Khang", "Trần Ngọc Hân"]);
    app.stop().await.unwrap();
}

#[tokio::test]
async fn a_known_phone_links_the_child_to_its_guardian_who_is_told_and_a_phone_of_another_name_is_refused() {
    let app = TestApp::spawn().await.unwrap();
    let db = &app.state.db;
    let principal = app.sign_in("hieutruong").await.unwrap();
    let class = homeroom_class(&app, &app.sign_in("gvcn").await.unwrap()).await.id;
    let parent = guardian::Entity::find().filter(guardian::Column::Username.eq("phuhuynh")).one(db).await.unwrap();
    let parent = parent.unwrap();
    let child = |name: &str| {
        json!([{ "familyName": "Phạm", "givenName": "Bình", "birthDate": "2015-09-01",
                 "guardians": [ { "fullName": name, "relationship": "Mẹ", "phone": "090 123 4567" } ] }])
    };

    // The demo parent's phone under another name: refused, nothing written.
    let before = counts(&app).await;
    let vars = json!({ "class": class, "students": child("Ngô Thị Lạ") });
    let refused = app.graphql(Some(&principal), ADMIT, vars).await.unwrap();
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    assert!(refused["errors"][0]["message"].as_str().unwrap().contains("student 1, guardian 1"), "{refused}");
    assert_eq!(counts(&app).await, before);

    // Under their own name (written without diacritics): the child joins their account.
    let folded = emis::text::fold(&parent.full_name);
    let vars = json!({ "class": class, "students": child(&folded) });
    let done = app.data(Some(&principal), ADMIT, vars).await.unwrap()["admitNewStudents"].clone();
    assert_eq!((done["guardiansCreated"].as_u64(), done["guardiansLinked"].as_u64()), (Some(0), Some(1)));
    assert_eq!(done["students"][0]["guardians"][0]["id"], encode("Guardian", parent.id).0);
    let token = app.sign_in("phuhuynh").await.unwrap();
    let children = app.data(Some(&token), "{ me { children { fullName } } }", json!({})).await.unwrap();
    assert!(children["me"]["children"].as_array().unwrap().iter().any(|c| c["fullName"] == "Phạm Bình"), "{children}");
    // The parent is told, through the outbox, on the phone they sign in with.
    let told = outbox_message::Entity::find()
        .filter(outbox_message::Column::Purpose.eq("child_linked"))
        .filter(outbox_message::Column::RecipientId.eq(parent.id))
        .count(db)
        .await
        .unwrap();
    assert_eq!(told, 1);
    app.stop().await.unwrap();
}

#[tokio::test]
async fn an_empty_list_a_nul_byte_and_an_id_of_another_kind_are_refused_and_nothing_is_written() {
    let app = TestApp::spawn().await.unwrap();
    let principal = app.sign_in("hieutruong").await.unwrap();
    let class = homeroom_class(&app, &app.sign_in("gvcn").await.unwrap()).await;
    let before = counts(&app).await;
    let empty = app.graphql(Some(&principal), ADMIT, json!({ "class": class.id, "students": [] })).await.unwrap();
    assert!(empty["data"].is_null() && empty["errors"].is_array(), "{empty}");
    let mut nul = siblings();
    nul[0]["guardians"][0]["fullName"] = json!("Trần Văn\u{0}Hùng");
    let refused = app.graphql(Some(&principal), ADMIT, json!({ "class": class.id, "students": nul })).await.unwrap();
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    // A student's id where a class's goes answers like a class that does not exist.
    let wrong_kind = json!({ "class": class.students[0], "students": siblings() });
    let missing = json!({ "class": encode("Class", 999_999).0, "students": siblings() });
    let as_student = app.graphql(Some(&principal), ADMIT, wrong_kind).await.unwrap();
    assert_eq!(as_student["errors"], app.graphql(Some(&principal), ADMIT, missing).await.unwrap()["errors"]);
    assert_eq!(counts(&app).await, before, "nothing is written");
    app.stop().await.unwrap();
}
