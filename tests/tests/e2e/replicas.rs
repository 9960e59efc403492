//! Reads from a streaming replica: the test starts a PostgreSQL primary and a replica of it
//! on other ports (`emis_tests::cluster`), and the server over them. A query reads the
//! replica; a teacher's roll call is read back at once by the teacher even while the replica
//! replays nothing (read-your-writes, through the primary); a replica that falls behind the
//! largest lag, or is lost, is passed over for the primary and every answer stays right; a
//! replica that catches up serves again. Runs with the PostgreSQL tests
//! (`EMIS_TEST_POSTGRES_URL` set): the SQLite run has no replicas to test.

use crate::roll_call::{homeroom_class, roll_call, today};
use emis_tests::cluster::Pair;
use emis_tests::{TestApp, TestDatabase};
use sea_orm::{ConnectionTrait as _, Database};
use serde_json::json;
use std::time::Duration;

/// A counter of `/metrics`.
async fn metric(app: &TestApp, name: &str) -> u64 {
    let text = app.get("/metrics").await.unwrap().text().await.unwrap();
    let value = text.lines().find_map(|line| line.strip_prefix(&format!("{name} ")));
    value.unwrap_or_else(|| panic!("no {name} in {text}")).trim().parse().unwrap()
}

/// Waits until `/metrics` counts `fresh` replicas.
async fn until_fresh(app: &TestApp, fresh: u64) {
    for _ in 0..200 {
        if metric(app, "emis_replicas_fresh").await == fresh {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the replicas did not become {fresh} fresh");
}

/// A student's statuses today, as `token` reads them, and the statements the replica ran
/// for the query.
async fn statuses(app: &TestApp, token: &str, student: &str) -> (Vec<String>, u64) {
    let before = metric(app, "emis_sql_replica_statements_total").await;
    let query = "query($id: ID!, $d: NaiveDate!) { student(id: $id) { attendance(from: $d, to: $d) { status } } }";
    let data = app.data(Some(token), query, json!({ "id": student, "d": today() })).await.unwrap();
    let on_replica = metric(app, "emis_sql_replica_statements_total").await - before;
    let rows = data["student"]["attendance"].as_array().unwrap();
    (rows.iter().map(|row| row["status"].as_str().unwrap().to_owned()).collect(), on_replica)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queries_read_a_fresh_replica_and_the_writer_reads_its_own_writes() {
    if !std::env::var("EMIS_TEST_POSTGRES_URL").is_ok_and(|url| !url.is_empty()) {
        eprintln!("skipped: runs with the PostgreSQL tests");
        return;
    }
    let pair = Pair::start().unwrap();
    let database = TestDatabase::create_on(&pair.primary.admin_url()).await.unwrap();
    let (primary_port, replica_port) = (pair.primary.port, pair.replica.port);
    let app = TestApp::spawn_on(database, |config| {
        let url = config.database_url.replace(&format!(":{primary_port}/"), &format!(":{replica_port}/"));
        config.replicas.urls = vec![url];
        config.replicas.max_lag_ms = 300;
    })
    .await
    .unwrap();
    until_fresh(&app, 1).await;

    let teacher = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &teacher).await;
    let child = class.students[0].clone();
    let (before, on_replica) = statuses(&app, &teacher, &child).await;
    assert!(before.is_empty(), "{before:?}");
    assert!(on_replica > 0, "a query reads the fresh replica");

    // The replica stops replaying: the teacher's roll call is read back from the primary.
    let replica = Database::connect(pair.replica.admin_url()).await.unwrap();
    replica.execute_unprepared("SELECT pg_wal_replay_pause()").await.unwrap();
    let marks = json!([{ "studentId": child, "status": "late" }]);
    let marked = roll_call(&app, &teacher, &class.id, "morning", marks).await;
    assert!(marked.get("errors").is_none(), "{marked}");
    let (after, on_replica) = statuses(&app, &teacher, &child).await;
    assert_eq!((after, on_replica), (vec!["late".to_owned()], 0), "the writer reads its own write");

    // Past the largest lag, nobody reads the paused replica; the principal sees the mark.
    until_fresh(&app, 0).await;
    let principal = app.sign_in("hieutruong").await.unwrap();
    assert_eq!(statuses(&app, &principal, &child).await, (vec!["late".to_owned()], 0));

    // Replaying again, it serves again, the writer's reads included.
    replica.execute_unprepared("SELECT pg_wal_replay_resume()").await.unwrap();
    replica.close().await.unwrap();
    until_fresh(&app, 1).await;
    let (again, on_replica) = statuses(&app, &teacher, &child).await;
    assert_eq!(again, vec!["late".to_owned()]);
    assert!(on_replica > 0, "caught up past the teacher's write, the replica serves the teacher");

    // Lost: passed over for the primary, and the answers stay right.
    pair.replica.kill().unwrap();
    until_fresh(&app, 0).await;
    assert_eq!(statuses(&app, &principal, &child).await, (vec!["late".to_owned()], 0));
    app.stop().await.unwrap();
}
