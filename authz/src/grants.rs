//! What a policy grants in effect, and why: [`Grant`]s (every request, meaningful for its
//! kind, that the policy allows once inheritance and deny lines are applied), the
//! difference between two policies ([`PolicyDiff`]), and the lines that decide one request
//! ([`Explanation`]).
//!
//! Both read the lines with the matcher's rule (a line of the role or of a role it inherits
//! from, same kind and action, same relationship, or `any` on a deny line) rather than ask
//! casbin twenty thousand times; a test checks that this decides every request as the
//! casbin enforcer the server runs does.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::lines::{Line, Request, Rule};
use crate::policy::Policy;
use crate::vocab::{Action, Kind, Relationship, Role};

/// One request a policy allows: `role` may `action` records of `kind` it relates to by `rel`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Grant {
    pub role: Role,
    pub kind: Kind,
    pub action: Action,
    pub rel: Relationship,
}

impl fmt::Display for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, {}, {}, {}", self.role, self.kind, self.action, self.rel)
    }
}

impl Policy {
    /// Every request the policy allows, over the relationships meaningful for each kind and
    /// the actions the server uses, each role with what it inherits.
    pub fn grants(&self) -> BTreeSet<Grant> {
        let mut grants = BTreeSet::new();
        for &role in Role::ALL {
            for &kind in Kind::ALL {
                if kind.unused().is_some() {
                    continue;
                }
                for &action in Action::ALL {
                    if action.unused().is_some() {
                        continue;
                    }
                    for &rel in kind.relationships() {
                        if self.explain(role, kind, action, rel).allowed {
                            grants.insert(Grant { role, kind, action, rel });
                        }
                    }
                }
            }
        }
        grants
    }

    /// The roles `role` inherits from (through `g` lines, transitively), itself first.
    pub fn roles_of(&self, role: Role) -> Vec<Role> {
        let mut found = vec![role];
        let mut next = 0;
        while let Some(&current) = found.get(next) {
            for line in self.lines() {
                if let Rule::Inherit { role, parent } = line.rule
                    && role == current
                    && !found.contains(&parent)
                {
                    found.push(parent);
                }
            }
            next += 1;
        }
        found
    }

    /// The lines that decide `(role, kind, action, rel)`, and the decision.
    pub fn explain(&self, role: Role, kind: Kind, action: Action, rel: Relationship) -> Explanation {
        let roles = self.roles_of(role);
        let mut explanation = Explanation { allowed: false, allows: Vec::new(), denies: Vec::new() };
        for (line, (line_role, line_kind, line_action, line_rel), allow) in permission_lines(self.lines()) {
            let rel_matches = line_rel == rel || (!allow && line_rel == Relationship::Any);
            if line_kind == kind && line_action == action && rel_matches && roles.contains(&line_role) {
                let found = Decisive { line, role: line_role, rel: line_rel };
                if allow { explanation.allows.push(found) } else { explanation.denies.push(found) }
            }
        }
        explanation.allowed = !explanation.allows.is_empty() && explanation.denies.is_empty();
        explanation
    }
}

/// A policy line that decides a request: its line number, its role (the asker's own or one
/// it inherits from) and its relationship.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Decisive {
    pub line: usize,
    pub role: Role,
    pub rel: Relationship,
}

/// Why a request is allowed or not: the allow lines that match it and the deny lines that
/// take it away.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Explanation {
    pub allowed: bool,
    pub allows: Vec<Decisive>,
    pub denies: Vec<Decisive>,
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines = |found: &[Decisive]| {
            found.iter().map(|d| format!("{} ({}, {})", d.line, d.role, d.rel)).collect::<Vec<_>>().join(", ")
        };
        match (self.allowed, self.allows.is_empty(), self.denies.is_empty()) {
            (true, ..) => write!(f, "được phép theo dòng / allowed by line {}", lines(&self.allows)),
            (false, _, false) => write!(
                f,
                "bị từ chối bởi dòng / denied by line {}{}",
                lines(&self.denies),
                if self.allows.is_empty() {
                    String::new()
                } else {
                    format!(" (thắng / over allow line {})", lines(&self.allows))
                }
            ),
            (false, true, true) => f.write_str("không dòng nào cho phép / no line allows it"),
            (false, false, true) => f.write_str("không xác định / undecided"),
        }
    }
}

/// The grants one policy has that another has not, and the reverse.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct PolicyDiff {
    /// Allowed by the new policy, not by the old.
    pub added: Vec<Grant>,
    /// Allowed by the old policy, not by the new.
    pub removed: Vec<Grant>,
}

impl PolicyDiff {
    /// What changes from `old` to `new`.
    pub fn between(old: &Policy, new: &Policy) -> Self {
        let (old, new) = (old.grants(), new.grants());
        Self { added: new.difference(&old).copied().collect(), removed: old.difference(&new).copied().collect() }
    }

