//! Broken policy, cases and model files are refused, naming the file, the
//! line and the reason in Vietnamese and English; every bad line is listed.

mod common;

use emis_authz::{Policy, PolicyError, PolicyFiles, Problem, Reason, read_cases};

const GOOD: &str = "p, guardian, result, read, guardian_of, allow\n";

/// Loads a policy made of a comment line, `line`, and a good line, and
/// returns the problems reported.
async fn problems_with(line: &str) -> (PolicyFiles, Vec<Problem>) {
    let (_dir, files) = common::with_policy(&format!("# test\n{line}\n{GOOD}"), "");
    match Policy::load(&files).await {
        Err(PolicyError::Invalid { problems }) => (files, problems),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

/// The one problem of line 2, displayed.
async fn refusal(line: &str) -> String {
    let (files, problems) = problems_with(line).await;
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].line, 2);
    assert_eq!(problems[0].file, files.policy);
    let shown = problems[0].to_string();
    let prefix = format!("{}:2: ", files.policy.display());
    assert!(shown.starts_with(&prefix), "{shown}");
    shown[prefix.len()..].to_owned()
}

#[tokio::test]
async fn an_unknown_role_is_refused_with_file_and_line() {
    assert_eq!(
        refusal("p, teachr, result, read, guardian_of, allow").await,
        r#"vai trò không xác định "teachr" / unknown role "teachr""#
    );
}

#[tokio::test]
async fn an_unknown_kind_is_refused_with_file_and_line() {
    let shown = refusal("p, guardian, grades, read, guardian_of, allow").await;
    assert!(shown.ends_with(r#"unknown kind "grades""#), "{shown}");
}

#[tokio::test]
async fn an_unknown_action_is_refused_with_file_and_line() {
    let shown = refusal("p, guardian, result, view, guardian_of, allow").await;
    assert!(shown.ends_with(r#"unknown action "view""#), "{shown}");
}

#[tokio::test]
async fn an_unknown_relationship_is_refused_with_file_and_line() {
    let shown = refusal("p, guardian, result, read, parent_of, allow").await;
    assert!(shown.ends_with(r#"unknown relationship "parent_of""#), "{shown}");
}

#[tokio::test]
async fn a_relationship_not_meaningful_for_the_kind_is_refused() {
    let shown = refusal("p, operator, result, read, any, allow").await;
    assert!(shown.contains(r#"relationship "any" is not meaningful for kind "result""#), "{shown}");
    let staff = refusal("p, guardian, staff.contact, read, guardian_of, allow").await;
    assert!(staff.contains(r#"kind "staff.contact""#), "{staff}");
}

#[tokio::test]
async fn an_effect_other_than_allow_or_deny_is_refused() {
    let shown = refusal("p, guardian, result, read, guardian_of, alow").await;
    assert!(shown.contains(r#"effect must be allow or deny, not "alow""#), "{shown}");
}

#[tokio::test]
async fn a_line_with_the_wrong_number_of_fields_is_refused() {
    let shown = refusal("p, guardian, result, read, guardian_of").await;
    assert!(shown.ends_with("a p line needs 6 fields, found 5"), "{shown}");
    let shown = refusal("g, vice_principal, principal, extra").await;
    assert!(shown.ends_with("a g line needs 3 fields, found 4"), "{shown}");
}

#[tokio::test]
async fn a_role_inheritance_naming_an_unknown_role_is_refused() {
    let shown = refusal("g, deputy, principal").await;
    assert!(shown.ends_with(r#"unknown role "deputy""#), "{shown}");
}

#[tokio::test]
async fn several_bad_lines_are_all_reported() {
    let text = format!(
        "{GOOD}p, teachr, result, read, guardian_of, allow\n\n# note\n\
         p, guardian, result, read, any, allow\n{GOOD}x, y\np, guardian, result, read, self, maybe\n"
    );
    let (_dir, files) = common::with_policy(&text, "");
    let error = Policy::load(&files).await.unwrap_err();
    let PolicyError::Invalid { problems } = &error else {
        panic!("expected Invalid, got {error:?}");
    };
    let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, vec![2, 5, 7, 8]);
    assert!(matches!(problems[2].reason, Reason::UnknownLineType(_)));
    let shown = error.to_string();
    assert_eq!(shown.lines().count(), 4, "{shown}");
    assert!(shown.lines().all(|l| l.contains(" / ")), "{shown}");
}

#[tokio::test]
async fn bad_case_lines_are_refused_with_file_and_line() {
    let (_dir, files) = common::with_policy(GOOD, "# c\nguardian, result, read, guardian_of, yes\n");
    let error = read_cases(&files.cases).unwrap_err();
    let shown = error.to_string();
    let expected = format!("{}:2: ", files.cases.display());
    assert!(shown.starts_with(&expected), "{shown}");
    assert!(shown.contains(r#"not "yes""#), "{shown}");
}

#[tokio::test]
async fn a_model_file_that_does_not_parse_is_refused() {
    let (_dir, files) = common::with_policy(GOOD, "");
    std::fs::write(&files.model, "[request_definition]\nr sub obj act rel\n").unwrap();
    let error = Policy::load(&files).await.unwrap_err();
    assert!(matches!(error, PolicyError::Model { .. }), "{error:?}");
    let shown = error.to_string();
    assert!(shown.starts_with(&files.model.display().to_string()), "{shown}");
    assert!(shown.contains("invalid model"), "{shown}");
}

#[tokio::test]
async fn a_model_without_the_relationship_field_is_refused() {
    let (_dir, files) = common::with_policy(GOOD, "");
    let model = std::fs::read_to_string(&files.model).unwrap();
    std::fs::write(&files.model, model.replace("rel, eft", "eft")).unwrap();
    let error = Policy::load(&files).await.unwrap_err();
    assert!(error.to_string().contains("[policy_definition]"), "{error}");
}

#[tokio::test]
async fn a_missing_file_is_refused_naming_it() {
    let (_dir, files) = common::with_policy(GOOD, "");
    std::fs::remove_file(&files.policy).unwrap();
    let error = Policy::load(&files).await.unwrap_err();
    assert!(matches!(error, PolicyError::Io { .. }), "{error:?}");
    assert!(error.to_string().contains("policy.csv"), "{error}");
}
