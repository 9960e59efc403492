//! The newest migrations can be undone and done again on a live database, keeping the rows
//! both versions can hold: an operator rolling back a release loses only what the newer
//! version alone could record. The newest two: 000046 adds where a session's last write
//! ended in the primary's log (reads from replicas), 000045 the announcements of what must
//! reach every instance (triggers on PostgreSQL) and an index. Undone and redone twice, each
//! is gone and then back once, and no row is lost.

use emis_tests::TestApp;
use entity::{auth_session, subject_request};
use migration::MigratorTrait as _;
use sea_orm::{ConnectionTrait as _, DbBackend, EntityTrait as _, Statement};
use serde_json::json;

/// The column, triggers and index the two newest migrations create, by name.
async fn created(app: &TestApp) -> Vec<String> {
    let db = &app.state.db;
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "SELECT column_name::text AS name FROM information_schema.columns \
             WHERE table_name = 'auth_session' AND column_name = 'wrote_lsn' \
             UNION ALL SELECT tgname::text FROM pg_trigger WHERE tgname LIKE 'emis_signal%' \
             UNION ALL SELECT indexname::text FROM pg_indexes WHERE indexname = 'ix_auth_session_revoked_at' \
             ORDER BY 1"
        }
        _ => {
            "SELECT name FROM pragma_table_info('auth_session') WHERE name = 'wrote_lsn' \
             UNION ALL SELECT name FROM sqlite_master WHERE name = 'ix_auth_session_revoked_at' ORDER BY 1"
        }
    };
    let rows = db.query_all_raw(Statement::from_string(backend, sql)).await.unwrap();
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
    let expected = if db.get_database_backend() == DbBackend::Postgres { 7 } else { 2 };
    assert_eq!(made.len(), expected, "{made:?}");

    for _ in 0..2 {
        migration::Migrator::down(db, Some(2)).await.unwrap();
        assert!(created(&app).await.is_empty(), "undone");
        migration::Migrator::up(db, None).await.unwrap();
    }
    assert_eq!(created(&app).await, made, "redone once each");
    assert_eq!(subject_request::Entity::find().all(db).await.unwrap(), requests);
    assert_eq!(auth_session::Entity::find().all(db).await.unwrap(), sessions);
    app.stop().await.unwrap();
}
