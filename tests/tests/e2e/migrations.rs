//! The newest migration can be undone and done again on a live database, keeping the rows
//! both versions can hold: an operator rolling back a release loses only what the newer
//! version alone could record (here, staff members' requests about themselves).

use crate::roll_call::guardian_of;
use emis::graphql::ids::encode;
use emis_tests::TestApp;
use entity::{student, subject_request};
use migration::MigratorTrait as _;
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_newest_migration_is_undone_and_redone_keeping_what_both_versions_hold() {
    let app = TestApp::spawn().await.unwrap();
    let db = &app.state.db;
    let child = student::Entity::find().filter(student::Column::Username.eq("hocsinh")).one(db).await.unwrap().unwrap();
    let child_id = encode("Student", child.id).0;
    let guardian = app.sign_in(&guardian_of(&app, &child_id).await).await.unwrap();
    let ask = "mutation($s: ID, $k: String!) { askSubjectRequest(studentId: $s, kind: $k) { id } }";
    app.data(Some(&guardian), ask, json!({ "s": child_id, "k": "access" })).await.unwrap();
    let teacher = app.sign_in("gvbm").await.unwrap();
    app.data(Some(&teacher), ask, json!({ "k": "access" })).await.unwrap();
    let before = subject_request::Entity::find().all(db).await.unwrap();
    assert_eq!(before.len(), 2);

    for _ in 0..2 {
        migration::Migrator::down(db, Some(1)).await.unwrap();
        migration::Migrator::up(db, None).await.unwrap();
    }
    let after = subject_request::Entity::find().all(db).await.unwrap();
    let kept: Vec<_> = before.into_iter().filter(|request| request.student_id.is_some()).collect();
    assert_eq!(after, kept, "the child's request survives; the staff member's needs the newer version");
    app.stop().await.unwrap();
}
