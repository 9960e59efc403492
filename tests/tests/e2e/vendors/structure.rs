//! A school's structure over the OneRoster REST binding: `/classes` is its homeroom classes
//! and, under an agreement that shares sections, its sections as scheduled classes — filtered,
//! sorted and paged together —; every class's course is one `/courses` serves, every term one
//! `/terms` serves; a section's students are its homeroom class's and its teachers those
//! assigned to it; another school's classes and courses answer like missing ones.

use super::reach::vendor_with;
use super::rest::{code, get, ids};
use super::shapes::{self, assert_conforms};
use super::{school_of, sourced_ids};
use entity::{homeroom_class, section, teaching_assignment};
use sea_orm::{ColumnTrait as _, Condition, EntityTrait as _, QueryFilter as _};
use serde_json::{Value, json};
use std::collections::BTreeSet;

fn refs(objects: &[Value], field: &str) -> BTreeSet<String> {
    objects
        .iter()
        .flat_map(|object| match &object[field] {
            Value::Array(items) => items.clone(),
            one => vec![one.clone()],
        })
        .map(|reference| reference["sourcedId"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vendor_reads_the_shared_schools_classes_sections_courses_and_terms() {
    let app = crate::movements::spawn().await;
    let principal = app.sign_in("hieutruong").await.unwrap();
    let school = school_of(&app, "hieutruong").await;
    let school_id = crate::grade_entry::decode("School", &school);
    let db = &app.state.db;
    let of_school = Condition::all().add(homeroom_class::Column::SchoolId.eq(school_id));
    let homerooms = sourced_ids::<homeroom_class::Entity>(&app, of_school, |row| row.external_id).await;
    let sections = section::Entity::find().filter(section::Column::SchoolId.eq(school_id)).all(db).await.unwrap();
    assert!(!sections.is_empty(), "the seed teaches subjects in sections");
    let scheduled: BTreeSet<String> = sections.iter().map(|row| row.external_id.clone()).collect();

    // Without the section group, only homeroom classes.
    let classes_only = json!({ "scopes": ["roster-core.readonly"], "fieldGroups": ["school", "class", "student"] });
    let (_, _, narrow) = vendor_with(&app, &principal, "Chỉ lớp", classes_only).await;
    let (_, headers, _) = get(&app, Some(&narrow), "/classes").await;
    assert_eq!(headers["x-total-count"].to_str().unwrap(), homerooms.len().to_string());

    let shared = json!({ "scopes": ["roster-core.readonly"],
        "fieldGroups": ["school", "class", "section", "staff", "student", "enrollment"] });
    let (_, _, vendor) = vendor_with(&app, &principal, "Thời khoá biểu", shared).await;
    let mut listed = Vec::new();
    for offset in (0..homerooms.len() + scheduled.len()).step_by(40) {
        let (status, headers, page) = get(&app, Some(&vendor), &format!("/classes?limit=40&offset={offset}")).await;
        assert_eq!(status, 200, "{page}");
        assert_conforms(&page, "classes", &shapes::CLASS);
        assert_eq!(headers["x-total-count"].to_str().unwrap(), (homerooms.len() + scheduled.len()).to_string());
        listed.extend(page["classes"].as_array().unwrap().iter().cloned());
    }
    let of_type = |kind: &str| -> BTreeSet<String> {
        listed
            .iter()
            .filter(|class| class["classType"] == kind)
            .map(|class| class["sourcedId"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!((of_type("homeroom"), of_type("scheduled")), (homerooms.clone(), scheduled.clone()));
    assert_eq!(listed.len(), homerooms.len() + scheduled.len(), "each class once");

    // Filter and sort across both kinds, as the specification's examples use them.
    let (_, headers, _) = get(&app, Some(&vendor), "/classes?filter=classType%3D%27scheduled%27").await;
    assert_eq!(headers["x-total-count"].to_str().unwrap(), scheduled.len().to_string());
    let (_, _, sorted) = get(&app, Some(&vendor), "/classes?sort=title&limit=1000").await;
    let titles: Vec<&str> =
        sorted["classes"].as_array().unwrap().iter().map(|c| c["title"].as_str().unwrap()).collect();
    assert!(titles.windows(2).all(|pair| pair[0] <= pair[1]), "{titles:?}");
    let some = listed.iter().find(|class| class["classType"] == "scheduled").unwrap();
    let title = some["title"].as_str().unwrap();
    let filter = format!("/classes?filter=title%3D%27{}%27", urlencoding(title));
    let (_, _, found) = get(&app, Some(&vendor), &filter).await;
    assert_eq!(ids(&found, "classes"), vec![some["sourcedId"].as_str().unwrap().to_owned()], "{title}");

    // A section: itself, its students (its homeroom class's), its teachers.
    let row = sections.iter().find(|row| row.external_id == some["sourcedId"]).unwrap();
    let (status, _, one) = get(&app, Some(&vendor), &format!("/classes/{}", row.external_id)).await;
    assert_eq!(status, 200);
    assert_conforms(&one, "class", &shapes::CLASS);
    let homeroom = homeroom_class::Entity::find_by_id(row.class_id).one(db).await.unwrap().unwrap();
    let (_, _, of_section) =
        get(&app, Some(&vendor), &format!("/classes/{}/students?limit=1000", row.external_id)).await;
    let (_, _, of_class) =
        get(&app, Some(&vendor), &format!("/classes/{}/students?limit=1000", homeroom.external_id)).await;
    assert!(!ids(&of_section, "users").is_empty());
    assert_eq!(ids(&of_section, "users"), ids(&of_class, "users"));
    let assigned = teaching_assignment::Entity::find().filter(teaching_assignment::Column::SectionId.eq(row.id));
    let assigned: BTreeSet<i64> = assigned.all(db).await.unwrap().iter().map(|a| a.staff_id).collect();
    let (_, headers, teachers) = get(&app, Some(&vendor), &format!("/classes/{}/teachers", row.external_id)).await;
    assert_conforms(&teachers, "users", &shapes::USER);
    assert_eq!(headers["x-total-count"].to_str().unwrap(), assigned.len().to_string());

    // Enrollments as the CSV package has them: students in homeroom classes and in each
    // section of theirs, teachers of both; every one names a class /classes serves.
    let enrolled = entity::enrollment::Entity::find().filter(entity::enrollment::Column::SchoolId.eq(school_id));
    let enrolled = enrolled.all(db).await.unwrap();
    let in_sections: usize =
        enrolled.iter().map(|row| sections.iter().filter(|section| section.class_id == row.class_id).count()).sum();
    let assignments =
        teaching_assignment::Entity::find().filter(teaching_assignment::Column::SchoolId.eq(school_id)).all(db).await;
    let expected = enrolled.len() + in_sections + assignments.unwrap().len();
    let (_, headers, first) = get(&app, Some(&vendor), "/enrollments?limit=1000").await;
    assert_eq!(headers["x-total-count"].to_str().unwrap(), expected.to_string());
    assert_conforms(&first, "enrollments", &shapes::ENROLLMENT);
    let mut all = Vec::new();
    for offset in (0..expected).step_by(1000) {
        let (_, _, page) = get(&app, Some(&vendor), &format!("/enrollments?limit=1000&offset={offset}")).await;
        all.extend(page["enrollments"].as_array().unwrap().iter().cloned());
    }
    let listed_ids: BTreeSet<&str> = all.iter().map(|e| e["sourcedId"].as_str().unwrap()).collect();
    assert_eq!(listed_ids.len(), expected, "each enrollment once");
    let class_ids: BTreeSet<String> = listed.iter().map(|c| c["sourcedId"].as_str().unwrap().to_owned()).collect();
    assert!(refs(&all, "class").is_subset(&class_ids));
    let in_section = all.iter().find(|e| e["sourcedId"].as_str().unwrap().contains('@')).unwrap();
    let (status, _, one) =
        get(&app, Some(&vendor), &format!("/enrollments/{}", urlencoding(in_section["sourcedId"].as_str().unwrap())))
            .await;
    assert_eq!((status, &one["enrollment"]["class"]), (200, &in_section["class"]), "{one}");
    let (_, headers, _) = get(&app, Some(&vendor), "/enrollments?filter=role%3D%27teacher%27").await;
    let teachers = all.iter().filter(|e| e["role"] == "teacher").count();
    assert_eq!(headers["x-total-count"].to_str().unwrap(), teachers.to_string());
    let (_, _, sorted) = get(&app, Some(&vendor), "/enrollments?sort=beginDate&orderBy=desc&limit=1000").await;
    let begins: Vec<&str> =
        sorted["enrollments"].as_array().unwrap().iter().map(|e| e["beginDate"].as_str().unwrap()).collect();
    assert!(begins.windows(2).all(|pair| pair[0] >= pair[1]));

    // Courses and terms: every reference resolves.
    let (_, _, courses) = get(&app, Some(&vendor), "/courses?limit=1000").await;
    assert_conforms(&courses, "courses", &shapes::COURSE);
    let course_ids: BTreeSet<String> = ids(&courses, "courses").into_iter().collect();
    assert_eq!(refs(&listed, "course"), course_ids, "the courses are those the classes follow");
    let (_, _, terms) = get(&app, Some(&vendor), "/terms").await;
    assert_conforms(&terms, "academicSessions", &shapes::ACADEMIC_SESSION);
    let terms_listed = terms["academicSessions"].as_array().unwrap();
    assert!(terms_listed.iter().all(|term| term["type"] == "semester") && !terms_listed.is_empty());
    let (_, _, sessions) = get(&app, Some(&vendor), "/academicSessions").await;
    let session_ids: BTreeSet<String> = ids(&sessions, "academicSessions").into_iter().collect();
    assert!(refs(&listed, "terms").is_subset(&session_ids));
    let course = course_ids.iter().find(|id| id.starts_with("emis-course-s")).unwrap();
    let (status, _, one) = get(&app, Some(&vendor), &format!("/courses/{course}")).await;
    assert_eq!(status, 200);
    assert_conforms(&one, "course", &shapes::COURSE);
    assert!(one["course"]["subjects"].is_array());
    let (_, _, following) = get(&app, Some(&vendor), &format!("/courses/{course}/classes?limit=1000")).await;
    let following = following["classes"].as_array().unwrap().clone();
    assert!(!following.is_empty() && refs(&following, "course") == BTreeSet::from([course.clone()]));
    let own_org = entity::org::Entity::find_by_id(school_id).one(db).await.unwrap().unwrap().external_id;
    let (_, headers, _) = get(&app, Some(&vendor), &format!("/schools/{own_org}/courses")).await;
    assert_eq!(headers["x-total-count"].to_str().unwrap(), course_ids.len().to_string());
    let term = ids(&terms, "academicSessions").remove(0);
    for path in [format!("/terms/{term}"), format!("/schools/{own_org}/terms")] {
        let (status, _, body) = get(&app, Some(&vendor), &path).await;
        assert_eq!(status, 200, "{path}: {body}");
    }
    // EMIS keeps no grading periods: an assessment belongs to its semester.
    let (status, headers, _) = get(&app, Some(&vendor), &format!("/terms/{term}/gradingPeriods")).await;
    assert_eq!((status, headers["x-total-count"].to_str().unwrap()), (200, "0"));
    let (_, headers, _) = get(&app, Some(&vendor), "/gradingPeriods").await;
    assert_eq!(headers["x-total-count"], "0");

    // Another school's classes, sections and courses answer like missing ones.
    let other = crate::grade_entry::decode("School", &school_of(&app, "hieutruong2").await);
    let theirs = section::Entity::find().filter(section::Column::SchoolId.eq(other)).one(db).await.unwrap().unwrap();
    let their_org = entity::org::Entity::find_by_id(other).one(db).await.unwrap().unwrap().external_id;
    for path in [
        format!("/classes/{}", theirs.external_id),
        format!("/classes/{}/students", theirs.external_id),
        format!("/classes/{}/teachers", theirs.external_id),
        format!("/schools/{their_org}/courses"),
        format!("/schools/{their_org}/terms"),
        "/courses/no-such-course".to_owned(),
        "/terms/no-such-term/gradingPeriods".to_owned(),
        format!("/gradingPeriods/{term}"),
    ] {
        let (status, _, body) = get(&app, Some(&vendor), &path).await;
        assert_eq!((status, code(&body)), (404, "unknownobject"), "{path}: {body}");
    }
    assert!(!course_ids.iter().any(|id| id.starts_with(&format!("emis-course-s{other}-"))));
    app.stop().await.unwrap();
}

/// `text` percent-encoded for a query string.
fn urlencoding(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}
