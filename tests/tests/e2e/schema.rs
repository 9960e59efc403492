//! The GraphQL contract is checked in: the schema must not drift from `api/schema.graphql`.

use std::path::PathBuf;

#[test]
fn the_checked_in_schema_matches_the_server() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../api/schema.graphql");
    let current = emis::graphql::sdl();
    if std::env::var("UPDATE_SCHEMA").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &current).expect("write schema");
    }
    let checked_in = std::fs::read_to_string(&path).expect("api/schema.graphql exists");
    assert!(
        checked_in == current,
        "api/schema.graphql is out of date: run `UPDATE_SCHEMA=1 cargo test -p emis-tests schema` and review the diff"
    );
}
