//! A line whose relationship never holds for its role (`shared` for anyone but a vendor, or
//! a vendor's line on anything but `shared` or `any`) is kept, and the policy says of it, with
//! its file and line, that it never applies: never silently ignored, never refused.

mod common;

use emis_authz::{Policy, PolicyFiles, Relationship, Role};

#[tokio::test]
async fn a_line_whose_relationship_never_holds_for_its_role_loads_with_a_notice_naming_file_and_line() {
    let text = "# test\np, guardian, result, read, guardian_of, allow\np, vendor, student, read, in_school, allow\n\
                p, principal, student, read, shared, allow\np, vendor, student, read, shared, allow\n";
    let (_dir, files) = common::with_policy(text, "");
    let policy = Policy::load(&files).await.unwrap();
    let notices = policy.notices();
    let found: Vec<_> = notices.iter().map(|notice| (notice.line, notice.role, notice.rel)).collect();
    assert_eq!(
        found,
        vec![(3, Role::Vendor, Relationship::InSchool), (4, Role::Principal, Relationship::Shared)],
        "{notices:?}"
    );
    let shown = notices[0].to_string();
    assert!(shown.starts_with(&format!("{}:3: ", files.policy.display())), "{shown}");
    assert!(shown.contains("relationship \"in_school\" never holds for role \"vendor\""), "{shown}");
    assert!(shown.contains("vai trò \"vendor\""), "in Vietnamese too: {shown}");
}

#[tokio::test]
async fn every_shipped_line_can_apply() {
    let files = PolicyFiles::in_dir(&common::shipped_dir());
    let policy = Policy::load(&files).await.unwrap();
    assert!(policy.notices().is_empty(), "{:?}", policy.notices());
    let text = std::fs::read_to_string(&files.policy).unwrap();
    assert!(text.lines().any(|line| line.starts_with("p, vendor,")), "vendors have lines");
}
