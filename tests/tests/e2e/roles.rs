//! What each role may read, and what it must not: records, counts and field groups.

use emis::graphql::ids;
use emis_tests::TestApp;
use entity::{guardianship, staff, staff_role, student};
use sea_orm::{ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _};
use serde_json::{Value, json};

const STUDENTS: &str = "query($first: Int, $search: String, $identity: String) {
  students(first: $first, search: $search, identityNumber: $identity) {
    totalCount
    pageInfo { hasNextPage }
    nodes { id fullName identityNumber ethnicity healthNotes address
            guardians { fullName phone identityNumber }
            results { sectionId kind score passed subject { name } } }
  }
}";

async fn students(app: &TestApp, token: &str) -> Value {
    app.data(Some(token), STUDENTS, json!({ "first": 100 })).await.unwrap()["students"].clone()
}

async fn school_of(app: &TestApp, username: &str) -> i64 {
    let row = staff::Entity::find().filter(staff::Column::Username.eq(username)).one(&app.state.db).await.unwrap();
    row.expect("demo account exists").school_id
}

fn all_null(nodes: &Value, field: &str) -> bool {
    nodes.as_array().unwrap().iter().all(|node| node[field].is_null())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guardian_sees_exactly_their_children_with_results_and_own_contact() {
    let app = TestApp::spawn().await.unwrap();
    let token = app.sign_in("phuhuynh").await.unwrap();
    let page = students(&app, &token).await;
    assert_eq!(page["totalCount"], 2);
    let nodes = page["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 2);
    assert!(nodes.iter().all(|n| n["identityNumber"].as_str().is_some_and(|s| s.len() == 12)));
    assert!(nodes.iter().any(|n| !n["results"].as_array().unwrap().is_empty()), "children's results are visible");
    let named =
        nodes.iter().flat_map(|n| n["results"].as_array().unwrap().iter()).all(|r| r["subject"]["name"].is_string());
    assert!(named, "every result names its subject");
    let own_phone_seen =
        nodes.iter().flat_map(|n| n["guardians"].as_array().unwrap().iter()).any(|g| g["phone"] == "0901234567");
    assert!(own_phone_seen, "a guardian reads their own phone");
    let others_phones: Vec<&Value> = nodes
        .iter()
        .flat_map(|n| n["guardians"].as_array().unwrap().iter())
        .filter(|g| g["phone"] != "0901234567")
        .map(|g| &g["phone"])
        .collect();
    assert!(others_phones.iter().all(|p| p.is_null()), "co-guardians' phones stay hidden: {others_phones:?}");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subject_teacher_sees_their_classes_but_only_their_sections_results_and_no_private_fields() {
    let app = TestApp::spawn().await.unwrap();
    let token = app.sign_in("gvbm").await.unwrap();
    let me = app.data(Some(&token), "{ me { roles sections { id } } }", json!({})).await.unwrap();
    let sections: Vec<String> =
        me["me"]["sections"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_owned()).collect();
    assert!(!sections.is_empty());
    let page = students(&app, &token).await;
    let nodes = &page["nodes"];
    assert!(page["totalCount"].as_u64().unwrap() > 0);
    for node in nodes.as_array().unwrap() {
        for result in node["results"].as_array().unwrap() {
            assert!(
                sections.contains(&result["sectionId"].as_str().unwrap().to_owned()),
                "a result of another section leaked"
            );
        }
        for guardian in node["guardians"].as_array().unwrap() {
            assert!(guardian["phone"].is_null() && guardian["identityNumber"].is_null());
        }
    }
    for field in ["identityNumber", "ethnicity", "healthNotes", "address"] {
        assert!(all_null(nodes, field), "{field} must stay hidden from a subject teacher");
    }
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_homeroom_teacher_reads_guardian_phones_and_health_of_their_class_but_not_identity_numbers() {
    let app = TestApp::spawn().await.unwrap();
    let token = app.sign_in("gvcn").await.unwrap();
    let data = app
        .data(
            Some(&token),
            "{ me { homeroomClasses { students { id healthNotes identityNumber guardians { phone } } } } }",
            json!({}),
        )
        .await
        .unwrap();
    let class = &data["me"]["homeroomClasses"][0]["students"];
    let students = class.as_array().unwrap();
    assert!(!students.is_empty());
    let phones: Vec<&Value> =
        students.iter().flat_map(|s| s["guardians"].as_array().unwrap().iter()).map(|g| &g["phone"]).collect();
    assert!(!phones.is_empty() && phones.iter().all(|p| p.as_str().is_some()), "guardian phones are readable");
    assert!(all_null(class, "identityNumber"));
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_principal_counts_exactly_their_schools_students_and_reads_identity_numbers() {
    let app = TestApp::spawn().await.unwrap();
    let school = school_of(&app, "hieutruong").await;
    let expected =
        student::Entity::find().filter(student::Column::SchoolId.eq(school)).count(&app.state.db).await.unwrap();
    let token = app.sign_in("hieutruong").await.unwrap();
    let page = students(&app, &token).await;
    assert_eq!(page["totalCount"].as_u64().unwrap(), expected);
    let nodes = page["nodes"].as_array().unwrap();
    assert!(nodes.iter().all(|n| n["identityNumber"].as_str().is_some()));
    assert!(nodes.iter().any(|n| n["ethnicity"].as_str().is_some()));
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vice_principal_inherits_the_principals_reads_except_the_carved_out_background() {
    let app = TestApp::spawn().await.unwrap();
    let token = app.sign_in("phohieutruong").await.unwrap();
    let page = students(&app, &token).await;
    let nodes = &page["nodes"];
    assert!(page["totalCount"].as_u64().unwrap() > 0);
    assert!(nodes.as_array().unwrap().iter().all(|n| n["identityNumber"].as_str().is_some()));
    assert!(all_null(nodes, "ethnicity"), "the deny line hides ethnicity from vice principals");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clerk_reads_the_roster_and_contacts_but_no_results_or_health() {
    let app = TestApp::spawn().await.unwrap();
    let token = app.sign_in("vanthu").await.unwrap();
    let page = students(&app, &token).await;
    let nodes = &page["nodes"];
    assert!(page["totalCount"].as_u64().unwrap() > 0);
    assert!(nodes.as_array().unwrap().iter().all(|n| n["results"].as_array().unwrap().is_empty()));
    assert!(all_null(nodes, "healthNotes"));
    let any_phone = nodes
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|n| n["guardians"].as_array().unwrap().iter())
        .any(|g| g["phone"].is_string());
    assert!(any_phone);
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn officers_and_operators_see_schools_but_no_student() {
    let app = TestApp::spawn().await.unwrap();
    for username in ["canbo", "vanhanh", "baomat"] {
        let token = app.sign_in(username).await.unwrap();
        let page = students(&app, &token).await;
        assert_eq!(page["totalCount"], 0, "{username} must count no student");
        assert_eq!(page["nodes"].as_array().unwrap().len(), 0);
    }
    for username in ["canbo", "vanhanh"] {
        let token = app.sign_in(username).await.unwrap();
        let schools = app.data(Some(&token), "{ schools { name } }", json!({})).await.unwrap();
        assert!(!schools["schools"].as_array().unwrap().is_empty(), "{username} sees schools");
    }
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ended_or_restricted_guardianship_gives_no_access() {
    let app = TestApp::spawn().await.unwrap();
    let token = app.sign_in("phuhuynh").await.unwrap();
    let guardian = entity::guardian::Entity::find()
        .filter(entity::guardian::Column::Username.eq("phuhuynh"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let links = guardianship::Entity::find()
        .filter(guardianship::Column::GuardianId.eq(guardian.id))
        .all(&app.state.db)
        .await
        .unwrap();
    let restricted = links[0].student_id;
    guardianship::Entity::update_many()
        .col_expr(guardianship::Column::AccessStatus, sea_orm::sea_query::Expr::value("restricted"))
        .filter(guardianship::Column::Id.eq(links[0].id))
        .exec(&app.state.db)
        .await
        .unwrap();
    let id = ids::encode("Student", restricted);
    let data =
        app.data(Some(&token), "query($id: ID!) { student(id: $id) { fullName } }", json!({ "id": id })).await.unwrap();
    assert!(data["student"].is_null(), "access ends at the next request");
    assert_eq!(students(&app, &token).await["totalCount"], 1);
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_withdrawn_role_stops_counting_at_the_next_request() {
    let app = TestApp::spawn().await.unwrap();
    let token = app.sign_in("hieutruong").await.unwrap();
    assert!(students(&app, &token).await["totalCount"].as_u64().unwrap() > 0);
    let principal = staff::Entity::find()
        .filter(staff::Column::Username.eq("hieutruong"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    staff_role::Entity::update_many()
        .col_expr(staff_role::Column::EndsOn, sea_orm::sea_query::Expr::value(yesterday()))
        .filter(staff_role::Column::StaffId.eq(principal.id))
        .exec(&app.state.db)
        .await
        .unwrap();
    assert_eq!(students(&app, &token).await["totalCount"], 0);
    app.stop().await.unwrap();
}

fn yesterday() -> sea_orm::prelude::Date {
    let today = emis::clock::today();
    today.pred_opt().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grade_sheet_shows_each_result_in_its_column_and_subject_as_stored() {
    use entity::{assessment, result, section, subject, teaching_assignment};
    let app = TestApp::spawn().await.unwrap();
    let token = app.sign_in("gvbm").await.unwrap();
    let teacher = staff::Entity::find().filter(staff::Column::Username.eq("gvbm")).one(&app.state.db).await.unwrap();
    let assignment = teaching_assignment::Entity::find()
        .filter(teaching_assignment::Column::StaffId.eq(teacher.unwrap().id))
        .filter(teaching_assignment::Column::Kind.eq("subject"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let section_id = assignment.section_id.unwrap();
    let section = section::Entity::find_by_id(section_id).one(&app.state.db).await.unwrap().unwrap();
    let subject = subject::Entity::find_by_id(section.subject_id).one(&app.state.db).await.unwrap().unwrap();
    let query = "query($id: ID!, $semester: ID) { section(id: $id) { students { id results(sectionId: $id, semesterId: $semester) { kind sequence score subjectId subject { name } } } } }";
    let stored = result::Entity::find()
        .find_also_related(assessment::Entity)
        .filter(result::Column::SectionId.eq(section_id))
        .all(&app.state.db)
        .await
        .unwrap();
    let semester = stored.first().expect("the section has results").0.semester_id;
    // Twice: the second answer comes from cached columns and must not differ.
    let mut answers = Vec::new();
    for _ in 0..2 {
        let variables =
            json!({ "id": ids::encode("Section", section_id), "semester": ids::encode("Semester", semester) });
        answers.push(app.data(Some(&token), query, variables).await.unwrap());
    }
    assert_eq!(answers[0], answers[1]);
    let mut shown = Vec::new();
    for node in answers[0]["section"]["students"].as_array().unwrap() {
        let student = ids::decode_as("Student", node["id"].as_str().unwrap()).unwrap();
        for r in node["results"].as_array().unwrap() {
            assert_eq!(r["subjectId"].as_str(), Some(ids::encode("Subject", subject.id).as_str()));
            assert_eq!(r["subject"]["name"], subject.name.as_str());
            let score = r["score"].as_f64().map(|score| (score * 10.0).round() as i64);
            shown.push((student, r["kind"].as_str().unwrap().to_owned(), r["sequence"].as_i64().unwrap(), score));
        }
    }
    let mut expected: Vec<(i64, String, i64, Option<i64>)> = stored
        .iter()
        .filter(|(row, _)| row.semester_id == semester)
        .map(|(row, column)| {
            let column = column.as_ref().unwrap();
            (row.student_id, column.kind.clone(), i64::from(column.sequence), row.score_tenths.map(i64::from))
        })
        .collect();
    shown.sort();
    expected.sort();
    assert!(!expected.is_empty());
    assert_eq!(shown, expected);
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_name_search_ignores_case_and_diacritics_and_takes_pattern_characters_literally() {
    let app = TestApp::spawn().await.unwrap();
    let token = app.sign_in("hieutruong").await.unwrap();
    let school = school_of(&app, "hieutruong").await;
    let query = "query($s: String) { students(search: $s, first: 100) { totalCount nodes { fullName } } }";
    let found = app.data(Some(&token), query, json!({ "s": "  NGUYỄN " })).await.unwrap()["students"].clone();
    let expected = student::Entity::find()
        .filter(student::Column::SchoolId.eq(school))
        .filter(student::Column::SearchName.contains("nguyen"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert!(expected > 2);
    assert_eq!(found["totalCount"], expected);
    // A short first page still reports every match, not the page's size.
    let short = "query($s: String) { students(search: $s, first: 2) { totalCount nodes { fullName } } }";
    let page = app.data(Some(&token), short, json!({ "s": "nguyen" })).await.unwrap()["students"].clone();
    assert_eq!(page["nodes"].as_array().unwrap().len(), 2);
    assert_eq!(page["totalCount"], expected);
    for node in found["nodes"].as_array().unwrap() {
        assert!(emis::text::fold(node["fullName"].as_str().unwrap()).contains("nguyen"), "{node}");
    }
    for pattern in ["%", "_", "n%n", "\\"] {
        let page = app.data(Some(&token), query, json!({ "s": pattern })).await.unwrap()["students"].clone();
        assert_eq!(page["totalCount"], 0, "{pattern:?} is a character, not a pattern");
    }
    // The total comes with the page: asking for it costs no statement more.
    let mut costs = Vec::new();
    for query in [query, "query($s: String) { students(search: $s, first: 100) { nodes { fullName } } }"] {
        let before = app.sql_statements().await.unwrap();
        app.data(Some(&token), query, json!({ "s": "nguyen" })).await.unwrap();
        costs.push(app.sql_statements().await.unwrap() - before);
    }
    assert_eq!(costs[0], costs[1], "statements with and without totalCount: {costs:?}");
    // A cursor past the last match still reports the whole total.
    let last = "query($s: String, $after: String) { students(search: $s, first: 100, after: $after) { totalCount pageInfo { endCursor } nodes { fullName } } }";
    let first = app.data(Some(&token), last, json!({ "s": "nguyen" })).await.unwrap()["students"].clone();
    let cursor = first["pageInfo"]["endCursor"].as_str().unwrap();
    let beyond =
        app.data(Some(&token), last, json!({ "s": "nguyen", "after": cursor })).await.unwrap()["students"].clone();
    assert!(beyond["nodes"].as_array().unwrap().is_empty());
    assert_eq!(beyond["totalCount"], expected);
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_staff_directory_search_takes_pattern_characters_literally() {
    let app = TestApp::spawn().await.unwrap();
    let token = app.sign_in("hieutruong").await.unwrap();
    let query = "query($s: String) { staffDirectory(search: $s) { fullName } }";
    let teacher = staff::Entity::find().filter(staff::Column::Username.eq("gvbm")).one(&app.state.db).await.unwrap();
    let given = teacher.unwrap().given_name.to_uppercase();
    let found = app.data(Some(&token), query, json!({ "s": given })).await.unwrap()["staffDirectory"].clone();
    let names: Vec<&str> = found.as_array().unwrap().iter().map(|s| s["fullName"].as_str().unwrap()).collect();
    assert!(!names.is_empty(), "a colleague is found by the given name in capitals");
    let folded = emis::text::fold(&given);
    assert!(names.iter().all(|name| emis::text::fold(name).contains(&folded)), "{names:?}");
    for pattern in ["%", "_"] {
        let none = app.data(Some(&token), query, json!({ "s": pattern })).await.unwrap()["staffDirectory"].clone();
        assert_eq!(none, json!([]), "{pattern:?} is a character, not a pattern");
    }
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sealed_fields_asked_for_through_fragments_are_read() {
    let app = TestApp::spawn().await.unwrap();
    let token = app.sign_in("phuhuynh").await.unwrap();
    let query = "fragment Private on Student { identityNumber }
        { students(first: 10) {
            nodes { fullName ...Private }
            edges { node { ... on Student { id identityNumber } } } } }";
    let page = app.data(Some(&token), query, json!({})).await.unwrap()["students"].clone();
    let nodes = page["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 2);
    assert!(nodes.iter().all(|n| n["identityNumber"].as_str().is_some_and(|s| s.len() == 12)), "{nodes:?}");
    let edges = page["edges"].as_array().unwrap();
    assert!(edges.iter().all(|e| e["node"]["identityNumber"].as_str().is_some_and(|s| s.len() == 12)), "{edges:?}");
    let plain = app.data(Some(&token), "{ students(first: 10) { nodes { fullName } } }", json!({})).await.unwrap();
    assert_eq!(plain["students"]["nodes"].as_array().unwrap().len(), 2);
    app.stop().await.unwrap();
}
