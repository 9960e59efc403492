//! Words of the vocabulary that the server does not use — the kinds `org` and `subject`,
//! the action `export` — are refused in a policy line or a case, naming the file, the line
//! and the word, so that a privacy officer's edit never silently does nothing.

mod common;

use emis_authz::{Policy, PolicyError, read_cases};

/// The displayed refusal of a policy made of a comment and `line`.
async fn refusal(line: &str) -> String {
    let (_dir, files) = common::with_policy(&format!("# test\n{line}\n"), "");
    match Policy::load(&files).await {
        Err(PolicyError::Invalid { problems }) => {
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert_eq!((problems[0].file.clone(), problems[0].line), (files.policy.clone(), 2));
            problems[0].to_string()
        }
        other => panic!("{line}: expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_line_naming_a_kind_the_server_does_not_use_is_refused_with_file_line_and_word() {
    for (line, word) in [
        ("p, district_officer, org, read, oversees, allow", "org"),
        ("p, guardian, subject, read, any, allow", "subject"),
    ] {
        let shown = refusal(line).await;
        assert!(shown.contains(":2: "), "{shown}");
        assert!(shown.contains(&format!("kind \"{word}\" is not used by the server")), "{shown}");
        assert!(shown.contains(&format!("loại dữ liệu \"{word}\"")), "in Vietnamese too: {shown}");
    }
}

#[tokio::test]
async fn a_line_naming_the_export_action_is_refused_with_file_line_and_word() {
    let shown = refusal("p, principal, class_summary, export, in_school, allow").await;
    assert!(shown.contains("action \"export\" is not used by the server"), "{shown}");
    assert!(shown.contains("hành động \"export\""), "in Vietnamese too: {shown}");
}

#[test]
fn a_case_naming_a_word_the_server_does_not_use_is_refused() {
    let (_dir, files) = common::with_policy("p, guardian, result, read, guardian_of, allow\n", "");
    std::fs::write(&files.cases, "operator, org, read, any, allow\n").unwrap();
    match read_cases(&files.cases) {
        Err(PolicyError::Invalid { problems }) => {
            assert_eq!(problems.len(), 1);
            assert!(problems[0].to_string().contains("kind \"org\" is not used"), "{}", problems[0]);
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}
