//! Nothing is shown without its record: the server, run as a child process, is killed with
//! SIGKILL in the middle of a load of reads that disclose (a principal's search with identity
//! numbers, a homeroom teacher's roster with health notes and guardians' phones) and of
//! score entries; restarted, killed again; afterwards the disclosure log holds, for every
//! read that was answered, an entry naming exactly the students it showed, the chain holds,
//! and every acknowledged write is there. A read whose entry cannot be written is answered
//! with an error and no data.

mod process;

use super::grade_entry::{Column, RECORD, decode, scored_column};
use super::roll_call::homeroom_class;
use emis::disclosure::verify_chain;
use emis_tests::{TestApp, error_code};
use entity::{disclosure_log, result};
pub use process::ServerProcess;
use sea_orm::{ColumnTrait as _, ConnectionTrait as _, DbBackend, EntityTrait as _, QueryFilter as _};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

const SEARCH: &str = "{ students(first: 30) { nodes { id identityNumber } } }";
const ROSTER: &str = "{ me { homeroomClasses { students { id healthNotes guardians { phone } } } } }";

/// Reads answered before a kill, and score entries acknowledged.
#[derive(Default)]
struct Load {
    /// Per answered read, its purpose (unique) and the students whose fields it showed.
    answered: Mutex<Vec<(String, BTreeSet<i64>)>>,
    /// The score of each entry of the whole column acknowledged in this round.
    acknowledged: Mutex<Vec<f64>>,
    stop: AtomicBool,
}

/// The students whose sensitive fields a response shows.
fn shown(data: &Value) -> BTreeSet<i64> {
    let mut students = BTreeSet::new();
    for node in data["students"]["nodes"].as_array().into_iter().flatten() {
        if node["identityNumber"].is_string() {
            students.insert(decode("Student", node["id"].as_str().unwrap()));
        }
    }
    for class in data["me"]["homeroomClasses"].as_array().into_iter().flatten() {
        for student in class["students"].as_array().unwrap() {
            let phones = student["guardians"].as_array().unwrap().iter().any(|guardian| guardian["phone"].is_string());
            if student["healthNotes"].is_string() || phones {
                students.insert(decode("Student", student["id"].as_str().unwrap()));
            }
        }
    }
    students
}

/// A GraphQL request to the child server with a purpose of its own; the body of a response
/// that came back.
async fn ask(client: &reqwest::Client, server: &str, token: &str, purpose: &str, body: Value) -> Option<Value> {
    let response = client
        .post(format!("{server}/graphql"))
        .bearer_auth(token)
        .header("x-emis-purpose", purpose)
        .json(&body)
        .send()
        .await
        .ok()?;
    response.json().await.ok()
}

/// Reads `query` as `token` until stopped or the server is gone, recording each answer.
async fn read_until_stopped(load: Arc<Load>, server: String, token: String, query: &'static str, name: String) {
    let client = reqwest::Client::new();
    for sequence in 0.. {
        if load.stop.load(Ordering::Relaxed) {
            return;
        }
        let purpose = format!("{name}-{sequence}");
        let Some(body) = ask(&client, &server, &token, &purpose, json!({ "query": query })).await else { return };
        if body.get("errors").is_none() {
            let students = shown(&body["data"]);
            assert!(!students.is_empty(), "the read shows sensitive fields: {body}");
            load.answered.lock().unwrap().push((purpose, students));
        }
    }
}

/// Writes the whole column again and again, each time with new scores, until stopped or the
/// server is gone, recording each acknowledged call.
async fn write_until_stopped(load: Arc<Load>, server: String, token: String, column: Arc<Column>, round: usize) {
    let client = reqwest::Client::new();
    loop {
        if load.stop.load(Ordering::Relaxed) {
            return;
        }
        let done = load.acknowledged.lock().unwrap().len();
        // Each call changes every entry: odd tenths in the first round (the seeded column
        // holds none of its first, 0.1), even ones in the second, never twice in a row.
        let tenths = 2 * ((done * 7) % 45) + round % 2;
        let score = f64::from(u8::try_from(tenths).unwrap()) / 10.0;
        let entries: Vec<Value> = column
            .students
            .iter()
            .map(|(student, version)| json!({ "studentId": student, "score": score, "version": after(*version, done) }))
            .collect();
        let body = json!({ "query": RECORD, "variables": { "column": column.id, "entries": entries } });
        let Some(answer) = ask(&client, &server, &token, &format!("write-{round}-{done}"), body).await else { return };
        assert!(answer.get("errors").is_none(), "a score entry was refused: {answer}");
        load.acknowledged.lock().unwrap().push(score);
    }
}

