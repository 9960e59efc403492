//! Leave requests stay within the child's enrollment in one class: a guardian asks only for
//! days the child spends in one class, at most two weeks back, and accepting a request
//! excuses only the absences its class recorded while the child was enrolled there, and only
//! those the decider may write — an absence recorded in the class the child left stays as it
//! is.

use super::world::students_of;
use crate::grade_entry::decode;
use crate::movements::{MOVE, other_class, spawn};
use crate::roll_call::{ROLL_CALL, guardian_of, homeroom_class, homeroom_teacher_of};
use emis::graphql::ids::encode;
use emis_tests::{TestApp, error_code};
use entity::{attendance, guardianship, leave_request};
use sea_orm::{ActiveValue::Set, ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use serde_json::json;

const REQUEST: &str = "mutation($s: ID!, $from: NaiveDate!, $to: NaiveDate!) {
    requestLeave(studentId: $s, from: $from, to: $to, reason: \"Ốm\") { id } }";
const DECIDE: &str = "mutation($id: ID!) { decideLeave(requestId: $id, accept: true) { status } }";

/// The day `days` before today.
pub(crate) fn days_ago(days: i64) -> chrono::NaiveDate {
    emis::clock::today() - chrono::Duration::days(days)
}

/// Marks `student` unexcused in `class`'s morning roll call of `date`, as `token`.
async fn absent(app: &TestApp, token: &str, class: &str, student: &str, date: chrono::NaiveDate) {
    let marks = json!([{ "studentId": student, "status": "unexcused" }]);
    let vars = json!({ "class": class, "date": date, "session": "morning", "marks": marks });
    let body = app.graphql(Some(token), ROLL_CALL, vars).await.unwrap();
    assert!(body.get("errors").is_none(), "{body}");
}

/// The student's morning status on `date`, as stored.
async fn stored(app: &TestApp, student: &str, date: chrono::NaiveDate) -> String {
    let row = attendance::Entity::find()
        .filter(attendance::Column::StudentId.eq(decode("Student", student)))
        .filter(attendance::Column::Date.eq(date))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    row.status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leave_request_stays_within_the_class_and_excuses_nothing_the_class_did_not_record() {
    let app = spawn().await;
    let principal = app.sign_in("hieutruong").await.unwrap();
    let old_homeroom = app.sign_in("gvcn").await.unwrap();
    let old = homeroom_class(&app, &old_homeroom).await;
    let child = old.students[0].clone();
    let new = other_class(&app, decode("Class", &old.id), true).await;
    let new_homeroom = app.sign_in(&homeroom_teacher_of(&app, new.id).await).await.unwrap();
    let yesterday = days_ago(1);
    absent(&app, &old_homeroom, &old.id, &child, yesterday).await;
    let vars = json!({ "s": child, "c": encode("Class", new.id), "on": days_ago(0) });
    app.data(Some(&principal), MOVE, vars).await.unwrap();
    assert!(students_of(&app, new.id).await.contains(&child));
    absent(&app, &new_homeroom, &encode("Class", new.id).0, &child, days_ago(0)).await;

    // The guardian asks for days in one class only, and not from long ago.
    let guardian = app.sign_in(&guardian_of(&app, &child).await).await.unwrap();
    let across = app.graphql(Some(&guardian), REQUEST, json!({ "s": child, "from": yesterday, "to": days_ago(0) }));
    let across = across.await.unwrap();
    assert_eq!(error_code(&across), Some("BAD_USER_INPUT"), "two classes in one request: {across}");
    let long_ago = json!({ "s": child, "from": days_ago(15), "to": days_ago(15) });
    let refused = app.graphql(Some(&guardian), REQUEST, long_ago).await.unwrap();
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "more than two weeks back: {refused}");
    assert!(refused["errors"][0]["message"].as_str().unwrap().contains("14 days"), "{refused}");
    let today = json!({ "s": child, "from": days_ago(0), "to": days_ago(0) });
    app.data(Some(&guardian), REQUEST, today).await.unwrap();

    // A request kept from before these limits, for the new class over both days: accepting
    // it excuses the new class's absence, not the one the old class recorded.
    let link = guardianship::Entity::find()
        .filter(guardianship::Column::StudentId.eq(decode("Student", &child)))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let kept = leave_request::ActiveModel {
        school_id: Set(new.school_id),
        student_id: Set(decode("Student", &child)),
        class_id: Set(new.id),
        guardian_id: Set(link.guardian_id),
        from_date: Set(yesterday),
        to_date: Set(days_ago(0)),
        sessions: Set("all".to_owned()),
        reason: Set("Ốm".to_owned()),
        status: Set("pending".to_owned()),
        submitted_at: Set(chrono::Utc::now()),
        decided_by_id: Set(None),
        decided_at: Set(None),
        decision_note: Set(None),
        ..Default::default()
    };
    let id = leave_request::Entity::insert(kept).exec(&app.state.db).await.unwrap().last_insert_id;
    let decided = app.data(Some(&new_homeroom), DECIDE, json!({ "id": encode("LeaveRequest", id) })).await.unwrap();
    assert_eq!(decided["decideLeave"]["status"], "accepted");
    assert_eq!(stored(&app, &child, days_ago(0)).await, "excused");
    assert_eq!(stored(&app, &child, yesterday).await, "unexcused", "the old class's absence stays as it is");
    app.stop().await.unwrap();
}
