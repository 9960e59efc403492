//! Class rosters: the sealed fields a roster reads only when asked for, and the guardians
//! read in the roster's own statement, which must show exactly what the guardians loader
//! shows for the same students, at no statement of their own.

use emis_tests::TestApp;
use serde_json::{Value, json};

/// The homeroom teacher's (`gvcn`) class, and a token of the principal of its school.
async fn homeroom_class_and_principal(app: &TestApp) -> (String, String) {
    let teacher = app.sign_in("gvcn").await.unwrap();
    let classes = app.data(Some(&teacher), "{ me { homeroomClasses { id } } }", json!({})).await.unwrap();
    let class = classes["me"]["homeroomClasses"][0]["id"].as_str().unwrap().to_owned();
    (class, app.sign_in("hieutruong").await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guardians_read_each_sealed_field_asked_for_anywhere_in_the_document() {
    let app = TestApp::spawn().await.unwrap();
    let (class, principal) = homeroom_class_and_principal(&app).await;
    let all = "query($id: ID!) { class(id: $id) { students { guardians { id phone email identityNumber address } } } }";
    let everything = app.data(Some(&principal), all, json!({ "id": class })).await.unwrap();
    let guardians = |data: &Value| -> Vec<Value> {
        data["class"]["students"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["guardians"].as_array().unwrap().clone())
            .collect()
    };
    let expected = guardians(&everything);
    assert!(!expected.is_empty() && expected.iter().all(|g| g["phone"].is_string() && g["identityNumber"].is_string()));
    // Phone asked for by one field, the others through a fragment by an alias of it, both
    // in the same batch: every guardian still shows each of them.
    let split = "query($id: ID!) { class(id: $id) { students { guardians { id phone } \
                 again: guardians { id ...Rest } } } } \
                 fragment Rest on Guardian { email identityNumber address }";
    let data = app.data(Some(&principal), split, json!({ "id": class })).await.unwrap();
    let students = data["class"]["students"].as_array().unwrap();
    let first: Vec<Value> = students.iter().flat_map(|s| s["guardians"].as_array().unwrap().clone()).collect();
    let again: Vec<Value> = students.iter().flat_map(|s| s["again"].as_array().unwrap().clone()).collect();
    assert_eq!(first.len(), expected.len());
    for ((first, second), whole) in first.iter().zip(&again).zip(&expected) {
        assert_eq!(first["phone"], whole["phone"]);
        for field in ["email", "identityNumber", "address"] {
            assert_eq!(second[field], whole[field], "{field}");
        }
    }
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_roster_reads_sealed_fields_when_asked_for_directly_or_through_a_fragment() {
    let app = TestApp::spawn().await.unwrap();
    let (class, principal) = homeroom_class_and_principal(&app).await;
    let direct = "query($id: ID!) { class(id: $id) { students { id identityNumber } } }";
    let fragment = "query($id: ID!) { class(id: $id) { students { id ...Identity } } } \
                    fragment Identity on Student { identityNumber }";
    let mut read = Vec::new();
    for query in [direct, fragment] {
        let data = app.data(Some(&principal), query, json!({ "id": class })).await.unwrap();
        let students = data["class"]["students"].as_array().unwrap().clone();
        assert!(!students.is_empty() && students.iter().all(|s| s["identityNumber"].is_string()), "{data}");
        read.push(students);
    }
    assert_eq!(read[0], read[1]);
    let without = app
        .data(
            Some(&principal),
            "query($id: ID!) { class(id: $id) { students { id fullName } } }",
            json!({ "id": class }),
        )
        .await
        .unwrap();
    let ids = |list: &[Value]| list.iter().map(|s| s["id"].clone()).collect::<Vec<_>>();
    assert_eq!(ids(without["class"]["students"].as_array().unwrap()), ids(&read[0]));
    app.stop().await.unwrap();
}

/// Each student of `class`'s roster with their guardians' ids and phones, as `caller` reads
/// them through the roster.
async fn through_the_roster(app: &TestApp, caller: &str, class: &str) -> Vec<(String, Vec<Value>)> {
    let query = "query($id: ID!) { class(id: $id) { students { id guardians { id relationship phone } } } }";
    let data = app.data(Some(caller), query, json!({ "id": class })).await.unwrap();
    let students = data["class"]["students"].as_array().cloned().unwrap_or_default();
    students
        .iter()
        .map(|s| (s["id"].as_str().unwrap().to_owned(), s["guardians"].as_array().unwrap().clone()))
        .collect()
}

/// Records the SQL let through that the per-record check refused, since the process began.
async fn inconsistencies(app: &TestApp) -> u64 {
    let metrics = app.get("/metrics").await.unwrap().text().await.unwrap();
    let line = metrics.lines().find_map(|line| line.strip_prefix("emis_privacy_inconsistencies_total "));
    line.unwrap().trim().parse().unwrap()
}

/// The same student's guardians as `caller` reads them one student at a time (the loader).
async fn one_by_one(app: &TestApp, caller: &str, student: &str) -> Vec<Value> {
    let query = "query($id: ID!) { student(id: $id) { guardians { id relationship phone } } }";
    let data = app.data(Some(caller), query, json!({ "id": student })).await.unwrap();
    data["student"]["guardians"].as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guardians_read_with_the_roster_are_exactly_those_read_one_student_at_a_time() {
    let app = TestApp::spawn().await.unwrap();
    let (class, _) = homeroom_class_and_principal(&app).await;
    let inconsistencies_before = inconsistencies(&app).await;
    let mut compared = 0;
    for user in ["gvcn", "gvbm", "hieutruong", "vanthu", "phuhuynh", "canbo"] {
        let caller = app.sign_in(user).await.unwrap();
        for (student, guardians) in through_the_roster(&app, &caller, &class).await {
            assert_eq!(guardians, one_by_one(&app, &caller, &student).await, "{user} reading {student}");
            compared += guardians.len();
        }
    }
    assert!(compared > 0, "some guardians were compared");
    // The roster's SQL let through no guardian that the per-record check then refused.
    assert_eq!(inconsistencies(&app).await, inconsistencies_before);
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_roster_with_guardians_costs_no_more_statements_than_the_roster_alone() {
    let app = TestApp::spawn().await.unwrap();
    let (class, _) = homeroom_class_and_principal(&app).await;
    let teacher = app.sign_in("gvcn").await.unwrap();
    let mut costs = Vec::new();
    // Names and relationships only: no sealed field, so no disclosure is written either.
    for fields in ["id fullName", "id fullName guardians { fullName relationship }"] {
        let query = format!("query($id: ID!) {{ class(id: $id) {{ name students {{ {fields} }} }} }}");
        app.data(Some(&teacher), &query, json!({ "id": class })).await.unwrap();
        app.state.disclosures.flush().await;
        let before = app.sql_statements().await.unwrap();
        let data = app.data(Some(&teacher), &query, json!({ "id": class })).await.unwrap();
        app.state.disclosures.flush().await;
        assert!(!data["class"]["students"].as_array().unwrap().is_empty());
        costs.push(app.sql_statements().await.unwrap() - before);
    }
    assert_eq!(costs[0], costs[1], "guardians must come with the roster: {costs:?}");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_field_group_is_decided_per_field_never_a_whole_record() {
    use emis::privacy::Target;
    use emis_authz::Kind;
    use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
    let app = TestApp::spawn().await.unwrap();
    let principal = super::disclosures::staff_named(&app, "hieutruong").await;
    let student = entity::student::Entity::find()
        .filter(entity::student::Column::SchoolId.eq(principal.school_id))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("a student of the principal's school");
    let record = [Target::student(student.id, student.school_id)];
    let access = super::disclosures::access_of(&app, "hieutruong").await;
    assert!(access.shows(Kind::StudentIdentity, &record).await, "the principal reads the identity number");
    assert!(access.shows(Kind::Enrollment, &record).await, "and where the student is");
    // The principal reads the student and their results, but not through a field's check.
    for kind in [Kind::Student, Kind::Result, Kind::Disclosure] {
        assert!(!access.shows(kind, &record).await, "{kind} is no field group");
    }
    app.stop().await.unwrap();
}
