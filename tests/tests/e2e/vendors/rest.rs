//! The OneRoster 1.2 REST binding as a vendor reads it: a client whose agreement shares one
//! school's roster (without contacts) pages through exactly that school's students, classes
//! and enrollments — every answer conforming to the specification's data model, with its
//! paging headers — under the same `sourcedId`s as the database keeps (and the CSV package
//! writes); another school's records answer like missing ones; bad queries are refused with
//! the specification's codes; and every student shown is in the disclosure log.

use super::reach::vendor_with;
use super::shapes::{self, assert_conforms};
use super::{school_of, sourced_ids};
use emis_tests::TestApp;
use entity::{enrollment, homeroom_class, student};
use sea_orm::{ColumnTrait as _, Condition, EntityTrait as _, QueryFilter as _};
use serde_json::{Value, json};
use std::collections::BTreeSet;

const ROOT: &str = "/ims/oneroster/rostering/v1p2";

/// A GET of `path` (under the rostering root) with `token`: status, headers, JSON body.
pub(crate) async fn get(app: &TestApp, token: Option<&str>, path: &str) -> (u16, reqwest::header::HeaderMap, Value) {
    get_under(app, ROOT, token, path).await
}

/// A GET of `path` under the service root `root`.
pub(super) async fn get_under(
    app: &TestApp,
    root: &str,
    token: Option<&str>,
    path: &str,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let mut request = reqwest::Client::new().get(format!("{}{root}{path}", app.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.json().await.unwrap_or(Value::Null))
}

/// The code-minor value of a refusal, after checking the payload conforms.
pub(super) fn code(body: &Value) -> &str {
    let found = shapes::problems(body, &shapes::STATUS_INFO);
    assert!(found.is_empty(), "{found:?}: {body}");
    body["imsx_CodeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"].as_str().unwrap()
}

pub(super) fn ids(body: &Value, key: &str) -> Vec<String> {
    body[key].as_array().unwrap().iter().map(|item| item["sourcedId"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vendor_pages_through_exactly_the_shared_schools_roster_in_the_specifications_shapes() {
    let app = crate::movements::spawn().await;
    let principal = app.sign_in("hieutruong").await.unwrap();
    let school = school_of(&app, "hieutruong").await;
    let shared = json!({ "scopes": ["roster-core.readonly"],
        "fieldGroups": ["school", "class", "staff", "student", "enrollment"] });
    let (_, _, vendor) = vendor_with(&app, &principal, "Học Vui", shared).await;
    let db = &app.state.db;
    let school_id = crate::grade_entry::decode("School", &school);
    let mine =
        sourced_ids::<student::Entity>(&app, Condition::all().add(student::Column::SchoolId.eq(school_id)), |row| {
            row.external_id
        })
        .await;
    assert!(mine.len() > 10);

    // Without a token, or with a bad one: refused in the specification's words.
    for token in [None, Some("emis_atv_forged")] {
        let (status, headers, body) = get(&app, token, "/students").await;
        assert_eq!((status, code(&body)), (401, "unauthorisedrequest"));
        assert_eq!(headers["www-authenticate"], "Bearer");
    }

    // Paging: every page conforms, the total is the school's, the pages add up to it.
    let (status, headers, first) = get(&app, Some(&vendor), "/students?limit=7").await;
    assert_eq!(status, 200, "{first}");
    assert_conforms(&first, "users", &shapes::USER);
    assert_eq!(headers["x-total-count"].to_str().unwrap(), mine.len().to_string());
    let link = headers["link"].to_str().unwrap();
    assert!(link.contains("rel=\"next\"") && link.contains("offset=7") && !link.contains("rel=\"prev\""), "{link}");
    assert_eq!(headers["cache-control"], "no-store");
    let mut seen = BTreeSet::new();
    for offset in (0..mine.len()).step_by(7) {
        let (_, _, page) = get(&app, Some(&vendor), &format!("/students?limit=7&offset={offset}")).await;
        assert_conforms(&page, "users", &shapes::USER);
        seen.extend(ids(&page, "users"));
    }
    assert_eq!(seen, mine, "the same sourcedIds as the database keeps, each once");
    assert!(
        first["users"].as_array().unwrap().iter().all(|user| user["agents"] == json!([])),
        "no guardianships shared, no agents"
    );

    // The school, its classes and enrollments; nothing of the other school.
    let (_, _, orgs) = get(&app, Some(&vendor), "/schools").await;
    assert_conforms(&orgs, "orgs", &shapes::ORG);
    let own_org = entity::org::Entity::find_by_id(school_id).one(db).await.unwrap().unwrap().external_id;
    assert_eq!(ids(&orgs, "orgs"), vec![own_org.clone()]);
    let (status, _, one) = get(&app, Some(&vendor), &format!("/schools/{own_org}")).await;
    assert_eq!(status, 200);
    assert_conforms(&one, "org", &shapes::ORG);
    let (_, _, classes) = get(&app, Some(&vendor), &format!("/schools/{own_org}/classes")).await;
    assert_conforms(&classes, "classes", &shapes::CLASS);
    let of_school = Condition::all().add(homeroom_class::Column::SchoolId.eq(school_id));
    let own_classes = sourced_ids::<homeroom_class::Entity>(&app, of_school, |row| row.external_id).await;
    assert_eq!(ids(&classes, "classes").into_iter().collect::<BTreeSet<_>>(), own_classes);
    let class = own_classes.iter().next().unwrap();
    let (_, _, roster) = get(&app, Some(&vendor), &format!("/classes/{class}/students")).await;
    assert_conforms(&roster, "users", &shapes::USER);
    assert!(ids(&roster, "users").iter().all(|id| mine.contains(id)));
    let (_, headers, enrollments) = get(&app, Some(&vendor), "/enrollments?limit=1000").await;
    assert_conforms(&enrollments, "enrollments", &shapes::ENROLLMENT);
    let own_enrollments = enrollment::Entity::find().filter(enrollment::Column::SchoolId.eq(school_id)).all(db).await;
    // Without the section group: students in homeroom classes, and their homeroom teachers.
    let homeroom_teachers = entity::teaching_assignment::Entity::find()
        .filter(entity::teaching_assignment::Column::SchoolId.eq(school_id))
        .filter(entity::teaching_assignment::Column::ClassId.is_not_null())
        .all(db)
        .await
        .unwrap();
    let expected = own_enrollments.unwrap().len() + homeroom_teachers.len();
    assert_eq!(headers["x-total-count"].to_str().unwrap(), expected.to_string());
    let roles: BTreeSet<&str> =
        enrollments["enrollments"].as_array().unwrap().iter().map(|e| e["role"].as_str().unwrap()).collect();
    assert_eq!(roles, BTreeSet::from(["student", "teacher"]));
    let (_, headers, teachers) = get(&app, Some(&vendor), "/teachers?limit=1000").await;
    assert_conforms(&teachers, "users", &shapes::USER);
    let of_school = Condition::all().add(entity::staff::Column::SchoolId.eq(school_id));
    let own_teachers = sourced_ids::<entity::staff::Entity>(&app, of_school, |row| row.external_id).await;
    let listed: BTreeSet<String> = ids(&teachers, "users").into_iter().collect();
    assert!(!listed.is_empty() && listed.is_subset(&own_teachers), "the shared school's teachers only");
    assert_eq!(headers["x-total-count"].to_str().unwrap(), listed.len().to_string());
    assert!(teachers.to_string().find("phone").is_none() && teachers.to_string().find("email").is_none());
    let (_, _, sessions) = get(&app, Some(&vendor), "/academicSessions").await;
    assert_conforms(&sessions, "academicSessions", &shapes::ACADEMIC_SESSION);

    let other_id = crate::grade_entry::decode("School", &school_of(&app, "hieutruong2").await);
    let other_org = entity::org::Entity::find_by_id(other_id).one(db).await.unwrap().unwrap().external_id;
    let theirs = student::Entity::find().filter(student::Column::SchoolId.eq(other_id)).one(db).await.unwrap().unwrap();
    let their_teacher = entity::staff::Entity::find()
        .filter(entity::staff::Column::SchoolId.eq(other_id))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    for path in [
        format!("/teachers/{}", their_teacher.external_id),
        format!("/schools/{other_org}/teachers"),
        format!("/students/{}", theirs.external_id),
        format!("/schools/{other_org}"),
        format!("/schools/{other_org}/students"),
        format!("/schools/{other_org}/classes"),
        "/students/no-such-student".to_owned(),
    ] {
        let (status, _, body) = get(&app, Some(&vendor), &path).await;
        assert_eq!((status, code(&body)), (404, "unknownobject"), "{path}: {body}");
    }
    let missing = get(&app, Some(&vendor), "/students/no-such-student").await.2["imsx_description"].clone();
    let hidden =
        get(&app, Some(&vendor), &format!("/students/{}", theirs.external_id)).await.2["imsx_description"].clone();
    assert_eq!(
        missing.as_str().unwrap().replace("no-such-student", ""),
        hidden.as_str().unwrap().replace(&theirs.external_id, "")
    );

    // Filter, sort and fields as the specification's examples use them.
    let wanted = mine.iter().next().unwrap();
    let (_, headers, found) = get(&app, Some(&vendor), &format!("/students?filter=sourcedId%3D%27{wanted}%27")).await;
    assert_eq!((ids(&found, "users"), headers["x-total-count"].to_str().unwrap()), (vec![wanted.clone()], "1"));
    let (_, _, sorted) = get(&app, Some(&vendor), "/students?sort=givenName&orderBy=desc&limit=1000").await;
    let names: Vec<&str> =
        sorted["users"].as_array().unwrap().iter().map(|u| u["givenName"].as_str().unwrap()).collect();
    assert!(names.windows(2).all(|pair| pair[0] >= pair[1]), "{names:?}");
    let (_, _, narrow) = get(&app, Some(&vendor), "/students?fields=sourcedId,givenName&limit=3").await;
    for user in narrow["users"].as_array().unwrap() {
        assert_eq!(user.as_object().unwrap().keys().collect::<Vec<_>>(), vec!["givenName", "sourcedId"]);
    }
    for (path, status, expected) in [
        ("/students?filter=phone%3D%27090%27", 400, "invalid_filter_field"),
        ("/students?filter=givenName%3DAn", 400, "invalid_filter_field"),
        ("/students?fields=sourcedId,password", 400, "invalid_selection_field"),
        ("/students?sort=nickname", 400, "invalid_selection_field"),
        ("/students?limit=0", 400, "invaliddata"),
        ("/students?orderBy=sideways", 400, "invaliddata"),
        ("/students?filter=givenName%3D%27a%00b%27", 400, "invaliddata"),
        ("/students/hs%00", 400, "invaliddata"),
    ] {
        let (got, _, body) = get(&app, Some(&vendor), path).await;
        assert_eq!((got, code(&body)), (status, expected), "{path}: {body}");
    }

    // Every student shown through REST is in the disclosure log.
    let (_, logged) = super::vendor_entries(&app).await;
    let shown: BTreeSet<i64> = super::reach::students_of(&app, &school).await.into_iter().collect();
    assert_eq!(logged, shown);
    app.stop().await.unwrap();
}

/// A GET of `path` under the gradebook root: status, `X-Total-Count`, JSON body.
async fn gradebook(app: &TestApp, token: &str, path: &str) -> (u16, Option<String>, Value) {
    let (status, headers, body) = get_under(app, "/ims/oneroster/gradebook/v1p2", Some(token), path).await;
    (status, headers.get("x-total-count").map(|v| v.to_str().unwrap().to_owned()), body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vendor_reads_results_only_under_the_gradebook_scope_and_only_of_the_shared_school() {
    let app = crate::movements::spawn().await;
    let principal = app.sign_in("hieutruong").await.unwrap();
    let school = school_of(&app, "hieutruong").await;
    let school_id = crate::grade_entry::decode("School", &school);
    let db = &app.state.db;
    let own: BTreeSet<i64> = entity::result::Entity::find()
        .filter(entity::result::Column::SchoolId.eq(school_id))
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|row| row.id)
        .collect();
    assert!(!own.is_empty(), "the seed holds results");
    // Roster only: no grades, whatever the agreement's field groups say.
    let roster_only = json!({ "scopes": ["roster-core.readonly"], "fieldGroups": ["student", "result"] });
    let (_, _, roster) = vendor_with(&app, &principal, "Chỉ danh sách", roster_only).await;
    let (status, total, _) = gradebook(&app, &roster, "/results").await;
    assert_eq!((status, total.as_deref()), (200, Some("0")), "no gradebook scope, no results");

    let graded =
        json!({ "scopes": ["roster-core.readonly", "gradebook.readonly"], "fieldGroups": ["student", "result"] });
    let (_, _, vendor) = vendor_with(&app, &principal, "Sổ điểm", graded).await;
    let (status, total, body) = gradebook(&app, &vendor, "/results?limit=1000").await;
    assert_eq!((status, total), (200, Some(own.len().to_string())), "{body}");
    assert_conforms(&body, "results", &shapes::RESULT);
    let ids: BTreeSet<i64> = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["sourcedId"].as_str().unwrap().trim_start_matches("emis-result-").parse::<i64>().unwrap())
        .collect();
    assert!(ids.iter().all(|id| own.contains(id)), "only the shared school's results");
    let (status, _, one) = gradebook(&app, &vendor, "/results?limit=1").await;
    assert_eq!(status, 200);
    let first = one["results"][0]["sourcedId"].as_str().unwrap().to_owned();
    let (status, _, single) = gradebook(&app, &vendor, &format!("/results/{first}")).await;
    assert_eq!(status, 200);
    assert_conforms(&single, "result", &shapes::RESULT);

    let other_id = crate::grade_entry::decode("School", &school_of(&app, "hieutruong2").await);
    let theirs = entity::result::Entity::find().filter(entity::result::Column::SchoolId.eq(other_id)).one(db).await;
    if let Some(theirs) = theirs.unwrap() {
        let (status, _, body) = gradebook(&app, &vendor, &format!("/results/emis-result-{}", theirs.id)).await;
        assert_eq!((status, code(&body)), (404, "unknownobject"), "{body}");
    }
    // Changes since a moment: everything was written before tomorrow, nothing after.
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).format("%Y-%m-%dT00:00:00Z").to_string();
    let after = format!("/results?filter=dateLastModified%3E%27{tomorrow}%27");
    assert_eq!(gradebook(&app, &vendor, &after).await.1.as_deref(), Some("0"));
    let before = format!("/results?filter=dateLastModified%3C%27{tomorrow}%27");
    assert_eq!(gradebook(&app, &vendor, &before).await.1, Some(own.len().to_string()));
    app.stop().await.unwrap();
}
