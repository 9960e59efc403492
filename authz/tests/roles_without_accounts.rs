//! Roles that no account can hold yet (`vendor`) keep their lines, and the policy
//! says of each such line, with its file and line, that it takes effect only once such
//! accounts exist: never silently ignored, never refused.

mod common;

use emis_authz::{Policy, PolicyFiles, Role};

#[tokio::test]
async fn a_line_of_a_role_without_accounts_loads_with_a_notice_naming_file_line_and_role() {
    let text = "# test\np, guardian, result, read, guardian_of, allow\np, vendor, school, read, any, allow\n";
    let (_dir, files) = common::with_policy(text, "");
    let policy = Policy::load(&files).await.unwrap();
    let notices = policy.notices();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!((notices[0].file.clone(), notices[0].line, notices[0].role), (files.policy.clone(), 3, Role::Vendor));
    let shown = notices[0].to_string();
    assert!(shown.starts_with(&format!("{}:3: ", files.policy.display())), "{shown}");
    assert!(shown.contains("role \"vendor\" has no accounts yet"), "{shown}");
    assert!(shown.contains("vai trò \"vendor\""), "in Vietnamese too: {shown}");
}

#[tokio::test]
async fn the_student_role_has_accounts_so_its_shipped_lines_take_effect_without_a_notice() {
    let files = PolicyFiles::in_dir(&common::shipped_dir());
    let policy = Policy::load(&files).await.unwrap();
    let text = std::fs::read_to_string(&files.policy).unwrap();
    assert!(text.lines().any(|line| line.starts_with("p, student,")));
    assert!(policy.notices().iter().all(|notice| notice.role != Role::Student), "{:?}", policy.notices());
    let (_dir, files) = common::with_policy("p, student, result, read, self, allow\n", "");
    assert!(Policy::load(&files).await.unwrap().notices().is_empty());
}
