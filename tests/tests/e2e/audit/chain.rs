//! The keyed chain: an edited, a deleted and a re-chained entry are each found; an unkeyed log
//! is verified and re-keyed at the first start with an identity, and an altered one stops it.

use super::super::disclosures::chain;
use super::{append, entries};
use emis::config::Config;
use emis::disclosure::{Disclosed, Recipient, entry_hash, verify_chain};
use emis::startup::Application;
use emis_tests::{TestApp, TestDatabase, policy_dir};
use entity::disclosure_log;
use sea_orm::{ActiveModelTrait as _, ActiveValue::Set, EntityTrait as _, IntoActiveModel as _, QueryOrder as _};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_finds_an_edited_a_deleted_and_a_rechained_entry() {
    let app = TestApp::spawn().await.unwrap();
    append(&app, 1, "education", 5).await;
    assert_eq!(chain(&app).await, Ok(5));
    let rows = entries(&app).await;
    assert!(
        rows.iter().all(|row| row.hash != entry_hash(None, row.prev_hash.as_deref(), row)),
        "the links are keyed, not plain SHA-256"
    );
    let db = &app.state.db;
    let key = app.state.disclosures.chain_key();

    // Edited: the entry itself no longer matches its link.
    let mut edited = rows[2].clone().into_active_model();
    edited.fields = Set("student.identity".to_owned());
    edited.update(db).await.unwrap();
    let broken = verify_chain(db, key).await.unwrap().unwrap_err();
    assert_eq!((broken.id, broken.link), (rows[2].id, false));
    assert!(broken.to_string().contains(&format!("entry {} (", rows[2].id)), "{broken}");
    rows[2].clone().into_active_model().reset_all().update(db).await.unwrap();
    assert_eq!(chain(&app).await, Ok(5));

    // Deleted: the next entry no longer follows the one before it.
    disclosure_log::Entity::delete_by_id(rows[1].id).exec(db).await.unwrap();
    let broken = verify_chain(db, key).await.unwrap().unwrap_err();
    assert_eq!((broken.id, broken.link), (rows[2].id, true));
    rows[1].clone().into_active_model().reset_all().insert(db).await.unwrap();
    assert_eq!(chain(&app).await, Ok(5));

    // Re-chained by a database writer: every link after the edit recomputed, with SHA-256
    // (all such a writer can compute); the edited entry is named.
    let mut prev = rows[1].hash.clone();
    for (at, row) in rows.iter().enumerate().skip(2) {
        let mut forged = row.clone();
        if at == 2 {
            forged.students = rows[3].students.clone();
        }
        forged.prev_hash = Some(prev.clone());
        forged.hash = entry_hash(None, Some(&prev), &forged);
        prev = forged.hash.clone();
        forged.into_active_model().reset_all().update(db).await.unwrap();
    }
    let broken = verify_chain(db, key).await.unwrap().unwrap_err();
    assert_eq!((broken.id, broken.link), (rows[2].id, false));
    app.stop().await.unwrap();
}

/// A server on `url`, with the identity file in `dir` or without one.
async fn start(url: &str, identity: Option<std::path::PathBuf>) -> anyhow::Result<Application> {
    let mut config = Config::for_database(url.to_owned(), policy_dir());
    config.identity_file = identity;
    Application::build(config).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_written_without_a_key_is_verified_and_rekeyed_at_the_first_start_with_one() {
    let mut database = TestDatabase::create().await.unwrap();
    let identity = database.dir().join("identity.txt");
    emis_tests::emis_crypto_identity(&identity).unwrap();
    let unkeyed = start(&database.url, None).await.unwrap();
    let state = unkeyed.state();
    assert!(state.disclosures.chain_key().is_none());
    let recipient =
        || Recipient { actor_kind: "staff", actor_id: 1, purpose: "education".into(), ..Default::default() };
    let disclosed = |student| vec![Disclosed { school: 1, fields: "result".into(), students: vec![student] }];
    for student in 1..=3 {
        state.disclosures.append(recipient(), disclosed(student)).await.unwrap();
    }
    state.disclosures.flush().await;
    assert_eq!(verify_chain(&state.db, None).await.unwrap().map_err(|broken| broken.id), Ok(3));
    let before = disclosure_log::Entity::find().all(&state.db).await.unwrap();
    drop(unkeyed);

    let keyed = start(&database.url, Some(identity.clone())).await.unwrap();
    let state = keyed.state();
    let key = state.disclosures.chain_key().expect("a key once the server has its identity");
    assert_eq!(verify_chain(&state.db, Some(key)).await.unwrap().map_err(|broken| broken.id), Ok(3));
    assert!(verify_chain(&state.db, None).await.unwrap().is_err(), "re-chained under the key");
    let after = disclosure_log::Entity::find().all(&state.db).await.unwrap();
    let content =
        |rows: &[disclosure_log::Model]| rows.iter().map(|row| (row.id, row.students.clone())).collect::<Vec<_>>();
    assert_eq!(content(&after), content(&before), "the entries themselves are kept");
    drop(keyed);

    // A second start loads the same key.
    let again = start(&database.url, Some(identity)).await.unwrap();
    let state = again.state();
    let key = state.disclosures.chain_key().unwrap();
    assert_eq!(verify_chain(&state.db, Some(key)).await.unwrap().map_err(|broken| broken.id), Ok(3));
    drop(again);
    database.drop_database().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_altered_unkeyed_log_stops_the_start_that_would_key_it() {
    let mut database = TestDatabase::create().await.unwrap();
    let identity = database.dir().join("identity.txt");
    emis_tests::emis_crypto_identity(&identity).unwrap();
    let unkeyed = start(&database.url, None).await.unwrap();
    let state = unkeyed.state();
    for student in 1..=2 {
        let recipient =
            Recipient { actor_kind: "staff", actor_id: 1, purpose: "education".into(), ..Default::default() };
        let disclosed = vec![Disclosed { school: 1, fields: "result".into(), students: vec![student] }];
        state.disclosures.append(recipient, disclosed).await.unwrap();
    }
    state.disclosures.flush().await;
    let first = disclosure_log::Entity::find().order_by_asc(disclosure_log::Column::Id).one(&state.db).await;
    let first = first.unwrap().unwrap();
    let mut edited = first.clone().into_active_model();
    edited.students = Set("2".to_owned());
    edited.update(&state.db).await.unwrap();
    drop(unkeyed);
    let error = start(&database.url, Some(identity)).await.err().expect("the start is refused");
    let message = format!("{error:#}");
    assert!(message.contains(&format!("entry {}", first.id)) && message.contains("edited"), "{message}");
    database.drop_database().await.unwrap();
}
