//! Shared helpers of the integration tests: the shipped policy folder and
//! temporary copies of it that a test may break.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use emis_authz::PolicyFiles;
use tempfile::TempDir;

/// The policy folder shipped in the repository.
pub fn shipped_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../policy")
}

/// A temporary copy of the shipped model, policy, cases and purposes.
pub fn copy_of_shipped() -> (TempDir, PolicyFiles) {
    let dir = tempfile::tempdir().unwrap();
    let shipped = PolicyFiles::in_dir(&shipped_dir());
    let files = PolicyFiles::in_dir(dir.path());
    std::fs::copy(&shipped.model, &files.model).unwrap();
    std::fs::copy(&shipped.policy, &files.policy).unwrap();
    std::fs::copy(&shipped.cases, &files.cases).unwrap();
    std::fs::copy(&shipped.purposes, &files.purposes).unwrap();
    (dir, files)
}

/// The shipped model with the given policy and cases texts.
pub fn with_policy(policy: &str, cases: &str) -> (TempDir, PolicyFiles) {
    let (dir, files) = copy_of_shipped();
    std::fs::write(&files.policy, policy).unwrap();
    std::fs::write(&files.cases, cases).unwrap();
    (dir, files)
}

/// Adds a line at the end of a file (made if missing).
pub fn append(path: &Path, line: &str) {
    let mut text = std::fs::read_to_string(path).unwrap_or_default();
    text.push_str(line);
    text.push('\n');
    std::fs::write(path, text).unwrap();
}
