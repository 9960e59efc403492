//! The `emis` binary refuses to start with a setting out of range, or with a policy folder
//! that does not exist, saying which and why in Vietnamese and English; `serve --demo` run
//! from the repository's root starts as the README says.

use std::io::{BufRead as _, BufReader, Read as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The repository's root.
fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `emis serve` with `settings` over a fresh SQLite file in `dir`, run in `dir`.
fn serve(dir: &Path, settings: &[(&str, &str)]) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_emis"));
    command
        .arg("serve")
        .current_dir(dir)
        .env("EMIS_DATABASE_URL", format!("sqlite://{}?mode=rwc", dir.join("emis.db").display()))
        .env("EMIS_POLICY_DIR", repository().join("policy"))
        .env("EMIS_BIND", "127.0.0.1:0")
        .env_remove("EMIS_IDENTITY_FILE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in settings {
        command.env(name, value);
    }
    command.spawn().unwrap()
}

/// Waits for a server that should refuse to start: its stderr, or a panic naming what it
/// printed when it started listening instead.
fn refusal(mut child: Child, what: &str) -> String {
    let stdout = child.stdout.take().unwrap();
    let started = BufReader::new(stdout).lines().map_while(Result::ok).find(|line| line.contains("listening on"));
    if let Some(line) = started {
        let _ = child.kill();
        let _ = child.wait();
        panic!("the server started with {what}: {line}");
    }
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert!(!status.success(), "{what}: the server exits with a failure");
    stderr
}

#[test]
fn a_setting_out_of_range_stops_the_server_naming_the_variable_and_the_range() {
    let out_of_range = [
        ("EMIS_ACCESS_TOKEN_MINUTES", "-5"),
        ("EMIS_ACCESS_TOKEN_MINUTES", "0"),
        ("EMIS_REFRESH_TOKEN_DAYS", "0"),
        ("EMIS_MAX_DEPTH", "0"),
        ("EMIS_MAX_COMPLEXITY", "0"),
        ("EMIS_DB_MAX_CONNECTIONS", "1"),
        ("EMIS_POLICY_RELOAD_SECS", "100000"),
        ("EMIS_COMMENT_REGULAR_ASSESSMENTS", "0"),
        ("EMIS_SUBSCRIPTION_POLL_MS", "0"),
        ("EMIS_DB_ACQUIRE_TIMEOUT_MS", "0"),
    ];
    for (name, value) in out_of_range {
        let dir = tempfile::tempdir().unwrap();
        let what = format!("{name}={value}");
        let stderr = refusal(serve(dir.path(), &[(name, value)]), &what);
        assert!(stderr.contains(name), "{what}: the message names the variable: {stderr}");
        assert!(stderr.contains("phải") && stderr.contains("must be"), "{what}: in both languages: {stderr}");
    }
}

#[test]
fn a_policy_folder_that_does_not_exist_stops_the_server_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let stderr = refusal(serve(dir.path(), &[("EMIS_POLICY_DIR", "policy")]), "no policy folder");
    assert!(stderr.contains("policy") && stderr.contains("EMIS_POLICY_DIR"), "{stderr}");
    assert!(stderr.contains("không tồn tại") && stderr.contains("does not exist"), "{stderr}");
}

#[test]
fn serve_demo_from_the_repository_root_starts_with_its_policy_folder() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_emis"))
        .args(["serve", "--demo"])
        .current_dir(repository())
        .env_remove("EMIS_POLICY_DIR")
        .env("EMIS_BIND", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut demo_dir = None;
    let mut listening = false;
    for line in BufReader::new(child.stdout.take().unwrap()).lines().map_while(Result::ok) {
        if let Some(dir) = line.split(" in ").nth(1).filter(|_| line.starts_with("Dữ liệu mẫu")) {
            demo_dir = Some(PathBuf::from(dir.trim()));
        }
        if line.contains("listening on") {
            listening = true;
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    if let Some(dir) = demo_dir {
        let _ = std::fs::remove_dir_all(dir);
    }
    assert!(listening, "serve --demo started");
}
