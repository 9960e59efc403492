//! The layering rule, checked: the domain — the school books, the privacy layer, the data
//! exchange and the errors they return — knows nothing of GraphQL. No file there may name
//! the GraphQL layer (`crate::graphql`, `super::…::graphql`) or the `async_graphql` crates;
//! the GraphQL layer calls the domain and maps its ids and errors at its edge.

use std::path::{Path, PathBuf};

/// The source trees and files of the domain, relative to the crate's `src`.
const DOMAIN: [&str; 5] = ["books", "privacy", "exchange", "sharing", "error.rs"];

/// The lines of Rust source `text` (numbered from 1) that name the GraphQL layer or the
/// GraphQL crates: any `async_graphql…` name, and `graphql` as a segment of a path or in a
/// `use` — so prose and strings may still speak of GraphQL (`application/graphql-response+json`).
fn uses_of_graphql(text: &str) -> Vec<(usize, &str)> {
    let mut uses = Vec::new();
    let mut in_use = false;
    for (index, line) in text.lines().enumerate() {
        let statement = line.trim_start();
        if statement.starts_with("use ") || (statement.starts_with("pub") && statement.contains(" use ")) {
            in_use = true;
        }
        if names_graphql(line, in_use) {
            uses.push((index + 1, line.trim()));
        }
        if line.contains(';') {
            in_use = false;
        }
    }
    uses
}

/// Whether `line` names the GraphQL layer or crates; `in_use`: it is part of a `use`.
fn names_graphql(line: &str, in_use: bool) -> bool {
    let is_part_of_name = |c: char| c.is_alphanumeric() || c == '_';
    let mut start = None;
    for (at, c) in line.char_indices().chain([(line.len(), ' ')]) {
        match (start, is_part_of_name(c)) {
            (None, true) => start = Some(at),
            (Some(from), false) => {
                start = None;
                let name = &line[from..at];
                let in_path = line[..from].ends_with("::") || line[at..].starts_with("::");
                if name.starts_with("async_graphql") || (name == "graphql" && (in_path || in_use)) {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// Every `.rs` file under `path` (or `path` itself), in order.
fn sources(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_owned()];
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(path).unwrap_or_else(|error| panic!("{}: {error}", path.display())) {
        let path = entry.unwrap_or_else(|error| panic!("{}: {error}", path.display())).path();
        if path.is_dir() {
            files.extend(sources(&path));
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

#[test]
fn the_domain_does_not_depend_on_the_graphql_layer() {
    let crate_root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workspace = crate_root.parent().unwrap_or(crate_root);
    let mut found = Vec::new();
    for part in DOMAIN {
        let files = sources(&crate_root.join("src").join(part));
        assert!(!files.is_empty(), "no source found at src/{part}");
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap_or_else(|error| panic!("{}: {error}", file.display()));
            let shown = file.strip_prefix(workspace).unwrap_or(&file).display().to_string();
            found.extend(uses_of_graphql(&text).into_iter().map(|(line, code)| format!("{shown}:{line}: {code}")));
        }
    }
    assert!(
        found.is_empty(),
        "the domain must not use the GraphQL layer; map ids and errors in api/src/graphql instead:\n{}",
        found.join("\n")
    );
}

#[test]
fn paths_and_imports_of_graphql_are_found_but_prose_and_strings_are_not() {
    let source = r#"use crate::graphql::ids;
    let x = super::super::graphql::school::roster_rows(db).await?;
use crate::{
    error::ApiError,
    graphql,
};
fn id(&self) -> async_graphql::ID {
/// Read as [`crate::graphql::school::roster`] does.
/// The GraphQL layer maps these errors (graphql clients see them).
let media = "application/graphql-response+json";
let graphs = 1;
"#;
    let lines: Vec<usize> = uses_of_graphql(source).into_iter().map(|(line, _)| line).collect();
    assert_eq!(lines, [1, 2, 5, 7, 8]);
}
