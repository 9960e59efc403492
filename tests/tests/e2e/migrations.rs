//! The newest migration can be undone and done again on a live database, keeping the rows
//! both versions can hold: an operator rolling back a release loses only what the newer
//! version alone could record. The newest (000045) adds the announcements of what must reach
//! every instance (triggers on PostgreSQL) and an index: undone and redone, each is there
//! once and no row is lost.

use emis_tests::TestApp;
use entity::{auth_session, subject_request};
use migration::MigratorTrait as _;
use sea_orm::{ConnectionTrait as _, DbBackend, EntityTrait as _, Statement};
use serde_json::json;

/// The triggers and indexes the newest migration creates, by name.
async fn created(app: &TestApp) -> Vec<String> {
    let db = &app.state.db;
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => {
            "SELECT tgname AS name FROM pg_trigger WHERE tgname LIKE 'emis_signal%' \
             UNION ALL SELECT indexname FROM pg_indexes WHERE indexname = 'ix_auth_session_revoked_at' ORDER BY 1"
        }
        _ => "SELECT name FROM sqlite_master WHERE name = 'ix_auth_session_revoked_at' ORDER BY 1",
    };
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
    rows.iter().map(|row| row.try_get::<String>("", "name").unwrap()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_newest_migration_is_undone_and_redone_keeping_what_both_versions_hold() {
    let app = TestApp::spawn().await.unwrap();
    let db = &app.state.db;
    let teacher = app.sign_in("gvbm").await.unwrap();
    let ask = "mutation($k: String!) { askSubjectRequest(kind: $k) { id } }";
    app.data(Some(&teacher), ask, json!({ "k": "access" })).await.unwrap();
    app.data(Some(&teacher), "mutation { signOut }", json!({})).await.unwrap();
    let requests = subject_request::Entity::find().all(db).await.unwrap();
    let sessions = auth_session::Entity::find().all(db).await.unwrap();
    let made = created(&app).await;
    let expected = if db.get_database_backend() == DbBackend::Postgres { 6 } else { 1 };
    assert_eq!(made.len(), expected, "{made:?}");

    for _ in 0..2 {
        migration::Migrator::down(db, Some(1)).await.unwrap();
        assert!(created(&app).await.is_empty(), "undone");
        migration::Migrator::up(db, None).await.unwrap();
    }
    assert_eq!(created(&app).await, made, "redone once each");
    assert_eq!(subject_request::Entity::find().all(db).await.unwrap(), requests);
    assert_eq!(auth_session::Entity::find().all(db).await.unwrap(), sessions);
    app.stop().await.unwrap();
}
