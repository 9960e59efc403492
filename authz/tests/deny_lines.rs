//! What a deny line takes away, as `policy/README.md` says: every allow of the same request
//! for its role, and for the roles that inherit from it, whether the allow is the role's
//! own or inherited.

mod common;

use emis_authz::{Action, Kind, Policy, Relationship, Role};

#[tokio::test]
async fn a_deny_beats_the_roles_own_allow_and_binds_the_roles_that_inherit_from_it() {
    let text = "g, vice_principal, principal\n\
                p, principal, student.address, read, in_school, allow\n\
                p, principal, student.health, read, in_school, allow\n\
                p, principal, student.health, read, in_school, deny\n\
                p, vice_principal, student.identity, read, in_school, allow\n\
                p, principal, student.identity, read, in_school, deny\n";
    let (_dir, files) = common::with_policy(text, "");
    let policy = Policy::load(&files).await.unwrap();
    let decide = |role, kind| policy.decide(role, kind, Action::Read, Relationship::InSchool);
    assert!(decide(Role::VicePrincipal, Kind::StudentAddress), "inherited");
    assert!(!decide(Role::Principal, Kind::StudentHealth), "a deny beats the role's own allow");
    assert!(!decide(Role::VicePrincipal, Kind::StudentHealth), "and the allow the role inherits");
    assert!(!decide(Role::VicePrincipal, Kind::StudentIdentity), "a parent's deny binds the role's own allow");
}

#[tokio::test]
async fn a_deny_of_any_relationship_takes_the_kind_away_from_the_role_whatever_the_relationship() {
    let text = "g, vice_principal, principal\n\
                p, principal, student.health, read, in_school, allow\n\
                p, principal, student.health, read, homeroom_of, allow\n\
                p, principal, result, read, in_school, allow\n\
                p, vice_principal, student.health, read, any, deny\n\
                p, principal, result, read, homeroom_of, deny\n";
    let (_dir, files) = common::with_policy(text, "");
    let policy = Policy::load(&files).await.unwrap();
    for rel in [Relationship::InSchool, Relationship::HomeroomOf] {
        assert!(policy.decide(Role::Principal, Kind::StudentHealth, Action::Read, rel), "{rel}");
        assert!(!policy.decide(Role::VicePrincipal, Kind::StudentHealth, Action::Read, rel), "{rel}");
    }
    assert!(
        policy.decide(Role::Principal, Kind::Result, Action::Read, Relationship::InSchool),
        "a deny naming one relationship takes only that one"
    );
}
