//! A write works only on stored rows the policy lets the writer act on. When the rows a
//! write would change include one the policy hides from the writer — here a conduct level
//! another class of the school set for a student of the writer's class — the write is
//! refused exactly like one on a record out of reach, and nothing is written: neither over
//! the hidden row nor a second row beside it.

use crate::grade_entry::decode;
use emis::graphql::ids::encode;
use emis_tests::TestApp;
use entity::{conduct, homeroom_class, staff};
use sea_orm::{ActiveValue::Set, ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use serde_json::json;

const CONDUCT: &str = "mutation($class: ID!, $semester: ID!, $entries: [ConductInput!]!) {
    recordConduct(classId: $class, semesterId: $semester, entries: $entries) { changed } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_over_a_row_the_policy_hides_answers_like_a_record_out_of_reach() {
    let app = TestApp::spawn().await.unwrap();
    let db = &app.state.db;
    let teacher = app.sign_in("gvcn").await.unwrap();
    let query = "{ me { homeroomClasses { id students { id } sections { assessments { semesterId } } } } }";
    let data = app.data(Some(&teacher), query, json!({})).await.unwrap();
    let class = &data["me"]["homeroomClasses"][0];
    let (class_id, pupil) = (class["id"].as_str().unwrap(), class["students"][0]["id"].as_str().unwrap());
    let semester = class["sections"][0]["assessments"][0]["semesterId"].as_str().unwrap();
    let mine = homeroom_class::Entity::find_by_id(decode("Class", class_id)).one(db).await.unwrap().unwrap();
    let homerooms = data["me"]["homeroomClasses"].as_array().unwrap();
    let homerooms = homerooms.iter().map(|class| decode("Class", class["id"].as_str().unwrap()));
    let other = homeroom_class::Entity::find()
        .filter(homeroom_class::Column::SchoolId.eq(mine.school_id))
        .filter(homeroom_class::Column::SchoolYearId.eq(mine.school_year_id))
        .filter(homeroom_class::Column::Id.is_not_in(homerooms))
        .one(db)
        .await
        .unwrap()
        .expect("another class of the school and year");
    let someone = staff::Entity::find().one(db).await.unwrap().unwrap();
    let hidden = conduct::ActiveModel {
        school_id: Set(mine.school_id),
        student_id: Set(decode("Student", pupil)),
        class_id: Set(other.id),
        semester_id: Set(decode("Semester", semester)),
        level: Set("kha".to_owned()),
        comment: Set(None),
        version: Set(1),
        updated_by_id: Set(someone.id),
        updated_at: Set(chrono::Utc::now()),
        ..Default::default()
    };
    let hidden = conduct::Entity::insert(hidden).exec(db).await.unwrap().last_insert_id;
    let before = conduct::Entity::find().all(db).await.unwrap();

    let call = |class: &str, version: Option<i32>| {
        let entries = json!([{ "studentId": pupil, "level": "tot", "version": version }]);
        app.graphql(Some(&teacher), CONDUCT, json!({ "class": class, "semester": semester, "entries": entries }))
    };
    let missing = call(&encode("Class", 987_654).0, Some(1)).await.unwrap();
    for version in [Some(1), None] {
        let answer = call(class_id, version).await.unwrap();
        assert_eq!(answer, missing, "a write over a hidden row (read at {version:?}) answers like a missing class");
    }
    assert_eq!(conduct::Entity::find().all(db).await.unwrap(), before, "nothing was written");
    let kept = conduct::Entity::find_by_id(hidden).one(db).await.unwrap().unwrap();
    assert_eq!((kept.level.as_str(), kept.class_id), ("kha", other.id), "the hidden row is as it was");
    app.stop().await.unwrap();
}
