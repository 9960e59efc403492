//! Expected-decision cases (`policy/cases.csv`): reading them, checking a
//! policy against them and reporting the failures.
//!
//! A case line is `role, kind, action, relationship, allow|deny`; blank lines
//! and `#` comment lines are skipped; there is no header line.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::{PolicyError, Problem, Reason};
use crate::lines::{allow_or_deny, records, request};
use crate::policy::Policy;
use crate::vocab::{Action, Kind, Relationship, Role};

/// Fields of a case line.
const CASE_FIELDS: usize = 5;

/// One expected decision, with where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Case {
    pub file: PathBuf,
    /// 1-based line number in `file`.
    pub line: usize,
    pub role: Role,
    pub kind: Kind,
    pub action: Action,
    pub rel: Relationship,
    /// `true` for `allow`, `false` for `deny`.
    pub expected: bool,
}

impl fmt::Display for Case {
    /// `role kind action relationship`, as in the request.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {} {}", self.role, self.kind, self.action, self.rel)
    }
}

/// A case whose decision differs from the expected one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseFailure {
    pub case: Case,
    /// What the policy decided (`true` = allow).
    pub actual: bool,
}

fn word(allow: bool) -> &'static str {
    if allow { "allow" } else { "deny" }
}

impl fmt::Display for CaseFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (expected, actual) = (word(self.case.expected), word(self.actual));
        write!(
            f,
            "{}:{}: mong đợi {expected}, nhưng kết quả là {actual} / expected {expected}, got {actual} — {}",
            self.case.file.display(),
            self.case.line,
            self.case
        )
    }
}

/// The outcome of checking a policy against its cases.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CaseReport {
    pub passed: usize,
    pub failures: Vec<CaseFailure>,
}

impl CaseReport {
    /// Whether every case passed.
    pub fn all_passed(&self) -> bool {
        self.failures.is_empty()
    }

    /// `Ok` if every case passed, else [`PolicyError::CasesFailed`].
    pub fn into_result(self) -> Result<usize, PolicyError> {
        if self.all_passed() {
            Ok(self.passed)
        } else {
            Err(PolicyError::CasesFailed { passed: self.passed, failures: self.failures })
        }
    }
}

/// Parses one case line, pushing every reason it is invalid.
fn case(file: &Path, line: usize, fields: &[&str], reasons: &mut Vec<Reason>) -> Option<Case> {
    if fields.len() != CASE_FIELDS {
        reasons.push(Reason::WrongFieldCount { line_type: "case", expected: CASE_FIELDS, found: fields.len() });
        return None;
    }
    let expected = allow_or_deny(fields[4]);
    if expected.is_none() {
        reasons.push(Reason::BadExpectation(fields[4].to_owned()));
    }
    let (role, kind, action, rel) = request(&fields[..4], false, reasons)?;
    Some(Case { file: file.to_path_buf(), line, role, kind, action, rel, expected: expected? })
}

/// Parses the text of a cases file; every invalid line is reported.
pub(crate) fn parse_cases(file: &Path, text: &str) -> Result<Vec<Case>, PolicyError> {
    let mut cases = Vec::new();
    let mut problems = Vec::new();
    for (line, fields) in records(text) {
        let mut reasons = Vec::new();
        match case(file, line, &fields, &mut reasons) {
            Some(c) if reasons.is_empty() => cases.push(c),
            _ => problems.extend(reasons.into_iter().map(|reason| Problem { file: file.to_path_buf(), line, reason })),
        }
    }
    if problems.is_empty() { Ok(cases) } else { Err(PolicyError::Invalid { problems }) }
}

/// Reads and validates a cases file.
pub fn read_cases(path: &Path) -> Result<Vec<Case>, PolicyError> {
    let text = std::fs::read_to_string(path)
        .map(crate::files::without_bom)
        .map_err(|source| PolicyError::Io { file: path.to_path_buf(), source })?;
    parse_cases(path, &text)
}

impl Policy {
    /// Decides every case and reports those whose decision differs from the
    /// expected one.
    pub fn check_cases(&self, cases: &[Case]) -> CaseReport {
        let mut report = CaseReport::default();
        for case in cases {
            let actual = self.decide(case.role, case.kind, case.action, case.rel);
            if actual == case.expected {
                report.passed += 1;
            } else {
                report.failures.push(CaseFailure { case: case.clone(), actual });
            }
        }
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_reads_as_file_line_expectation_and_request() {
        let failure = CaseFailure {
            case: Case {
                file: PathBuf::from("policy/cases.csv"),
                line: 14,
                role: Role::SubjectTeacher,
                kind: Kind::GuardianContact,
                action: Action::Read,
                rel: Relationship::TeachesSection,
                expected: true,
            },
            actual: false,
        };
        let text = failure.to_string();
        assert!(text.starts_with("policy/cases.csv:14: "), "{text}");
        assert!(
            text.ends_with("expected allow, got deny — subject_teacher guardian.contact read teaches_section"),
            "{text}"
        );
    }

    #[test]
    fn bad_case_lines_are_all_reported() {
        let text = "# c\nguardian, result, read, guardian_of, allow\nguardian, result, read, any, allow\nx, result, read, self, maybe\nguardian, result\n";
        let Err(PolicyError::Invalid { problems }) = parse_cases(Path::new("c.csv"), text) else {
            panic!("expected invalid cases");
        };
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![3, 4, 4, 5]);
    }
}
