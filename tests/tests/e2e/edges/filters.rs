//! Filters on a student's class or school hold only through a grant that shows where the
//! student is (`enrollment`/`read`): the teachers and the school a student left keep the
//! student's name (`former_student`), and a filter on the student's new class or school
//! answers them exactly as one on a class or school that does not exist.

use super::world::principal_of;
use crate::grade_entry::decode;
use crate::movements::{ADMIT, MOVE, TRANSFER, class_elsewhere, other_class, spawn, stop_teaching, subject_teacher_of};
use crate::roll_call::{guardian_of, homeroom_class, homeroom_teacher_of, today};
use emis::graphql::ids::encode;
use emis_tests::TestApp;
use serde_json::{Value, json};

const LIST: &str = "query($class: ID, $school: ID, $search: String) {
    students(classId: $class, schoolId: $school, search: $search, first: 100) {
        totalCount nodes { id } pageInfo { hasNextPage } } }";

/// What `token` reads of the student list filtered by `filter`: the whole page.
async fn filtered(app: &TestApp, token: &str, filter: Value) -> Value {
    app.data(Some(token), LIST, filter).await.unwrap()["students"].clone()
}

/// A class and a school that do not exist.
fn missing(kind: &str) -> String {
    encode(kind, 987_654).0
}

/// The ids a page lists.
fn ids(page: &Value) -> Vec<&str> {
    page["nodes"].as_array().unwrap().iter().map(|node| node["id"].as_str().unwrap()).collect()
}

/// `token` filtering by the class or school `id` (`key`: class | school), alone and with a
/// search for `name`, learns exactly what it learns of one that does not exist.
async fn reads_as_missing(app: &TestApp, token: &str, key: &str, kind: &str, id: &str, name: &str) {
    for search in [Value::Null, json!(name)] {
        let asked = filtered(app, token, json!({ key: id, "search": search })).await;
        let nothing = filtered(app, token, json!({ key: missing(kind), "search": search })).await;
        assert_eq!(asked, nothing, "{key} {id} (search {search}) answers like a {key} that does not exist");
    }
}

/// Whether `token` lists `student` when filtering by `filter`.
async fn lists(app: &TestApp, token: &str, filter: Value, student: &str) -> bool {
    ids(&filtered(app, token, filter).await).contains(&student)
}

/// The student's name, status and school as `token` reads them.
async fn seen(app: &TestApp, token: &str, student: &str) -> Value {
    let query = "query($id: ID!) { student(id: $id) { fullName status school { id } } }";
    app.data(Some(token), query, json!({ "id": student })).await.unwrap()["student"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_teachers_of_the_class_a_student_left_cannot_find_them_by_their_new_class_or_school() {
    let app = spawn().await;
    let principal = app.sign_in("hieutruong").await.unwrap();
    let old_homeroom = app.sign_in("gvcn").await.unwrap();
    let old = homeroom_class(&app, &old_homeroom).await;
    let moved = old.students[0].clone();
    let new = other_class(&app, decode("Class", &old.id), true).await;
    let new_homeroom_name = homeroom_teacher_of(&app, new.id).await;
    let (old_teacher_name, _) = subject_teacher_of(&app, decode("Class", &old.id), &["gvcn", &new_homeroom_name]).await;
    for username in ["gvcn", old_teacher_name.as_str()] {
        stop_teaching(&app, username, new.id).await;
    }
    let vars = json!({ "s": moved, "c": encode("Class", new.id), "on": today() });
    app.data(Some(&principal), MOVE, vars).await.unwrap();
    let name = seen(&app, &principal, &moved).await["fullName"].as_str().unwrap().to_owned();
    let (new_class, school) = (encode("Class", new.id).0, encode("School", new.school_id).0);

    let old_teacher = app.sign_in(&old_teacher_name).await.unwrap();
    for token in [&old_homeroom, &old_teacher] {
        assert_eq!(seen(&app, token, &moved).await["fullName"], name.as_str(), "the name stays reachable");
        reads_as_missing(&app, token, "class", "Class", &new_class, &name).await;
        assert!(!lists(&app, token, json!({ "school": school }), &moved).await, "still at the school is not told");
        assert!(!lists(&app, token, json!({ "school": school, "search": name }), &moved).await);
        assert!(seen(&app, token, &moved).await["school"].is_null(), "the student's school is not told either");
    }
    // Those who may see where the student is find them by it.
    let new_homeroom = app.sign_in(&new_homeroom_name).await.unwrap();
    assert!(lists(&app, &new_homeroom, json!({ "class": new_class }), &moved).await);
    assert_eq!(seen(&app, &new_homeroom, &moved).await["school"]["id"], school.as_str());
    for filter in [json!({ "class": new_class }), json!({ "school": school })] {
        assert!(lists(&app, &principal, filter, &moved).await);
    }
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_school_a_student_left_cannot_find_them_by_the_school_or_class_that_admitted_them() {
    let app = spawn().await;
    let sending = app.sign_in("hieutruong").await.unwrap();
    let homeroom = app.sign_in("gvcn").await.unwrap();
    let left = homeroom_class(&app, &homeroom).await;
    let moved = left.students[1].clone();
    let to_class = class_elsewhere(&app, decode("Class", &left.id)).await;
    let receiving = app.sign_in(&principal_of(&app, to_class.school_id).await).await.unwrap();
    let (school, new_class) = (encode("School", to_class.school_id).0, encode("Class", to_class.id).0);
    let name = seen(&app, &sending, &moved).await["fullName"].as_str().unwrap().to_owned();
    let release = json!({ "s": moved, "school": school, "on": today(), "reason": "Gia đình chuyển nhà" });
    let transfer = app.data(Some(&sending), TRANSFER, release).await.unwrap()["transferStudent"]["id"].clone();
    app.data(Some(&receiving), ADMIT, json!({ "t": transfer, "c": new_class })).await.unwrap();

    for token in [&sending, &homeroom] {
        let student = seen(&app, token, &moved).await;
        assert_eq!(student["fullName"], name.as_str(), "the name stays reachable");
        assert!(student["status"].is_null(), "whether the student was admitted somewhere is not told: {student}");
        reads_as_missing(&app, token, "school", "School", &school, &name).await;
        reads_as_missing(&app, token, "class", "Class", &new_class, &name).await;
    }
    // The receiving school and the family find the student by where they are now.
    let guardian = app.sign_in(&guardian_of(&app, &moved).await).await.unwrap();
    for token in [&receiving, &guardian] {
        assert_eq!(seen(&app, token, &moved).await["status"], "studying");
        for filter in [json!({ "school": school }), json!({ "class": new_class, "search": name })] {
            assert!(lists(&app, token, filter.clone(), &moved).await, "{filter}");
        }
    }
    app.stop().await.unwrap();
}
