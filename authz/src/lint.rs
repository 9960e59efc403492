//! What is likely wrong in a valid policy ([`Policy::lint`]): lines that never apply, allow
//! lines a deny line cancels or shadows, allow lines that repeat what another line already
//! grants, deny lines that take nothing away or leave the role other relationships to the
//! same kind, and sensitive grants no expected-decision case covers. Findings are advice:
//! a policy with findings still loads.

use std::fmt;
use std::path::PathBuf;

use crate::cases::Case;
use crate::grants::permission_lines;
use crate::policy::Policy;
use crate::vocab::{Relationship, Role};

/// One finding, on one line of the policy file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub file: PathBuf,
    pub line: usize,
    pub lint: Lint,
}

/// What is likely wrong with a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lint {
    /// The relationship never holds for the role (`shared` for anyone but a vendor, or a
    /// vendor's line on anything but `shared`).
    NeverApplies { role: Role, rel: Relationship },
    /// An allow line and a deny line of the same request: the allow never takes effect.
    Cancels { deny_line: usize },
    /// A deny line (of a role this one inherits from, or of every relationship) takes this
    /// allow line's request away: the allow never takes effect.
    Shadowed { deny_line: usize },
    /// Another allow line (earlier, or of a role this one inherits from) grants the same.
    Repeats { other_line: usize },
    /// A deny line that takes nothing away: nothing of its role, nor of the roles
    /// inheriting from it, would be allowed without it.
    TakesNothing,
    /// A deny line of one relationship while the role still has the kind and action through
    /// others (a deny with relationship `any` would take them all).
    LeavesOthers { role: Role, rels: Vec<Relationship> },
    /// A grant of a sensitive kind no case in `cases.csv` names.
    NotCovered { grant: crate::Grant },
    /// A `consented_for` grant of a kind no purpose needing consent in `purposes.csv`
    /// covers: nobody can consent to it, so it never applies.
    NoPurpose { kind: crate::Kind },
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: ", self.file.display(), self.line)?;
        match &self.lint {
            Lint::NeverApplies { role, rel } => write!(
                f,
                "dòng này không bao giờ có hiệu lực: quan hệ \"{rel}\" không bao giờ có với vai trò \"{role}\" \
                 / the line never applies: relationship \"{rel}\" never holds for role \"{role}\""
            ),
            Lint::Cancels { deny_line } => write!(
                f,
                "dòng cho phép bị dòng {deny_line} từ chối đúng yêu cầu đó: không có hiệu lực \
                 / allow line cancelled by the deny on line {deny_line} of the same request: it never applies"
            ),
            Lint::Shadowed { deny_line } => write!(
                f,
                "dòng cho phép bị dòng từ chối {deny_line} che: không có hiệu lực \
                 / allow line shadowed by the deny on line {deny_line}: it never applies"
            ),
            Lint::Repeats { other_line } => {
                write!(f, "dòng {other_line} đã cho phép đúng như vậy / line {other_line} already grants the same")
            }
            Lint::TakesNothing => f.write_str(
                "dòng từ chối không lấy đi quyền nào (không dòng nào cho phép điều đó) \
                 / deny line takes nothing away (no line allows it)",
            ),
            Lint::LeavesOthers { role, rels } => {
                let rels = rels.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ");
                write!(
                    f,
                    "dòng từ chối chỉ lấy đi quan hệ này: vai trò \"{role}\" vẫn được qua {rels} (dùng \"any\" để từ chối hết) \
                     / deny line takes away this relationship only: role \"{role}\" is still allowed through {rels} \
                     (deny with \"any\" to take them all)"
                )
            }
            Lint::NoPurpose { kind } => write!(
                f,
                "không mục đích cần đồng ý nào trong purposes.csv gồm loại \"{kind}\": dòng không bao giờ có hiệu lực \
                 / no purpose needing consent in purposes.csv covers kind \"{kind}\": the line never applies"
            ),
            Lint::NotCovered { grant } => write!(
                f,
                "quyền nhạy cảm chưa có tình huống kiểm tra trong cases.csv: {grant} \
                 / sensitive grant no case in cases.csv covers: {grant}"
            ),
        }
    }
}

