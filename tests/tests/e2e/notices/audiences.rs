//! Audiences besides a school and a class: a grade's notice reaches the classes of that
//! grade only, a notice to chosen students only their families (each student reachable, or
//! nothing is written), and a notice to the staff only the school's staff.

use super::{FEED, PUBLISH, families_outside, feed, principal_elsewhere, stored};
use crate::grade_entry::decode;
use crate::movements::{other_class, spawn};
use crate::roll_call::{guardian_of, homeroom_class, homeroom_teacher_of};
use emis::graphql::ids::encode;
use emis_tests::{TestApp, error_code};
use entity::{homeroom_class as class, notice_delivery, notice_staff_delivery, staff};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Publishes `input` (kind, title and body added) as `token`: the whole answer.
async fn publish_to(app: &TestApp, token: &str, input: Value) -> Value {
    let mut input = input;
    input["kind"] = json!("notice");
    input["title"] = json!("Lịch thi học kỳ");
    input["body"] = json!("Xem lịch đính kèm.");
    app.graphql(Some(token), PUBLISH, json!({ "input": input })).await.unwrap()
}

/// The students (or staff) notice `id` was delivered to, with their class.
async fn delivered(app: &TestApp, id: &str) -> BTreeSet<(i64, i64)> {
    let rows = notice_delivery::Entity::find()
        .filter(notice_delivery::Column::NoticeId.eq(decode("Notice", id)))
        .all(&app.state.db)
        .await
        .unwrap();
    rows.into_iter().map(|row| (row.student_id, row.class_id)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grade_notice_reaches_the_classes_of_the_grade_and_a_students_notice_only_those_students() {
    let app = spawn().await;
    let principal = app.sign_in("hieutruong").await.unwrap();
    let homeroom = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &homeroom).await;
    let class_id = decode("Class", &class.id);
    let row = class::Entity::find_by_id(class_id).one(&app.state.db).await.unwrap().unwrap();
    let sibling = other_class(&app, class_id, true).await;
    let elder = other_class(&app, class_id, false).await;
    let elder_teacher = app.sign_in(&homeroom_teacher_of(&app, elder.id).await).await.unwrap();
    let elder_students = homeroom_class(&app, &elder_teacher).await.students;

    let published = publish_to(&app, &principal, json!({ "audience": "grade", "gradeLevel": row.grade_level })).await;
    let notice = &published["data"]["publishNotice"];
    assert_eq!(notice["audience"], "grade", "{published}");
    let id = notice["id"].as_str().unwrap().to_owned();
    let classes: BTreeSet<i64> = delivered(&app, &id).await.into_iter().map(|(_, class)| class).collect();
    assert!(classes.contains(&class_id) && classes.contains(&sibling.id), "{classes:?}");
    assert!(!classes.contains(&elder.id), "not another grade's class");
    let grade_classes: Vec<i64> = class::Entity::find()
        .filter(class::Column::GradeLevel.eq(row.grade_level))
        .filter(class::Column::SchoolId.eq(row.school_id))
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|class| class.id)
        .collect();
    assert!(classes.iter().all(|class| grade_classes.contains(class)), "{classes:?}");
    let family = app.sign_in(&guardian_of(&app, &class.students[0]).await).await.unwrap();
    assert!(feed(&app, &family).await.iter().any(|seen| seen["id"] == json!(id)));
    let sibling_teacher = app.sign_in(&homeroom_teacher_of(&app, sibling.id).await).await.unwrap();
    let mut in_grade = homeroom_class(&app, &sibling_teacher).await.students;
    in_grade.extend(class.students.iter().cloned());
    let (_, outside) = families_outside(&app, &elder_students, &in_grade).await[0].clone();
    assert!(feed(&app, &outside).await.is_empty(), "a family with no child in the grade does not see it");

    // A homeroom teacher reaches no grade; a grade out of range is refused; nothing written.
    let before = stored(&app).await;
    let absent = publish_to(&app, &homeroom, json!({ "classId": encode("Class", 9_999_999) })).await;
    let refused = publish_to(&app, &homeroom, json!({ "audience": "grade", "gradeLevel": row.grade_level })).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    assert_eq!(refused["errors"][0]["message"], absent["errors"][0]["message"]);
    let beyond = publish_to(&app, &principal, json!({ "audience": "grade", "gradeLevel": 13 })).await;
    assert_eq!(error_code(&beyond), Some("BAD_USER_INPUT"), "{beyond}");
    assert_eq!(stored(&app).await, before, "nothing written");

    // Chosen students: exactly their families, each reachable by the caller.
    let chosen = json!([class.students[0], class.students[1]]);
    let published = publish_to(&app, &homeroom, json!({ "audience": "students", "studentIds": chosen })).await;
    let id = published["data"]["publishNotice"]["id"].as_str().expect("published").to_owned();
    let expected: BTreeSet<(i64, i64)> =
        class.students[..2].iter().map(|student| (decode("Student", student), class_id)).collect();
    assert_eq!(delivered(&app, &id).await, expected);
    assert!(feed(&app, &family).await.iter().any(|seen| seen["id"] == json!(id)));

    let before = stored(&app).await;
    let school = row.school_id;
    let stranger = app.sign_in(&principal_elsewhere(&app, school).await).await.unwrap();
    let missing = encode("Student", 9_999_999).0;
    let attempts = [
        (&homeroom, json!([class.students[0], elder_students[0]])),
        (&homeroom, json!([class.students[0], missing])),
        (&homeroom, json!([class.students[0], class.id])),
        (&stranger, json!([class.students[0]])),
        (&family, json!([class.students[0]])),
    ];
    for (token, students) in attempts {
        let refused = publish_to(&app, token, json!({ "audience": "students", "studentIds": students })).await;
        assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
        assert_eq!(refused["errors"][0]["message"], absent["errors"][0]["message"]);
    }
    let empty = publish_to(&app, &homeroom, json!({ "audience": "students", "studentIds": [] })).await;
    assert_eq!(error_code(&empty), Some("BAD_USER_INPUT"), "{empty}");
    assert_eq!(stored(&app).await, before, "nothing written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_staff_notice_reaches_the_schools_staff_only() {
    let app = spawn().await;
    let principal = app.sign_in("hieutruong").await.unwrap();
    let homeroom = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &homeroom).await;
    let family = app.sign_in(&guardian_of(&app, &class.students[0]).await).await.unwrap();
    let me = staff::Entity::find().filter(staff::Column::Username.eq("hieutruong")).one(&app.state.db).await.unwrap();
    let school = me.unwrap().school_id;
    let stranger = app.sign_in(&principal_elsewhere(&app, school).await).await.unwrap();

    let absent = publish_to(&app, &homeroom, json!({ "classId": encode("Class", 9_999_999) })).await;
    let refused = publish_to(&app, &homeroom, json!({ "audience": "staff" })).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    assert_eq!(refused["errors"][0]["message"], absent["errors"][0]["message"]);
    let mixed = publish_to(&app, &principal, json!({ "audience": "staff", "classId": class.id })).await;
    assert_eq!(error_code(&mixed), Some("BAD_USER_INPUT"), "{mixed}");

    let published = publish_to(&app, &principal, json!({ "audience": "staff" })).await;
    let id = published["data"]["publishNotice"]["id"].as_str().expect("published").to_owned();
    assert_eq!(published["data"]["publishNotice"]["readBy"], json!({ "read": 0, "unread": 0 }), "no family");
    let reached: BTreeSet<i64> = notice_staff_delivery::Entity::find()
        .filter(notice_staff_delivery::Column::NoticeId.eq(decode("Notice", &id)))
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.staff_id)
        .collect();
    let working: BTreeSet<i64> = staff::Entity::find()
        .filter(staff::Column::SchoolId.eq(school))
        .filter(staff::Column::Status.eq("active"))
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.id)
        .collect();
    assert_eq!(reached, working, "everyone working at the school, no one else");
    assert!(delivered(&app, &id).await.is_empty(), "no family");

    let colleague = app.data(Some(&homeroom), FEED, json!({})).await.unwrap();
    assert_eq!(colleague["me"]["notices"][0]["id"], json!(id), "{colleague}");
    assert!(feed(&app, &family).await.is_empty(), "a family does not see it");
    assert!(feed(&app, &stranger).await.is_empty(), "another school's staff does not see it");
    let lookup = "query($id: ID!) { notice(id: $id) { id audience } }";
    for outsider in [&family, &stranger] {
        let seen = app.data(Some(outsider), lookup, json!({ "id": id })).await.unwrap();
        assert_eq!(seen["notice"], Value::Null, "{seen}");
    }
    let seen = app.data(Some(&homeroom), lookup, json!({ "id": id })).await.unwrap();
    assert_eq!(seen["notice"]["audience"], "staff");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_district_officer_reaches_the_families_of_every_school_of_the_office_and_no_other() {
    use emis::auth::{Account, Principal};
    use entity::{enrollment, guardianship};
    let app = spawn().await;
    let db = &app.state.db;
    let officer = app.sign_in("canbo").await.unwrap();
    let principal = app.sign_in("hieutruong").await.unwrap();
    let before = stored(&app).await;
    // The officer writes to the office's schools only, never to one school or class directly;
    // a principal has no office to write through.
    for (token, input) in [
        (&officer, json!({ "audience": "school" })),
        (&officer, json!({ "audience": "staff" })),
        (&principal, json!({ "audience": "schools" })),
    ] {
        let refused = publish_to(&app, token, input).await;
        assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    }
    let wrong = publish_to(&app, &officer, json!({ "audience": "schools", "gradeLevel": 6 })).await;
    assert_eq!(error_code(&wrong), Some("BAD_USER_INPUT"));
    assert_eq!(stored(&app).await, before, "nothing written");

    // One school leaves the office's oversight (its link ended yesterday).
    let last = entity::org::Entity::find()
        .filter(entity::org::Column::Kind.eq("school"))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|org| org.id)
        .max()
        .unwrap();
    let yesterday = emis::clock::today().pred_opt().unwrap();
    entity::org_parent::Entity::update_many()
        .col_expr(entity::org_parent::Column::ValidTo, sea_orm::sea_query::Expr::value(yesterday))
        .filter(entity::org_parent::Column::OrgId.eq(last))
        .exec(db)
        .await
        .unwrap();
    let published = publish_to(&app, &officer, json!({ "audience": "schools" })).await;
    assert!(published["errors"].is_null(), "{published}");
    let id = published["data"]["publishNotice"]["id"].as_str().unwrap().to_owned();
    assert_eq!(published["data"]["publishNotice"]["audience"], "schools");
    let staff = staff::Entity::find().filter(staff::Column::Username.eq("canbo")).one(db).await;
    let me = Principal::load(db, Account::Staff(staff.unwrap().unwrap().id), None, emis::clock::today()).await;
    let overseen = me.unwrap().unwrap().overseen_schools;
    assert!(overseen.len() >= 2, "the office oversees several schools");
    let today = emis::clock::today();
    let enrolled: Vec<enrollment::Model> = enrollment::Entity::find()
        .filter(emis::auth::principal::active_on(enrollment::Column::StartsOn, enrollment::Column::EndsOn, today))
        .all(db)
        .await
        .unwrap();
    let expected: BTreeSet<(i64, i64)> = enrolled
        .iter()
        .filter(|stay| overseen.contains(&stay.school_id))
        .map(|stay| (stay.student_id, stay.class_id))
        .collect();
    assert_eq!(delivered(&app, &id).await, expected, "every student of every school of the office, once");
    let schools: BTreeSet<i64> = notice_delivery::Entity::find()
        .filter(notice_delivery::Column::NoticeId.eq(decode("Notice", &id)))
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|delivery| delivery.school_id)
        .collect();
    assert_eq!(&schools, &overseen, "each delivery kept at its own school");
    // A family of each school reads it; a family of a school outside the office does not.
    for school in &overseen {
        let stay = enrolled.iter().find(|stay| stay.school_id == *school).unwrap();
        let link = guardianship::Entity::find().filter(guardianship::Column::StudentId.eq(stay.student_id));
        let guardian = entity::guardian::Entity::find_by_id(link.one(db).await.unwrap().unwrap().guardian_id);
        let username = guardian.one(db).await.unwrap().unwrap().username.unwrap();
        let token = app.sign_in(&username).await.unwrap();
        assert!(feed(&app, &token).await.iter().any(|n| n["id"] == json!(id)), "school {school}");
    }
    assert!(!overseen.contains(&last));
    let outside = enrolled.iter().find(|stay| stay.school_id == last).expect("a student of the school that left");
    let student = encode("Student", outside.student_id).0;
    let token = app.sign_in(&guardian_of(&app, &student).await).await.unwrap();
    assert!(feed(&app, &token).await.iter().all(|n| n["id"] != json!(id)), "outside the office");
    app.stop().await.unwrap();
}