/// The version of a result first read at `version` after `writes` changes.
fn after(version: Option<i64>, writes: usize) -> Option<i64> {
    let writes = i64::try_from(writes).unwrap();
    match version {
        Some(version) => Some(version + writes),
        None if writes == 0 => None,
        None => Some(writes),
    }
}

/// Runs a load against a fresh child server and kills it once enough has been answered;
/// `column` holds the versions stored before.
async fn load_and_kill(app: &TestApp, load: &Arc<Load>, tokens: &[String; 3], column: &Arc<Column>, round: usize) {
    let server = ServerProcess::start(app).await;
    load.stop.store(false, Ordering::Relaxed);
    let answered_before = load.answered.lock().unwrap().len();
    load.acknowledged.lock().unwrap().clear();
    let mut workers = Vec::new();
    for worker in 0..6 {
        let (token, query) = if worker % 2 == 0 { (&tokens[0], SEARCH) } else { (&tokens[1], ROSTER) };
        let name = format!("read-{round}-{worker}");
        workers.push(tokio::spawn(read_until_stopped(
            Arc::clone(load),
            server.address.clone(),
            token.clone(),
            query,
            name,
        )));
    }
    let writer = (server.address.clone(), tokens[2].clone(), Arc::clone(column));
    workers.push(tokio::spawn(write_until_stopped(Arc::clone(load), writer.0, writer.1, writer.2, round)));
    // The kill comes while reads and writes are being answered.
    loop {
        let answered = load.answered.lock().unwrap().len() - answered_before;
        let written = load.acknowledged.lock().unwrap().len();
        if answered >= 150 && written >= 3 {
            break;
        }
        if workers.iter().any(tokio::task::JoinHandle::is_finished) {
            let log = server.kill();
            panic!("the load stopped before the kill ({answered} reads, {written} writes); the server logged: {log}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    server.kill();
    process::until_its_connections_are_gone(app).await;
    load.stop.store(true, Ordering::Relaxed);
    for worker in workers {
        worker.await.unwrap();
    }
}

/// Every score entry of the column acknowledged (`acknowledged`, since `column` was read) is
/// stored: each result is at least at the version the last one gave it, and if at exactly
/// that version, holds its score.
async fn writes_kept(app: &TestApp, column: &Column, acknowledged: &[f64]) {
    let stored: BTreeMap<i64, (Option<i16>, i32)> = result::Entity::find()
        .filter(result::Column::AssessmentId.eq(decode("Assessment", &column.id)))
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| (row.student_id, (row.score_tenths, row.version)))
        .collect();
    let last = (acknowledged.last().unwrap() * 10.0).round();
    for (student, version) in &column.students {
        let (score, stored_version) = stored[&decode("Student", student)];
        let expected = after(*version, acknowledged.len()).unwrap();
        assert!(i64::from(stored_version) >= expected, "every acknowledged write of {student} is kept");
        if i64::from(stored_version) == expected {
            assert_eq!(score.map(f64::from), Some(last), "the last acknowledged score of {student} is stored");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_under_load_has_logged_every_read_it_answered_and_kept_every_acknowledged_write() {
    let app = TestApp::spawn().await.unwrap();
    let tokens = [
        app.sign_in("hieutruong").await.unwrap(),
        app.sign_in("gvcn").await.unwrap(),
        app.sign_in("gvbm").await.unwrap(),
    ];
    let load = Arc::new(Load::default());
    // The second round's server extends the log of the first, killed one.
    for round in 1..=2 {
        let column = Arc::new(scored_column(&app, &tokens[2]).await);
        load_and_kill(&app, &load, &tokens, &column, round).await;
        let acknowledged = load.acknowledged.lock().unwrap().clone();
        writes_kept(&app, &column, &acknowledged).await;
    }

    let mut logged: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
    let entries = disclosure_log::Entity::find().all(&app.state.db).await.unwrap();
    for entry in &entries {
        logged.entry(entry.purpose.clone()).or_default().extend(entry.student_ids());
    }
    let answered = load.answered.lock().unwrap().clone();
    let missing: Vec<&String> =
        answered.iter().filter(|(purpose, _)| !logged.contains_key(purpose)).map(|a| &a.0).collect();
    assert!(missing.is_empty(), "{} of {} answered reads have no entry: {missing:?}", missing.len(), answered.len());
    for (purpose, students) in &answered {
        assert_eq!(&logged[purpose], students, "the entry of {purpose} names exactly the students it showed");
    }
    assert_eq!(
        verify_chain(&app.state.db, app.state.disclosures.chain_key()).await.unwrap().map_err(|broken| broken.id),
        Ok(entries.len()),
        "the chain holds across the kills"
    );
    app.stop().await.unwrap();
}

/// Makes every insert into the disclosure log fail, or lets them succeed again.
async fn refuse_log_entries(app: &TestApp, refuse: bool) {
    let db = &app.state.db;
    let statements: &[&str] = match (db.get_database_backend(), refuse) {
        (DbBackend::Sqlite, true) => {
            &["CREATE TRIGGER refuse_entries BEFORE INSERT ON disclosure_log BEGIN SELECT RAISE(ABORT, 'refused'); END"]
        }
        (DbBackend::Sqlite, false) => &["DROP TRIGGER refuse_entries"],
        (_, true) => &[
            "CREATE FUNCTION refuse_entries() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$",
            "CREATE TRIGGER refuse_entries BEFORE INSERT ON disclosure_log FOR EACH ROW EXECUTE FUNCTION refuse_entries()",
        ],
        (_, false) => &["DROP TRIGGER refuse_entries ON disclosure_log", "DROP FUNCTION refuse_entries()"],
    };
    for statement in statements {
        db.execute_unprepared(statement).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_whose_entry_cannot_be_written_shows_nothing() {
    let app = TestApp::spawn().await.unwrap();
    let principal = app.sign_in("hieutruong").await.unwrap();
    let teacher = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &teacher).await;
    refuse_log_entries(&app, true).await;

    let body = app.graphql(Some(&principal), SEARCH, json!({})).await.unwrap();
    assert_eq!(error_code(&body), Some("UNAVAILABLE"), "{body}");
    assert!(body["data"].is_null(), "no data leaves without its entry: {body}");
    let body = app.graphql(Some(&teacher), ROSTER, json!({})).await.unwrap();
    assert_eq!(error_code(&body), Some("UNAVAILABLE"), "{body}");
    assert!(body["data"].is_null(), "no data leaves without its entry: {body}");
    // A read that discloses nothing is answered as usual.
    let names = app.data(Some(&principal), "{ students(first: 3) { nodes { fullName } } }", json!({})).await.unwrap();
    assert_eq!(names["students"]["nodes"].as_array().unwrap().len(), 3);
    // Nor does a download leave without its entry.
    let download = reqwest::Client::new()
        .get(format!("{}/exports/class-summary?classId={}&format=csv", app.address, class.id))
        .bearer_auth(&teacher)
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 503, "the file is not sent without its entry");
    assert!(download.headers()["content-type"].to_str().unwrap().starts_with("text/plain"), "no sheet is sent");

    refuse_log_entries(&app, false).await;
    let body = app.data(Some(&principal), SEARCH, json!({})).await.unwrap();
    assert!(!shown(&body).is_empty());
    assert_eq!(disclosure_log::Entity::find().all(&app.state.db).await.unwrap().len(), 1, "only the answered read");
    app.stop().await.unwrap();
}
