//! The gradebook service over the OneRoster REST binding: under `gradebook.readonly` a vendor
//! reads the shared school's line items (its sections' assessment columns), the categories,
//! and the results by class, by line item and by student — every reference a result makes
//! naming a line item and a class the binding serves —; without that scope it reads none of
//! them, and another school's columns and classes answer like missing ones.

use super::reach::vendor_with;
use super::rest::{code, get, get_under, ids};
use super::school_of;
use super::shapes::{self, assert_conforms};
use emis_tests::TestApp;
use entity::{assessment, result, section, student};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use serde_json::{Value, json};
use std::collections::BTreeSet;

const GRADEBOOK: &str = "/ims/oneroster/gradebook/v1p2";

/// A GET under the gradebook root: status, `X-Total-Count`, JSON body.
async fn gradebook(app: &TestApp, token: &str, path: &str) -> (u16, u64, Value) {
    let (status, headers, body) = get_under(app, GRADEBOOK, Some(token), path).await;
    let total = headers.get("x-total-count").map_or(0, |value| value.to_str().unwrap().parse().unwrap());
    (status, total, body)
}

fn referenced(body: &Value, key: &str, field: &str) -> BTreeSet<String> {
    body[key].as_array().unwrap().iter().map(|item| item[field]["sourcedId"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vendor_reads_line_items_categories_and_results_by_class_only_under_the_gradebook_scope() {
    let app = crate::movements::spawn().await;
    let principal = app.sign_in("hieutruong").await.unwrap();
    let school = school_of(&app, "hieutruong").await;
    let school_id = crate::grade_entry::decode("School", &school);
    let db = &app.state.db;
    let columns = assessment::Entity::find().filter(assessment::Column::SchoolId.eq(school_id)).all(db).await.unwrap();
    let results = result::Entity::find().filter(result::Column::SchoolId.eq(school_id)).all(db).await.unwrap();
    assert!(!columns.is_empty() && !results.is_empty(), "the seed keeps grade books");

    // Roster only: no columns, no categories.
    let roster =
        json!({ "scopes": ["roster-core.readonly"], "fieldGroups": ["school", "class", "section", "student"] });
    let (_, _, roster) = vendor_with(&app, &principal, "Chỉ danh sách", roster).await;
    for path in ["/lineItems", "/categories"] {
        let (status, total, _) = gradebook(&app, &roster, path).await;
        assert_eq!((status, total), (200, 0), "{path}");
    }

    let graded = json!({ "scopes": ["roster-core.readonly", "gradebook.readonly"],
        "fieldGroups": ["school", "class", "section", "student", "result"] });
    let (_, _, vendor) = vendor_with(&app, &principal, "Sổ điểm", graded).await;
    let (status, total, items) = gradebook(&app, &vendor, "/lineItems?limit=1000").await;
    assert_eq!((status, total as usize), (200, columns.len()), "{items}");
    assert_conforms(&items, "lineItems", &shapes::LINE_ITEM);
    let item_ids: BTreeSet<String> = ids(&items, "lineItems").into_iter().collect();
    let (_, _, categories) = gradebook(&app, &vendor, "/categories").await;
    assert_conforms(&categories, "categories", &shapes::CATEGORY);
    let category_ids: BTreeSet<String> = ids(&categories, "categories").into_iter().collect();
    assert!(category_ids.contains("emis-category-regular"));
    assert!(referenced(&items, "lineItems", "category").is_subset(&category_ids), "every category resolves");
    let (status, _, one) = gradebook(&app, &vendor, "/categories/emis-category-final").await;
    assert_eq!(status, 200);
    assert_conforms(&one, "category", &shapes::CATEGORY);

    // Every reference a result makes resolves to a line item and a class the binding serves.
    let (_, total, all) = gradebook(&app, &vendor, "/results?limit=1000").await;
    assert_eq!(total as usize, results.len());
    assert!(referenced(&all, "results", "lineItem").is_subset(&item_ids));
    let (_, _, classes) = get(&app, Some(&vendor), "/classes?limit=1000").await;
    let class_ids: BTreeSet<String> = ids(&classes, "classes").into_iter().collect();
    assert!(referenced(&all, "results", "class").is_subset(&class_ids));
    assert!(referenced(&items, "lineItems", "class").is_subset(&class_ids));

    // By class, by line item, by student in a class.
    let column = &columns[0];
    let section = section::Entity::find_by_id(column.section_id).one(db).await.unwrap().unwrap();
    let item = items["lineItems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["class"]["sourcedId"] == section.external_id.as_str())
        .unwrap()["sourcedId"]
        .as_str()
        .unwrap()
        .to_owned();
    // Sorted by sourcedId (a derived one compared as its text) across scores and evaluations.
    let (_, _, sorted) = gradebook(&app, &vendor, "/results?sort=sourcedId&limit=50").await;
    let sorted = ids(&sorted, "results");
    assert!(sorted.len() == 50 && sorted.windows(2).all(|pair| pair[0] < pair[1]), "{sorted:?}");
    // A sourcedId EMIS derived (`emis-…`) is found by a filter as by a path.
    let result_id = all["results"][0]["sourcedId"].as_str().unwrap().to_owned();
    for (path, id) in [("/results", &result_id), ("/lineItems", &item)] {
        let (_, total, found) = gradebook(&app, &vendor, &format!("{path}?filter=sourcedId%3D%27{id}%27")).await;
        assert_eq!(total, 1, "{path} {id}: {found}");
        let (_, total, _) = gradebook(&app, &vendor, &format!("{path}?filter=sourcedId!%3D%27{id}%27&limit=1")).await;
        assert!(total > 0, "{path}: the others");
    }
    let (status, _, one) = gradebook(&app, &vendor, &format!("/lineItems/{item}")).await;
    assert_eq!(status, 200);
    assert_conforms(&one, "lineItem", &shapes::LINE_ITEM);
    let in_section = columns.iter().filter(|c| c.section_id == section.id).count();
    let (_, total, _) = gradebook(&app, &vendor, &format!("/classes/{}/lineItems", section.external_id)).await;
    assert_eq!(total as usize, in_section);
    let of_section = results.iter().filter(|r| r.section_id == section.id).count();
    let (_, total, body) =
        gradebook(&app, &vendor, &format!("/classes/{}/results?limit=1000", section.external_id)).await;
    assert_eq!(total as usize, of_section, "{body}");
    assert_conforms(&body, "results", &shapes::RESULT);
    let named = |c: &&assessment::Model| match &c.external_id {
        Some(stored) => *stored == item,
        None => format!("emis-assessment-{}", c.id) == item,
    };
    let named = columns.iter().find(named).unwrap();
    let expected = results.iter().filter(|r| r.assessment_id == named.id).count();
    let (_, total, _) = gradebook(&app, &vendor, &format!("/lineItems/{item}/results")).await;
    assert_eq!(total as usize, expected);
    let path = format!("/classes/{}/lineItems/{item}/results", section.external_id);
    assert_eq!(gradebook(&app, &vendor, &path).await.1 as usize, expected);
    let graded_student = results.iter().find(|r| r.section_id == section.id).unwrap().student_id;
    let learner = student::Entity::find_by_id(graded_student).one(db).await.unwrap().unwrap();
    let path = format!("/classes/{}/students/{}/results", section.external_id, learner.external_id);
    let (_, total, body) = gradebook(&app, &vendor, &path).await;
    let own = results.iter().filter(|r| r.section_id == section.id && r.student_id == learner.id).count();
    assert_eq!(total as usize, own);
    assert_eq!(referenced(&body, "results", "student"), BTreeSet::from([learner.external_id.clone()]));

    // Another school's columns and classes answer like missing ones; so do the columns for a
    // vendor without the scope.
    let other = crate::grade_entry::decode("School", &school_of(&app, "hieutruong2").await);
    let theirs = section::Entity::find().filter(section::Column::SchoolId.eq(other)).one(db).await.unwrap().unwrap();
    let their_column = assessment::Entity::find().filter(assessment::Column::SchoolId.eq(other)).one(db).await.unwrap();
    let mut paths = vec![
        format!("/classes/{}/results", theirs.external_id),
        format!("/classes/{}/lineItems", theirs.external_id),
        format!("/classes/{}/lineItems/{item}/results", theirs.external_id),
        "/categories/no-such-category".to_owned(),
    ];
    if let Some(their_column) = their_column {
        paths.push(format!("/lineItems/emis-assessment-{}", their_column.id));
    }
    for path in paths {
        let (status, _, body) = gradebook(&app, &vendor, &path).await;
        assert_eq!((status, code(&body)), (404, "unknownobject"), "{path}: {body}");
    }
    let (status, _, body) = gradebook(&app, &roster, &format!("/lineItems/{item}")).await;
    assert_eq!((status, code(&body)), (404, "unknownobject"));
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_primary_sections_evaluations_are_the_results_of_its_checkpoints_line_items() {
    let app = crate::movements::spawn().await;
    let class = crate::primary_book::primary_class(&app).await;
    let school_id = class.row.school_id;
    let taught = &class.taught[0];
    let teacher = app.sign_in(&taught.teacher).await.unwrap();
    let (first, second) = (&class.students[0], &class.students[1]);
    let score = |level: &str| {
        let score = if crate::primary_book::tested(&taught.code) { json!(9) } else { Value::Null };
        json!({ "level": level, "testScore": score })
    };
    let entries = json!([
        { "studentId": first, "level": "T", "testScore": score("T")["testScore"] },
        { "studentId": second, "level": "H", "testScore": score("H")["testScore"] },
    ]);
    let recorded = app
        .data(Some(&teacher), crate::primary_book::SUBJECT, json!({ "s": taught.id, "c": "end_1", "e": entries }))
        .await
        .unwrap();
    assert_eq!(recorded["recordPrimarySubject"], 2);
    let section_id = crate::grade_entry::decode("Section", &taught.id);
    let section = section::Entity::find_by_id(section_id).one(&app.state.db).await.unwrap().unwrap();
    let item = format!("emis-checkpoint-{}-end_1", section.external_id);

    let graded = json!({ "scopes": ["roster-core.readonly", "gradebook.readonly"],
        "fieldGroups": ["school", "class", "section", "student", "result"] });
    let vendor = office_vendor(&app, school_id, "Sổ điểm tiểu học", graded).await;
    let (status, total, found) = gradebook(&app, &vendor, &format!("/lineItems?filter=sourcedId%3D%27{item}%27")).await;
    assert_eq!((status, total), (200, 1), "{found}");
    assert_conforms(&found, "lineItems", &shapes::LINE_ITEM);
    let line_item = &found["lineItems"][0];
    assert_eq!(line_item["class"]["sourcedId"], section.external_id.as_str());
    assert_eq!(line_item["category"]["sourcedId"], "emis-category-final");
    let (status, _, one) = gradebook(&app, &vendor, &format!("/lineItems/{item}")).await;
    assert_eq!((status, &one["lineItem"]["title"]), (200, &line_item["title"]));
    let (_, total, of_class) = gradebook(&app, &vendor, &format!("/classes/{}/lineItems", section.external_id)).await;
    assert!(total >= 1 && ids(&of_class, "lineItems").contains(&item));

    let (status, total, results) = gradebook(&app, &vendor, &format!("/lineItems/{item}/results")).await;
    assert_eq!((status, total), (200, 2), "{results}");
    assert_conforms(&results, "results", &shapes::RESULT);
    let levels: BTreeSet<&str> =
        results["results"].as_array().unwrap().iter().map(|r| r["textScore"].as_str().unwrap()).collect();
    assert_eq!(levels, BTreeSet::from(["H", "T"]));
    let path = format!("/classes/{}/lineItems/{item}/results", section.external_id);
    assert_eq!(gradebook(&app, &vendor, &path).await.1, 2);
    let result = results["results"][0]["sourcedId"].as_str().unwrap().to_owned();
    let (status, _, one) = gradebook(&app, &vendor, &format!("/results/{result}")).await;
    assert_eq!(status, 200, "{one}");
    assert_conforms(&one, "result", &shapes::RESULT);
    let (_, total, _) = gradebook(&app, &vendor, &format!("/results?filter=sourcedId%3D%27{result}%27")).await;
    assert_eq!(total, 1);
    // Every result of the school, scores and evaluations together, names a line item served.
    let (_, total, all) = gradebook(&app, &vendor, "/results?limit=1000").await;
    let scores = result::Entity::find().filter(result::Column::SchoolId.eq(school_id)).all(&app.state.db).await;
    assert_eq!(total as usize, scores.unwrap().len() + 2);
    let (_, _, items) = gradebook(&app, &vendor, "/lineItems?limit=1000").await;
    let item_ids: BTreeSet<String> = ids(&items, "lineItems").into_iter().collect();
    assert!(referenced(&all, "results", "lineItem").is_subset(&item_ids));

    // Without the gradebook scope, the checkpoint is unknown.
    let roster =
        json!({ "scopes": ["roster-core.readonly"], "fieldGroups": ["school", "class", "section", "student"] });
    let roster = office_vendor(&app, school_id, "Chỉ danh sách", roster).await;
    for path in [format!("/lineItems/{item}"), format!("/lineItems/{item}/results"), format!("/results/{result}")] {
        let (status, _, body) = gradebook(&app, &roster, &path).await;
        assert_eq!((status, code(&body)), (404, "unknownobject"), "{path}: {body}");
    }
    app.stop().await.unwrap();
}

/// A token of a vendor the commune office registers, with an agreement sharing school
/// `school` on `changes` to the usual terms.
async fn office_vendor(app: &TestApp, school: i64, name: &str, changes: Value) -> String {
    let officer = app.sign_in("canbo").await.unwrap();
    let made = app.data(Some(&officer), super::REGISTER, json!({ "input": { "name": name } })).await;
    let made = made.unwrap()["registerVendorClient"].clone();
    let client = made["client"]["id"].as_str().unwrap();
    let school = emis::graphql::ids::encode("School", school).0;
    let terms = super::terms(client, &school, &changes);
    app.data(Some(&officer), super::AGREE, json!({ "input": terms })).await.unwrap();
    let credentials = (made["client"]["clientId"].as_str().unwrap(), made["clientSecret"].as_str().unwrap());
    let (status, _, body) = super::token(app, Some(credentials), "grant_type=client_credentials").await;
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().unwrap().to_owned()
}
