//! Users and demographics over the OneRoster REST binding: `/users` is the shared school's
//! students, teachers and guardians — each once, pages adding up to the total, guardians
//! naming as agents only the children shared — with a guardian's e-mail and phone only under
//! an agreement that shares their contact; a filter on a field the agreement does not share
//! is refused, not applied; `/demographics` answers only under the demographics scope and an
//! agreement that shares students' background, and every contact and background shown is
//! in the disclosure log.

use super::reach::vendor_with;
use super::rest::{code, get};
use super::school_of;
use super::shapes::{self, assert_conforms};
use chrono::Datelike as _;
use emis_tests::TestApp;
use entity::{guardian, guardianship, student};
use sea_orm::{ColumnTrait as _, Condition, EntityTrait as _, QueryFilter as _};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

fn db(app: &TestApp) -> &sea_orm::DatabaseConnection {
    &app.state.db
}

fn users(body: &Value) -> &Vec<Value> {
    body["users"].as_array().unwrap()
}

fn role(user: &Value) -> &str {
    user["roles"][0]["role"].as_str().unwrap()
}

/// The `sourcedId`s of the students of school `school_id` and of the guardians with a link
/// to one of them in force today, with those children.
async fn school_people(app: &TestApp, school_id: i64) -> (BTreeSet<String>, BTreeMap<String, BTreeSet<String>>) {
    let db = &app.state.db;
    let students: BTreeMap<i64, String> = student::Entity::find()
        .filter(student::Column::SchoolId.eq(school_id))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| (row.id, row.external_id))
        .collect();
    let today = chrono::Utc::now().date_naive();
    let links = guardianship::Entity::find().filter(guardianship::Column::SchoolId.eq(school_id)).all(db).await;
    let links: Vec<_> = links
        .unwrap()
        .into_iter()
        .filter(|link| link.starts_on <= today && link.ends_on.is_none_or(|ends| ends >= today))
        .collect();
    let names: BTreeMap<i64, String> = guardian::Entity::find()
        .filter(guardian::Column::Id.is_in(links.iter().map(|link| link.guardian_id)))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| (row.id, row.external_id))
        .collect();
    let mut guardians: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for link in &links {
        if let Some(child) = students.get(&link.student_id) {
            guardians.entry(names[&link.guardian_id].clone()).or_default().insert(child.clone());
        }
    }
    (students.into_values().collect(), guardians)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vendor_reads_users_and_demographics_only_as_far_as_the_agreement_shares() {
    let app = crate::movements::spawn().await;
    let principal = app.sign_in("hieutruong").await.unwrap();
    let school = school_of(&app, "hieutruong").await;
    let school_id = crate::grade_entry::decode("School", &school);
    let (students, guardians) = school_people(&app, school_id).await;
    assert!(!guardians.is_empty(), "the seed links guardians to the school's students");

    // Roster without contacts.
    let roster = json!({ "scopes": ["roster-core.readonly", "roster.readonly"],
        "fieldGroups": ["school", "staff", "student", "enrollment", "guardianship", "guardian"] });
    let (_, _, vendor) = vendor_with(&app, &principal, "Học Vui", roster).await;
    let (_, _, teachers) = get(&app, Some(&vendor), "/teachers?limit=1000").await;
    let teachers: BTreeSet<String> =
        users(&teachers).iter().map(|user| user["sourcedId"].as_str().unwrap().to_owned()).collect();
    assert!(!teachers.is_empty());
    let total = students.len() + teachers.len() + guardians.len();

    let mut seen: BTreeMap<String, Value> = BTreeMap::new();
    let mut offset = 0;
    loop {
        let (status, headers, page) = get(&app, Some(&vendor), &format!("/users?limit=50&offset={offset}")).await;
        assert_eq!(status, 200, "{page}");
        assert_conforms(&page, "users", &shapes::USER);
        assert_eq!(headers["x-total-count"].to_str().unwrap(), total.to_string());
        for user in users(&page) {
            let id = user["sourcedId"].as_str().unwrap().to_owned();
            assert!(seen.insert(id.clone(), user.clone()).is_none(), "{id} listed twice");
        }
        offset += 50;
        if offset >= total {
            assert!(users(&page).len() <= 50);
            break;
        }
    }
    assert_eq!(seen.len(), total, "the pages add up to the total");
    let by_role = |wanted: &[&str]| -> BTreeSet<String> {
        seen.iter().filter(|(_, user)| wanted.contains(&role(user))).map(|(id, _)| id.clone()).collect()
    };
    assert_eq!(by_role(&["student"]), students);
    assert_eq!(by_role(&["teacher"]), teachers);
    assert_eq!(by_role(&["parent", "guardian"]), guardians.keys().cloned().collect());
    for (id, children) in &guardians {
        let agents: BTreeSet<String> = seen[id]["agents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|agent| agent["sourcedId"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(&agents, children, "a guardian's agents are the shared school's children of theirs");
    }
    // And a student's agents are their guardians.
    for student in &students {
        let agents: BTreeSet<String> = seen[student]["agents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|agent| agent["sourcedId"].as_str().unwrap().to_owned())
            .collect();
        let theirs: BTreeSet<String> =
            guardians.iter().filter(|(_, children)| children.contains(student)).map(|(id, _)| id.clone()).collect();
        assert_eq!(agents, theirs, "the agents of {student}");
    }
    let everything = Value::Array(seen.values().cloned().collect()).to_string();
    assert!(!everything.contains("\"phone\"") && !everything.contains("\"email\""), "no contact shared");

    // Sorted across the three groups; one user by id; another school's guardian is unknown.
    let (_, _, sorted) = get(&app, Some(&vendor), "/users?sort=sourcedId&limit=1000").await;
    let ids: Vec<&str> = users(&sorted).iter().map(|user| user["sourcedId"].as_str().unwrap()).collect();
    assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "sorted by sourcedId");
    let some_guardian = guardians.keys().next().unwrap();
    let (status, _, one) = get(&app, Some(&vendor), &format!("/users/{some_guardian}")).await;
    assert_eq!(status, 200, "{one}");
    assert_conforms(&one, "user", &shapes::USER);
    let (_, their_guardians) =
        school_people(&app, crate::grade_entry::decode("School", &school_of(&app, "hieutruong2").await)).await;
    let theirs = their_guardians.keys().find(|id| !guardians.contains_key(*id)).unwrap();
    for path in [format!("/users/{theirs}"), "/users/no-such-user".to_owned()] {
        let (status, _, body) = get(&app, Some(&vendor), &path).await;
        assert_eq!((status, code(&body)), (404, "unknownobject"), "{path}");
    }
    let (_, headers, filtered) =
        get(&app, Some(&vendor), &format!("/users?filter=sourcedId%3D%27{some_guardian}%27")).await;
    assert_eq!(headers["x-total-count"], "1");
    assert_eq!(users(&filtered)[0]["sourcedId"], some_guardian.as_str());

    // A filter on a field the agreement does not share is refused, not applied.
    for field in ["email", "phone"] {
        let (status, _, body) = get(&app, Some(&vendor), &format!("/users?filter={field}%3D%27x%27")).await;
        assert_eq!((status, code(&body)), (400, "invalid_filter_field"), "{body}");
        assert!(body["imsx_description"].as_str().unwrap().contains("not shared"), "{body}");
    }
    // No demographics without their scope and group.
    let (status, headers, none) = get(&app, Some(&vendor), "/demographics").await;
    assert_eq!((status, headers["x-total-count"].to_str().unwrap()), (200, "0"), "{none}");
    let (status, _, body) = get(&app, Some(&vendor), &format!("/demographics/{}", students.first().unwrap())).await;
    assert_eq!((status, code(&body)), (404, "unknownobject"));

    // Contacts and background shared: guardians' phones, students' demographics.
    let wider = json!({
        "scopes": ["roster-core.readonly", "roster.readonly", "roster-demographics.readonly"],
        "fieldGroups": ["school", "staff", "student", "enrollment", "guardianship", "guardian", "guardian.contact",
            "student.background"] });
    let (_, _, wide) = vendor_with(&app, &principal, "Liên lạc", wider).await;
    let (_, _, all) = get(&app, Some(&wide), "/users?limit=1000").await;
    assert_conforms(&all, "users", &shapes::USER);
    let phones: Vec<&Value> = users(&all).iter().filter(|user| user.get("phone").is_some()).collect();
    assert_eq!(phones.len(), guardians.len(), "every seeded guardian has a phone, shown under the agreement");
    assert!(phones.iter().all(|user| matches!(role(user), "parent" | "guardian")), "never a teacher's phone");
    let (status, _, body) = get(&app, Some(&wide), "/users?filter=email%3D%27x%27").await;
    assert_eq!((status, code(&body)), (400, "invalid_filter_field"));
    assert!(body["imsx_description"].as_str().unwrap().contains("encrypted"), "{body}");

    let (status, headers, demographics) = get(&app, Some(&wide), "/demographics?limit=1000").await;
    assert_eq!(status, 200, "{demographics}");
    assert_conforms(&demographics, "demographics", &shapes::DEMOGRAPHICS);
    assert_eq!(headers["x-total-count"].to_str().unwrap(), students.len().to_string());
    let listed = demographics["demographics"].as_array().unwrap();
    assert!(listed.iter().all(|one| one["metadata"]["vn.ethnicity"].is_string()), "the seed's ethnicities");
    let first = &listed[0];
    let (_, _, one) = get(&app, Some(&wide), &format!("/demographics/{}", first["sourcedId"].as_str().unwrap())).await;
    let without_time = |value: &Value| {
        let mut value = value.clone();
        value.as_object_mut().unwrap().remove("dateLastModified");
        value
    };
    assert_eq!(without_time(&one["demographics"]), without_time(first));
    let year = first["birthDate"].as_str().unwrap()[..4].parse::<i32>().unwrap();
    assert!(year > 1990 && year < chrono::Utc::now().year());
    let (_, headers, _) = get(&app, Some(&wide), "/demographics?filter=sex%3D%27female%27").await;
    let female = headers["x-total-count"].to_str().unwrap().parse::<usize>().unwrap();
    assert!(female > 0 && female < students.len(), "the filter applies");

    // A guardian's own token lists their children, never another family's.
    let child = student::Entity::find().filter(student::Column::ExternalId.eq(students.first().unwrap())).one(db(&app));
    let child = child.await.unwrap().unwrap();
    let username = crate::roll_call::guardian_of(&app, &emis::graphql::ids::encode("Student", child.id).0).await;
    let family = app.sign_in(&username).await.unwrap();
    let person = guardian::Entity::find().filter(guardian::Column::Username.eq(username.as_str())).one(db(&app));
    let person = person.await.unwrap().unwrap();
    let own = guardianship::Entity::find().filter(guardianship::Column::GuardianId.eq(person.id)).all(db(&app));
    let own: BTreeSet<i64> = own.await.unwrap().iter().map(|link| link.student_id).collect();
    let own = Condition::all().add(student::Column::Id.is_in(own));
    let own = super::sourced_ids::<student::Entity>(&app, own, |row| row.external_id).await;
    let (status, _, theirs) = get(&app, Some(&family), "/users?limit=1000").await;
    assert_eq!(status, 200, "{theirs}");
    let listed: BTreeSet<String> = users(&theirs)
        .iter()
        .filter(|user| role(user) == "student")
        .map(|user| user["sourcedId"].as_str().unwrap().to_owned())
        .collect();
    assert!(listed.contains(&child.external_id) && listed.is_subset(&own), "{listed:?} of {own:?}");

    // What was shown is in the disclosure log, as the groups it showed.
    let (entries, _) = super::vendor_entries(&app).await;
    let fields: BTreeSet<&str> = entries.iter().flat_map(|entry| entry.fields.split(' ')).collect();
    assert!(fields.contains("guardian.contact") && fields.contains("student.background"), "{fields:?}");
    app.stop().await.unwrap();
}
