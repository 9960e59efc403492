//! Errors of loading and checking a policy: the error type [`PolicyError`],
//! one invalid line ([`Problem`]) and why it is invalid ([`Reason`]).
//!
//! Every message a privacy officer may read is bilingual, Vietnamese first,
//! then English, separated by ` / `.

use std::fmt;
use std::path::PathBuf;

use crate::cases::CaseFailure;
use crate::meaning::Unused;
use crate::vocab::{Kind, Relationship, Role, UnknownName, Vocabulary};

/// Why one line of a policy or cases file is invalid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// A role, kind, action or relationship that is not in the vocabulary.
    Unknown(UnknownName),
    /// The relationship exists but means nothing for this kind of record.
    RelationshipNotMeaningful { kind: Kind, rel: Relationship },
    /// The effect (last field of a `p` line) is neither `allow` nor `deny`.
    BadEffect(String),
    /// The expected decision of a case is neither `allow` nor `deny`.
    BadExpectation(String),
    /// The line has the wrong number of comma-separated fields.
    WrongFieldCount { line_type: &'static str, expected: usize, found: usize },
    /// The first field of a policy line is neither `p` nor `g`.
    UnknownLineType(String),
    /// A word of the vocabulary that the server does not use: the line would do nothing.
    NotUsed { vocabulary: Vocabulary, word: &'static str, why: Unused },
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Unknown(unknown) => unknown.fmt(f),
            Reason::RelationshipNotMeaningful { kind, rel } => {
                let meaningful = kind.relationships().iter().map(|r| r.as_str()).collect::<Vec<_>>().join(" ");
                write!(
                    f,
                    "quan hệ \"{rel}\" không áp dụng cho loại dữ liệu \"{kind}\" (dùng được: {meaningful}) \
                     / relationship \"{rel}\" is not meaningful for kind \"{kind}\" (meaningful: {meaningful})"
                )
            }
            Reason::BadEffect(eft) => write!(
                f,
                "hiệu lực phải là allow hoặc deny, không phải {eft:?} \
                 / effect must be allow or deny, not {eft:?}"
            ),
            Reason::BadExpectation(exp) => write!(
                f,
                "kết quả mong đợi phải là allow hoặc deny, không phải {exp:?} \
                 / expected decision must be allow or deny, not {exp:?}"
            ),
            Reason::WrongFieldCount { line_type, expected, found } => write!(
                f,
                "dòng {line_type} cần {expected} trường, nhưng có {found} \
                 / a {line_type} line needs {expected} fields, found {found}"
            ),
            Reason::NotUsed { vocabulary, word, why } => {
                let (vi, en) = vocabulary.names();
                write!(
                    f,
                    "{vi} \"{word}\" không được máy chủ dùng ({}) / {en} \"{word}\" is not used by the server ({})",
                    why.vietnamese, why.english
                )
            }
            Reason::UnknownLineType(first) => write!(
                f,
                "loại dòng không xác định {first:?} (chỉ dùng p hoặc g) \
                 / unknown line type {first:?} (use p or g)"
            ),
        }
    }
}

/// One invalid line: the file, the 1-based line number and the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    pub line: usize,
    pub reason: Reason,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.reason)
    }
}

/// A line the policy keeps that can never apply: its relationship never holds for its role
/// (`shared` holds for vendors only, and vendors are related to records by nothing else).
/// Shown by `emis policy check` and logged when the server loads the policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub file: PathBuf,
    pub line: usize,
    pub role: Role,
    pub rel: Relationship,
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: dòng này không bao giờ có hiệu lực: quan hệ \"{rel}\" không bao giờ có với vai trò \"{role}\" \
             / the line never applies: relationship \"{rel}\" never holds for role \"{role}\"",
            self.file.display(),
            self.line,
            role = self.role,
            rel = self.rel
        )
    }
}

/// Writes one item per line.
fn each_on_its_own_line<T: fmt::Display>(items: &[T]) -> String {
    items.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
}

/// Why a policy was not loaded (or a reload was refused).
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// A file could not be read.
    #[error("{}: không đọc được tệp / cannot read file: {source}", file.display())]
    Io {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The model file does not parse, or is not of the shape this crate needs.
    #[error("{}: mô hình không hợp lệ / invalid model: {reason}", file.display())]
    Model { file: PathBuf, reason: String },
    /// casbin refused the policy file (should not happen after validation).
    #[error("{}: casbin không nạp được chính sách / casbin could not load the policy: {reason}", file.display())]
    Casbin { file: PathBuf, reason: String },
    /// One or more lines are invalid; every one is listed.
    #[error("{}", each_on_its_own_line(problems))]
    Invalid { problems: Vec<Problem> },
    /// The policy loaded but some expected-decision cases fail.
    #[error("{}", each_on_its_own_line(failures))]
    CasesFailed { passed: usize, failures: Vec<CaseFailure> },
    /// Lines of the purposes list that cannot be read; every one is listed.
    #[error("{}", reasons.join("\n"))]
    Purposes { file: PathBuf, reasons: Vec<String> },
}
