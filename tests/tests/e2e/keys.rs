//! Rotating the server identity keeps every sealed value readable: with the new key first and
//! the old one beside it, every data key is wrapped to both (servers holding either keep
//! working); with the new key alone, to it alone, and a server holding only the new key reads
//! every value as before, the disclosure log's chain included. An escrow recipient opens
//! every key; an identity file that opens none writes nothing.

use emis::config::Config;
use emis::disclosure::verify_chain;
use emis::keys::rotate;
use emis::startup::Application;
use emis_crypto::{DataKey, ServerIdentity};
use emis_tests::{TestApp, policy_dir};
use entity::data_key;
use sea_orm::{ColumnTrait as _, DatabaseConnection, EntityTrait as _, QueryFilter as _};
use serde_json::{Value, json};
use std::path::Path;

const SEALED: &str = "{ students(first: 100) { nodes { id identityNumber address } } }";

/// How many live data keys each identity opens.
async fn opened_by(db: &DatabaseConnection, identity: &ServerIdentity) -> (usize, usize) {
    let rows = data_key::Entity::find().filter(data_key::Column::DestroyedAt.is_null()).all(db).await.unwrap();
    let opened = rows.iter().filter(|row| DataKey::unwrap(&row.wrapped, identity).is_ok()).count();
    (opened, rows.len())
}

fn write(path: &Path, identities: &[&ServerIdentity]) -> ServerIdentity {
    let text: String = identities.iter().map(|identity| identity.to_file_contents()).collect();
    std::fs::write(path, &text).unwrap();
    ServerIdentity::parse(&text).unwrap()
}

async fn post(address: &str, token: &str, query: &str) -> Value {
    let request = reqwest::Client::new().post(format!("{address}/graphql")).bearer_auth(token);
    request.json(&json!({ "query": query })).send().await.unwrap().json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotation_keeps_every_sealed_value_readable_under_the_new_key_alone() {
    let app = TestApp::spawn().await.unwrap();
    let dir = app.database.dir();
    let token = app.sign_in("hieutruong").await.unwrap();
    let before = app.data(Some(&token), SEALED, json!({})).await.unwrap();
    let shown = before["students"]["nodes"].as_array().unwrap();
    assert!(shown.iter().filter(|node| node["identityNumber"].is_string()).count() >= 4, "{before}");
    let db = &app.state.db;
    let old = ServerIdentity::from_file(&dir.join("identity.txt")).unwrap();
    let new = ServerIdentity::generate();
    let (_, total) = opened_by(db, &old).await;
    assert_eq!(opened_by(db, &new).await, (0, total));

    // The new key first, the old one beside it: every key wrapped to both.
    let both = write(&dir.join("both.txt"), &[&new, &old]);
    let seen = std::sync::Mutex::new(Vec::new());
    let done = rotate(db, &both, false, |at, of| seen.lock().unwrap().push((at, of))).await.unwrap();
    assert_eq!((done.rewrapped, done.skipped, done.unopened.len()), (total as u64, 0, 0));
    assert_eq!(seen.lock().unwrap().last(), Some(&(total as u64, total as u64)), "progress reaches the end");
    assert_eq!(opened_by(db, &new).await, (total, total));
    assert_eq!(opened_by(db, &old).await, (total, total), "a server still holding the old key alone keeps working");
    let still = app.data(Some(&token), SEALED, json!({})).await.unwrap();
    assert_eq!(still, before);

    // The new key alone.
    let only_new = write(&dir.join("new.txt"), &[&new]);
    rotate(db, &only_new, false, |_, _| {}).await.unwrap();
    assert_eq!(opened_by(db, &new).await, (total, total));
    assert_eq!(opened_by(db, &old).await, (0, total), "the old key opens nothing any more");

    let mut config = Config::for_database(app.database.url.clone(), policy_dir());
    config.identity_file = Some(dir.join("new.txt"));
    let other = Application::build(config).await.unwrap();
    let state = other.state();
    let address = format!("http://{}", other.local_addr().unwrap());
    let (stop, signal) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(other.run_until(async move {
        let _ = signal.await;
    }));
    let after = post(&address, &token, SEALED).await;
    assert_eq!(after["data"], before, "every value reads the same under the new key alone");
    state.disclosures.flush().await;
    app.state.disclosures.flush().await;
    let key = state.disclosures.chain_key().expect("the chain key opens with the new key");
    assert!(verify_chain(&state.db, Some(key)).await.unwrap().is_ok(), "the chain verifies under its rotated key");
    let _ = stop.send(());
    server.await.unwrap().unwrap();

    // An identity file that opens nothing: a dry run says so and nothing is written.
    let stranger = ServerIdentity::generate();
    let done = rotate(db, &stranger, true, |_, _| {}).await.unwrap();
    assert_eq!(done.unopened.len(), total);
    let done = rotate(db, &stranger, false, |_, _| {}).await.unwrap();
    assert_eq!((done.rewrapped, done.unopened.len()), (0, total));
    assert_eq!(opened_by(db, &new).await, (total, total), "nothing was written");

    // An escrow recipient opens every key once rotated.
    let escrow = ServerIdentity::generate();
    let with_escrow =
        ServerIdentity::parse(&new.to_file_contents()).unwrap().with_escrow(&escrow.public_key()).unwrap();
    rotate(db, &with_escrow, false, |_, _| {}).await.unwrap();
    assert_eq!(opened_by(db, &escrow).await, (total, total));
    assert_eq!(opened_by(db, &new).await, (total, total));
    app.stop().await.unwrap();
}
