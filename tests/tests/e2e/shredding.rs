//! Crypto-shredding at the end of retention: a student whose last enrollment ended past
//! `EMIS_KEEP_SEALED_DAYS`, a guardian whose last guardianship did, and a staff member who
//! left the service before it, lose their sealed fields — the data key is wiped, so neither the server, nor the identity file with the
//! `age` tool, opens them again — while their names and records stay and every other
//! person's values still open. A dry run counts the same and destroys nothing; 0 keeps for
//! ever.

use chrono::{Duration, Utc};
use emis::retention::{Settings, sweep};
use emis_crypto::{DataKey, ServerIdentity};
use emis_tests::TestApp;
use entity::{data_key, enrollment, guardianship, staff, staff_status_history, student};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use serde_json::json;
use std::process::Command;

const SEALED: &str = "query($id: ID!) { student(id: $id) { fullName identityNumber healthNotes } }";

/// The live and destroyed keys of `scope`.
async fn keys_of(app: &TestApp, scope: &str) -> Vec<data_key::Model> {
    data_key::Entity::find().filter(data_key::Column::Scope.eq(scope)).all(&app.state.db).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_student_long_gone_loses_their_sealed_fields_and_keeps_their_records() {
    let app = TestApp::spawn().await.unwrap();
    let db = &app.state.db;
    let token = app.sign_in("hieutruong").await.unwrap();
    let page = app.data(Some(&token), "{ students(first: 2) { nodes { id identityNumber } } }", json!({})).await;
    let page = page.unwrap();
    let (gone, staying) = (page["students"]["nodes"][0]["id"].clone(), page["students"]["nodes"][1]["id"].clone());
    let gone_id = super::grade_entry::decode("Student", gone.as_str().unwrap());
    let before = app.data(Some(&token), SEALED, json!({ "id": gone })).await.unwrap();
    assert!(before["student"]["identityNumber"].is_string());
    let staying_before = app.data(Some(&token), SEALED, json!({ "id": staying })).await.unwrap();

    // The student left six years ago, and so did the links of one of their guardians.
    let long_ago = (Utc::now() - Duration::days(6 * 365)).date_naive();
    enrollment::Entity::update_many()
        .col_expr(enrollment::Column::EndsOn, Expr::value(long_ago))
        .filter(enrollment::Column::StudentId.eq(gone_id))
        .exec(db)
        .await
        .unwrap();
    let link = guardianship::Entity::find().filter(guardianship::Column::StudentId.eq(gone_id)).one(db).await;
    let guardian = link.unwrap().unwrap().guardian_id;
    guardianship::Entity::update_many()
        .col_expr(guardianship::Column::EndsOn, Expr::value(long_ago))
        .filter(guardianship::Column::GuardianId.eq(guardian))
        .exec(db)
        .await
        .unwrap();
    // A staff member left six years ago; another left today and is kept.
    let school_staff = staff::Entity::find().filter(staff::Column::Username.ne("hieutruong")).all(db).await.unwrap();
    let (left_long_ago, left_today) = (&school_staff[0], &school_staff[1]);
    for (person, on) in [(left_long_ago, long_ago), (left_today, Utc::now().date_naive())] {
        staff::Entity::update_many()
            .col_expr(staff::Column::Status, Expr::value("left"))
            .filter(staff::Column::Id.eq(person.id))
            .exec(db)
            .await
            .unwrap();
        let change = staff_status_history::ActiveModel {
            staff_id: Set(person.id),
            school_id: Set(person.school_id),
            status: Set("left".to_owned()),
            effective_from: Set(on),
            recorded_at: Set(Utc::now()),
            ..Default::default()
        };
        staff_status_history::Entity::insert(change).exec(db).await.unwrap();
    }
    let scope = format!("student:{gone_id}");
    let wrapped = keys_of(&app, &scope).await[0].wrapped.clone();

    let forever = Settings { sealed_days: 0, ..Settings::default() };
    assert_eq!(sweep(db, &app.state.attachments, &forever, Utc::now(), false).await.unwrap().shredded, 0);
    let settings = Settings::default();
    let dry = sweep(db, &app.state.attachments, &settings, Utc::now(), true).await.unwrap();
    assert_eq!(dry.shredded, 3, "the student, the guardian and the staff member long gone");
    assert!(keys_of(&app, &scope).await[0].destroyed_at.is_none(), "a dry run destroys nothing");
    let done = sweep(db, &app.state.attachments, &settings, Utc::now(), false).await.unwrap();
    assert_eq!(done.shredded, 3);
    assert_eq!(sweep(db, &app.state.attachments, &settings, Utc::now(), false).await.unwrap().shredded, 0);
    app.state.vault.forget_destroyed(db).await.unwrap();

    let keys = keys_of(&app, &scope).await;
    assert!(keys.iter().all(|key| key.destroyed_at.is_some() && key.wrapped.is_empty()));
    let guardian_keys = keys_of(&app, &format!("guardian:{guardian}")).await;
    assert!(!guardian_keys.is_empty() && guardian_keys.iter().all(|key| key.wrapped.is_empty()));
    let staff_keys = keys_of(&app, &format!("staff:{}", left_long_ago.id)).await;
    assert!(!staff_keys.is_empty() && staff_keys.iter().all(|key| key.wrapped.is_empty()));
    let kept_keys = keys_of(&app, &format!("staff:{}", left_today.id)).await;
    assert!(kept_keys.iter().all(|key| key.destroyed_at.is_none()), "who left today keeps their fields");
    let row = student::Entity::find_by_id(gone_id).one(db).await.unwrap().unwrap();
    assert!(row.identity_no_blind.is_none(), "the identity number can no longer be looked up either");

    let after = app.data(Some(&token), SEALED, json!({ "id": gone })).await.unwrap();
    assert_eq!(after["student"]["fullName"], before["student"]["fullName"], "the record stays");
    assert!(after["student"]["identityNumber"].is_null() && after["student"]["healthNotes"].is_null(), "{after}");
    let staying_after = app.data(Some(&token), SEALED, json!({ "id": staying })).await.unwrap();
    assert_eq!(staying_after, staying_before, "everyone else's values still open");

    // Not even the identity file opens the key now: the stored bytes are gone, and the bytes
    // wrapped before the shredding are what a backup would hold.
    let identity = ServerIdentity::from_file(&app.database.dir().join("identity.txt")).unwrap();
    assert!(DataKey::unwrap(&keys[0].wrapped, &identity).is_err());
    assert!(DataKey::unwrap(&wrapped, &identity).is_ok(), "the test's own copy of the old bytes still opened");
    if Command::new("age").arg("--version").output().is_ok() {
        let path = app.database.dir().join("shredded.age");
        std::fs::write(&path, &keys[0].wrapped).unwrap();
        let identity_file = app.database.dir().join("identity.txt");
        let out = Command::new("age").arg("-d").arg("-i").arg(&identity_file).arg(&path).output().unwrap();
        assert!(!out.status.success(), "age opens nothing of a shredded key");
    }
    app.stop().await.unwrap();
}