    /// Whether nothing changes.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty()
    }

    /// The added grants of sensitive kinds: what a reload holds until it is confirmed.
    pub fn sensitive_added(&self) -> Vec<Grant> {
        self.added.iter().filter(|grant| grant.kind.sensitive().is_some()).copied().collect()
    }
}

/// Writes the grants of one side of a diff, grouped by role, kind and action.
fn write_side(f: &mut fmt::Formatter<'_>, sign: char, grants: &[Grant]) -> fmt::Result {
    let mut grouped: BTreeMap<(Role, Kind, Action), Vec<Relationship>> = BTreeMap::new();
    for grant in grants {
        grouped.entry((grant.role, grant.kind, grant.action)).or_default().push(grant.rel);
    }
    for ((role, kind, action), rels) in grouped {
        let (vi, en) = kind.words();
        let rels = rels.iter().map(|rel| rel.as_str()).collect::<Vec<_>>().join(", ");
        write!(f, "{sign} {role}, {kind}, {action} ({vi} / {en}) qua / through {rels}")?;
        if let Some(why) = kind.sensitive() {
            write!(f, "  [NHẠY CẢM / SENSITIVE: {} / {}]", why.vietnamese, why.english)?;
        }
        writeln!(f)?;
    }
    Ok(())
}

impl fmt::Display for PolicyDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return writeln!(f, "Không thay đổi quyền nào / no grant changes");
        }
        write_side(f, '+', &self.added)?;
        write_side(f, '-', &self.removed)
    }
}

/// The `p` lines of a policy: line number, request and whether it allows.
pub(crate) fn permission_lines(lines: &[Line]) -> impl Iterator<Item = (usize, Request, bool)> + '_ {
    lines.iter().filter_map(|line| match line.rule {
        Rule::Permission { request, allow } => Some((line.line, request, allow)),
        Rule::Inherit { .. } => None,
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::PolicyFiles;

    async fn load(policy_text: &str) -> Policy {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../policy");
        let files = PolicyFiles::in_dir(&dir);
        let model = std::fs::read_to_string(&files.model).unwrap();
        Policy::from_texts(&files, &model, policy_text).await.unwrap()
    }

    /// Every request of the vocabulary, decided by the lines and by casbin.
    fn agrees_with_casbin(policy: &Policy) {
        for &role in Role::ALL {
            for &kind in Kind::ALL {
                for &action in Action::ALL {
                    for &rel in Relationship::ALL {
                        let lines = policy.explain(role, kind, action, rel).allowed;
                        let casbin = policy.decide_uncached(role, kind, action, rel);
                        assert_eq!(lines, casbin, "{role}, {kind}, {action}, {rel}");
                    }
                }
            }
        }
    }

    #[tokio::test]
    async fn the_explanation_decides_the_shipped_policy_as_casbin_does() {
        let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../policy/policy.csv"));
        agrees_with_casbin(&load(&text.unwrap()).await);
    }

    #[tokio::test]
    async fn the_explanation_decides_inheritance_and_deny_lines_as_casbin_does() {
        let text = "g, vice_principal, principal\n\
                    g, clerk, vice_principal\n\
                    p, principal, student.health, read, in_school, allow\n\
                    p, principal, student.health, read, homeroom_of, allow\n\
                    p, vice_principal, student.health, read, any, deny\n\
                    p, principal, result, read, in_school, allow\n\
                    p, clerk, result, read, in_school, deny\n\
                    p, principal, disclosure, read, any, allow\n\
                    p, vice_principal, disclosure, read, in_school, deny\n";
        let policy = load(text).await;
        agrees_with_casbin(&policy);
        let why = policy.explain(Role::Clerk, Kind::StudentHealth, Action::Read, Relationship::HomeroomOf);
        assert!(!why.allowed);
        assert_eq!(why.allows, [Decisive { line: 4, role: Role::Principal, rel: Relationship::HomeroomOf }]);
        assert_eq!(why.denies, [Decisive { line: 5, role: Role::VicePrincipal, rel: Relationship::Any }]);
        assert!(why.to_string().contains("denied by line 5"), "{why}");
    }

    #[tokio::test]
    async fn a_diff_lists_grants_added_and_removed_with_inheritance_applied() {
        let old = load("g, vice_principal, principal\np, principal, result, read, in_school, allow\n").await;
        let new = load("g, vice_principal, principal\np, principal, student.health, read, in_school, allow\n").await;
        let diff = PolicyDiff::between(&old, &new);
        let names = |grants: &[Grant]| grants.iter().map(ToString::to_string).collect::<Vec<_>>();
        assert_eq!(
            names(&diff.added),
            ["principal, student.health, read, in_school", "vice_principal, student.health, read, in_school"]
        );
        assert_eq!(
            names(&diff.removed),
            ["principal, result, read, in_school", "vice_principal, result, read, in_school"]
        );
        assert_eq!(diff.sensitive_added().len(), 2);
    }
}