impl Policy {
    /// The findings on this policy's lines; with `cases`, also the sensitive grants none
    /// of them names. In line order.
    pub fn lint(&self, cases: Option<&[Case]>) -> Vec<Finding> {
        let mut found: Vec<(usize, Lint)> = self
            .notices()
            .iter()
            .map(|notice| (notice.line, Lint::NeverApplies { role: notice.role, rel: notice.rel }))
            .collect();
        for (line, (role, kind, action, rel), allow) in permission_lines(self.lines()) {
            if !rel.can_hold_for(role) {
                continue;
            }
            if allow && rel == Relationship::ConsentedFor && self.consent_purposes(kind).is_empty() {
                found.push((line, Lint::NoPurpose { kind }));
                continue;
            }
            let why = self.explain(role, kind, action, rel);
            if allow {
                let exact = why.denies.iter().find(|deny| deny.role == role && deny.rel == rel);
                if let Some(deny) = exact.or(why.denies.first()) {
                    let lint = if exact.is_some() {
                        Lint::Cancels { deny_line: deny.line }
                    } else {
                        Lint::Shadowed { deny_line: deny.line }
                    };
                    found.push((line, lint));
                } else if let Some(other) =
                    why.allows.iter().find(|other| other.line != line && (other.role != role || other.line < line))
                {
                    found.push((line, Lint::Repeats { other_line: other.line }));
                }
                continue;
            }
            let heirs: Vec<Role> =
                Role::ALL.iter().copied().filter(|heir| self.roles_of(*heir).contains(&role)).collect();
            let rels: &[Relationship] = if rel == Relationship::Any { kind.relationships() } else { &[rel] };
            let takes = heirs
                .iter()
                .any(|heir| rels.iter().any(|rel| !self.explain(*heir, kind, action, *rel).allows.is_empty()));
            if !takes {
                found.push((line, Lint::TakesNothing));
            } else if rel != Relationship::Any {
                let others: Vec<Relationship> =
                    self.allowed_relationships(role, kind, action).into_iter().filter(|other| *other != rel).collect();
                if !others.is_empty() {
                    found.push((line, Lint::LeavesOthers { role, rels: others }));
                }
            }
        }
        if let Some(cases) = cases {
            for grant in self.grants() {
                let named = cases.iter().any(|case| {
                    (case.role, case.kind, case.action, case.rel) == (grant.role, grant.kind, grant.action, grant.rel)
                });
                if grant.kind.sensitive().is_some() && !named {
                    let why = self.explain(grant.role, grant.kind, grant.action, grant.rel);
                    let line = why.allows.first().map_or(0, |allow| allow.line);
                    found.push((line, Lint::NotCovered { grant }));
                }
            }
        }
        found.sort_by_key(|(line, _)| *line);
        found.into_iter().map(|(line, lint)| Finding { file: self.file().to_path_buf(), line, lint }).collect()
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::PolicyFiles;

    async fn lint(policy_text: &str, cases: &[Case]) -> Vec<(usize, Lint)> {
        let files = PolicyFiles::in_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../policy"));
        let model = std::fs::read_to_string(&files.model).unwrap();
        let policy = Policy::from_texts(&files, &model, policy_text).await.unwrap();
        policy.lint(Some(cases)).into_iter().map(|finding| (finding.line, finding.lint)).collect()
    }

    #[tokio::test]
    async fn the_shipped_policy_has_no_finding() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../policy");
        let files = PolicyFiles::in_dir(&dir);
        let policy = Policy::load(&files).await.unwrap();
        let cases = crate::read_cases(&files.cases).unwrap();
        let found: Vec<String> = policy.lint(Some(&cases)).iter().map(ToString::to_string).collect();
        assert!(found.is_empty(), "{}", found.join("\n"));
    }

    #[tokio::test]
    async fn each_kind_of_finding_is_found_on_its_line() {
        let text = "g, vice_principal, principal\n\
                    p, principal, result, read, in_school, allow\n\
                    p, principal, result, read, in_school, deny\n\
                    p, principal, student.address, read, in_school, allow\n\
                    p, vice_principal, student.address, read, any, deny\n\
                    p, vice_principal, student.address, read, in_school, allow\n\
                    p, principal, school, read, any, allow\n\
                    p, vice_principal, school, read, any, allow\n\
                    p, principal, class, read, in_school, deny\n\
                    p, principal, section, read, in_school, allow\n\
                    p, principal, section, read, oversees, allow\n\
                    p, principal, section, read, oversees, deny\n\
                    p, clerk, student, read, shared, allow\n\
                    p, clerk, student.health, read, in_school, allow\n\
                    p, homeroom_teacher, student.address, read, consented_for, allow\n";
        let found = lint(text, &[]).await;
        let clerk_health = crate::Grant {
            role: Role::Clerk,
            kind: crate::Kind::StudentHealth,
            action: crate::Action::Read,
            rel: Relationship::InSchool,
        };
        assert_eq!(
            found,
            [
                (2, Lint::Cancels { deny_line: 3 }),
                (6, Lint::Shadowed { deny_line: 5 }),
                (8, Lint::Repeats { other_line: 7 }),
                (9, Lint::TakesNothing),
                (11, Lint::Cancels { deny_line: 12 }),
                (12, Lint::LeavesOthers { role: Role::Principal, rels: vec![Relationship::InSchool] }),
                (13, Lint::NeverApplies { role: Role::Clerk, rel: Relationship::Shared }),
                (14, Lint::NotCovered { grant: clerk_health }),
                (15, Lint::NoPurpose { kind: crate::Kind::StudentAddress }),
            ]
        );
    }
}
