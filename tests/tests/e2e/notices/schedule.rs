//! Scheduled publishing: a notice with a publishing time is seen by no family (and no staff
//! member but its author) before then; when the time comes it is delivered to those in its
//! class at that time — a student who joined since included, one who left since not.

use super::{NOTICE, PUBLISH, feed, stored};
use crate::grade_entry::decode;
use crate::movements::{MOVE, other_class, spawn};
use crate::roll_call::{guardian_of, homeroom_class, homeroom_teacher_of, today};
use chrono::{Duration, Utc};
use emis::graphql::ids::encode;
use emis_tests::error_code;
use entity::{notice, notice_delivery};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use serde_json::{Value, json};
use std::collections::BTreeSet;

const SCHEDULED: &str = "mutation($input: PublishNoticeInput!) {
    publishNotice(input: $input) { id scheduled publishedAt readBy { unread } } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduled_notice_is_unseen_before_its_time_then_reaches_the_class_as_it_is_then() {
    let app = spawn().await;
    let principal = app.sign_in("hieutruong").await.unwrap();
    let homeroom = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &homeroom).await;
    let other = other_class(&app, decode("Class", &class.id), true).await;
    let other_homeroom = app.sign_in(&homeroom_teacher_of(&app, other.id).await).await.unwrap();
    let newcomer = homeroom_class(&app, &other_homeroom).await.students[0].clone();
    let leaver = class.students[0].clone();
    let family = app.sign_in(&guardian_of(&app, &class.students[1]).await).await.unwrap();

    let input = |at: chrono::DateTime<Utc>| {
        json!({ "input": { "kind": "notice", "title": "Nghỉ lễ", "body": "Trường nghỉ.", "classId": class.id,
            "publishAt": at.to_rfc3339() } })
    };
    let past = app.graphql(Some(&principal), PUBLISH, input(Utc::now() - Duration::minutes(1))).await.unwrap();
    assert_eq!(error_code(&past), Some("BAD_USER_INPUT"), "{past}");
    assert_eq!(stored(&app).await, (0, 0), "nothing written");

    let scheduled = app.data(Some(&principal), SCHEDULED, input(Utc::now() + Duration::hours(1))).await.unwrap();
    let scheduled = &scheduled["publishNotice"];
    assert_eq!((&scheduled["scheduled"], &scheduled["readBy"]["unread"]), (&json!(true), &json!(0)), "{scheduled}");
    let id = scheduled["id"].as_str().unwrap().to_owned();
    assert_eq!(stored(&app).await, (1, 0), "no delivery before its time");
    assert!(feed(&app, &family).await.is_empty(), "no family sees it before its time");
    for outsider in [&family, &homeroom] {
        let seen = app.data(Some(outsider), NOTICE, json!({ "id": id })).await.unwrap();
        assert_eq!(seen["notice"], Value::Null, "{seen}");
    }
    let own = app.data(Some(&principal), NOTICE, json!({ "id": id })).await.unwrap();
    assert_eq!(own["notice"]["id"], json!(id), "its author sees it");

    // Before its time, one student leaves the class and another joins it.
    let moves = [(leaver.clone(), encode("Class", other.id).0), (newcomer.clone(), class.id.clone())];
    for (student, to) in moves {
        app.data(Some(&principal), MOVE, json!({ "s": student, "c": to, "on": today() })).await.unwrap();
    }
    // Nothing is due yet; then its time comes.
    assert_eq!(emis::family::schedule::release_due(&app.state.db, &app.state.policy, Utc::now()).await.unwrap(), 0);
    let due = Utc::now() - Duration::seconds(1);
    notice::Entity::update_many()
        .col_expr(notice::Column::ScheduledFor, Expr::value(due))
        .col_expr(notice::Column::PublishedAt, Expr::value(due))
        .filter(notice::Column::Id.eq(decode("Notice", &id)))
        .exec(&app.state.db)
        .await
        .unwrap();
    emis::family::schedule::release_due(&app.state.db, &app.state.policy, Utc::now()).await.unwrap();
    assert_eq!(
        emis::family::schedule::release_due(&app.state.db, &app.state.policy, Utc::now()).await.unwrap(),
        0,
        "released once"
    );

    let reached: BTreeSet<String> = notice_delivery::Entity::find()
        .filter(notice_delivery::Column::NoticeId.eq(decode("Notice", &id)))
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| encode("Student", row.student_id).0)
        .collect();
    let mut expected: BTreeSet<String> = class.students[1..].iter().cloned().collect();
    expected.insert(newcomer);
    assert_eq!(reached, expected, "the class as it was at its time");
    assert_eq!(feed(&app, &family).await[0]["id"], json!(id));
    let seen = app.data(Some(&homeroom), "query($id: ID!) { notice(id: $id) { scheduled } }", json!({ "id": id }));
    assert_eq!(seen.await.unwrap()["notice"]["scheduled"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduled_notice_whose_author_may_no_longer_publish_it_is_withdrawn_at_its_time() {
    let app = spawn().await;
    let homeroom = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &homeroom).await;
    let family = app.sign_in(&guardian_of(&app, &class.students[0]).await).await.unwrap();
    let at = Utc::now() + Duration::hours(1);
    let input = json!({ "input": { "kind": "notice", "title": "Dã ngoại", "body": "Thứ Sáu.", "classId": class.id,
        "publishAt": at.to_rfc3339() } });
    let scheduled = app.data(Some(&homeroom), SCHEDULED, input).await.unwrap();
    let id = decode("Notice", scheduled["publishNotice"]["id"].as_str().unwrap());
    // Before its time, the teacher stops being the class's homeroom teacher.
    let yesterday = emis::clock::today().pred_opt().unwrap();
    entity::teaching_assignment::Entity::update_many()
        .col_expr(entity::teaching_assignment::Column::EndsOn, Expr::value(yesterday))
        .filter(entity::teaching_assignment::Column::ClassId.eq(decode("Class", &class.id)))
        .filter(entity::teaching_assignment::Column::Kind.eq("homeroom"))
        .exec(&app.state.db)
        .await
        .unwrap();
    let due = Utc::now() - Duration::seconds(1);
    notice::Entity::update_many()
        .col_expr(notice::Column::ScheduledFor, Expr::value(due))
        .filter(notice::Column::Id.eq(id))
        .exec(&app.state.db)
        .await
        .unwrap();
    let released = emis::family::schedule::release_due(&app.state.db, &app.state.policy, Utc::now()).await.unwrap();
    assert_eq!(released, 1);
    let row = notice::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap();
    assert!(row.withdrawn_at.is_some() && row.scheduled_for.is_none(), "withdrawn at its time: {row:?}");
    let delivered = notice_delivery::Entity::find().filter(notice_delivery::Column::NoticeId.eq(id)).all(&app.state.db);
    assert!(delivered.await.unwrap().is_empty(), "delivered to no one");
    assert!(feed(&app, &family).await.is_empty());
    app.stop().await.unwrap();
}
