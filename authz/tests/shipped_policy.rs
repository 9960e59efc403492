//! The policy shipped in `policy/`: it loads, its cases pass, and its
//! decisions behave as the design says (deny overrides, default deny, cache).

mod common;

use emis_authz::{Action, Kind, Policy, PolicyFiles, PolicyStore, Relationship, Role, read_cases};

async fn shipped() -> Policy {
    Policy::load(&PolicyFiles::in_dir(&common::shipped_dir())).await.unwrap()
}

#[tokio::test]
async fn the_shipped_policy_loads_and_all_its_cases_pass() {
    let files = PolicyFiles::in_dir(&common::shipped_dir());
    let policy = Policy::load(&files).await.unwrap();
    let cases = read_cases(&files.cases).unwrap();
    assert!(cases.len() >= 60, "only {} cases", cases.len());
    let report = policy.check_cases(&cases);
    let failures: Vec<String> = report.failures.iter().map(|f| f.to_string()).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(report.passed, cases.len());
    assert!(policy.line_count() > 100);
}

#[tokio::test]
async fn a_store_opens_on_the_shipped_policy() {
    let store = PolicyStore::open(PolicyFiles::in_dir(&common::shipped_dir())).await.unwrap();
    let policy = store.current();
    assert!(policy.decide(Role::Guardian, Kind::Result, Action::Read, Relationship::GuardianOf));
}

#[tokio::test]
async fn a_deny_line_overrides_an_inherited_allow() {
    let policy = shipped().await;
    let (kind, rel) = (Kind::StudentBackground, Relationship::InSchool);
    assert!(policy.decide(Role::Principal, kind, Action::Read, rel));
    assert!(!policy.decide(Role::VicePrincipal, kind, Action::Read, rel));
    // Everything else of the principal's is inherited.
    let identity = Kind::StudentIdentity;
    assert!(policy.decide(Role::VicePrincipal, identity, Action::Read, rel));
}

#[tokio::test]
async fn a_request_with_no_matching_line_is_denied() {
    let policy = shipped().await;
    let any = Relationship::Any;
    assert!(!policy.decide(Role::Vendor, Kind::School, Action::Read, any));
    assert!(!policy.decide(Role::Principal, Kind::Result, Action::Export, Relationship::InSchool));
    assert!(!policy.decide(Role::Operator, Kind::Student, Action::Read, any));
}

#[tokio::test]
async fn decisions_are_identical_before_and_after_they_are_cached() {
    let policy = shipped().await;
    let mut first = Vec::new();
    let mut allowed = 0;
    for &role in Role::ALL {
        for &kind in Kind::ALL {
            for &action in Action::ALL {
                for &rel in Relationship::ALL {
                    let fresh = policy.decide(role, kind, action, rel);
                    assert_eq!(fresh, policy.decide_uncached(role, kind, action, rel));
                    allowed += usize::from(fresh);
                    first.push(fresh);
                }
            }
        }
    }
    let mut again = first.iter();
    for &role in Role::ALL {
        for &kind in Kind::ALL {
            for &action in Action::ALL {
                for &rel in Relationship::ALL {
                    let cached = policy.decide(role, kind, action, rel);
                    assert_eq!(Some(&cached), again.next(), "{role} {kind} {action} {rel}");
                    assert_eq!(cached, policy.decide_uncached(role, kind, action, rel));
                }
            }
        }
    }
    // Every allow line is one allowed request, plus the vice principal's
    // inherited ones (the principal's lines less the one deny).
    assert!(allowed > 100, "{allowed}");
}

#[tokio::test]
async fn allowed_relationships_lists_the_meaningful_relationships_that_are_allowed() {
    let policy = shipped().await;
    let read = Action::Read;
    assert_eq!(
        policy.allowed_relationships(Role::Guardian, Kind::Guardian, read),
        vec![Relationship::SelfRecord, Relationship::GuardianOf]
    );
    assert_eq!(
        policy.allowed_relationships(Role::Clerk, Kind::Staff, read),
        vec![Relationship::SelfRecord, Relationship::InSchool]
    );
    assert_eq!(policy.allowed_relationships(Role::Vendor, Kind::Student, read), vec![Relationship::Shared]);
    assert!(policy.allowed_relationships(Role::Vendor, Kind::StudentHealth, read).is_empty());
}

#[tokio::test]
async fn decisions_can_be_made_from_many_threads_at_once() {
    let policy = std::sync::Arc::new(shipped().await);
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let policy = policy.clone();
            std::thread::spawn(move || {
                let rel = Relationship::TeachesSection;
                (0..1000).filter(|_| policy.decide(Role::SubjectTeacher, Kind::Result, Action::Read, rel)).count()
            })
        })
        .collect();
    for thread in threads {
        assert_eq!(thread.join().unwrap(), 1000);
    }
}
