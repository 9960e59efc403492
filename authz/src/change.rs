//! A change of the running policy, as the store reports it to whoever records it
//! ([`PolicyChange`]): the version before and after, the grants and lines added and removed,
//! and who confirmed it. Also the officer's confirmations (`confirmed.csv`): a change that
//! adds a grant of a sensitive kind waits until that file names its version.

use std::collections::BTreeMap;
use std::fmt;

use crate::grants::PolicyDiff;
use crate::lines::records;

/// The file beside `policy.csv` where the privacy officer confirms a held change: one line
/// `version, who` per confirmed version.
pub const CONFIRMATIONS: &str = "confirmed.csv";

/// What became of a change of the policy files.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The new policy runs.
    Applied,
    /// The new policy adds a grant of a sensitive kind and its version is not confirmed:
    /// the running policy stays.
    Held,
    /// The new files are invalid or break a case: the running policy stays.
    Refused,
}

impl Outcome {
    /// The word stored for it.
    pub fn as_str(&self) -> &'static str {
        match self {
            Outcome::Applied => "applied",
            Outcome::Held => "held",
            Outcome::Refused => "refused",
        }
    }
}

/// The lines of the policy file added and removed (comments and blank lines aside), each
/// with its line number in the file it is in.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct LineDiff {
    pub added: Vec<(usize, String)>,
    pub removed: Vec<(usize, String)>,
}

impl LineDiff {
    /// The lines of `new` not in `old` and of `old` not in `new`, compared as normalised
    /// records (fields trimmed, one space after each comma).
    pub fn between(old: &str, new: &str) -> Self {
        let normal = |text: &str| -> Vec<(usize, String)> {
            records(text).map(|(line, fields)| (line, fields.join(", "))).collect()
        };
        let (old, new) = (normal(old), normal(new));
        let missing_from = |these: &[(usize, String)], those: &[(usize, String)]| -> Vec<(usize, String)> {
            let mut left: BTreeMap<&str, usize> = BTreeMap::new();
            for (_, text) in those {
                *left.entry(text.as_str()).or_default() += 1;
            }
            these
                .iter()
                .filter(|(_, text)| match left.get_mut(text.as_str()) {
                    Some(count) if *count > 0 => {
                        *count -= 1;
                        false
                    }
                    _ => true,
                })
                .cloned()
                .collect()
        };
        Self { added: missing_from(&new, &old), removed: missing_from(&old, &new) }
    }
}

impl fmt::Display for LineDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (line, text) in &self.removed {
            writeln!(f, "- {line}: {text}")?;
        }
        for (line, text) in &self.added {
            writeln!(f, "+ {line}: {text}")?;
        }
        Ok(())
    }
}

/// One attempted change of the running policy.
#[derive(Clone, Debug, serde::Serialize)]
pub struct PolicyChange {
    pub outcome: Outcome,
    /// The version that ran before.
    pub previous_version: String,
    /// The version of the files (empty when they could not be loaded).
    pub version: String,
    /// Who confirmed this version in `confirmed.csv`, if anyone did.
    pub confirmed_by: Option<String>,
    pub grants: PolicyDiff,
    pub lines: LineDiff,
    /// Why the change was refused or held, in words.
    pub reason: Option<String>,
    /// The new policy text (empty when it could not be read).
    #[serde(skip)]
    pub text: String,
    /// The new model text (empty when it could not be read).
    #[serde(skip)]
    pub model: String,
}

/// The confirmations in a `confirmed.csv` text: version → who confirmed it.
pub fn confirmations(text: &str) -> BTreeMap<String, String> {
    records(text)
        .filter_map(|(_, fields)| match fields.as_slice() {
            [version, who, ..] if !version.is_empty() && !who.is_empty() => {
                Some(((*version).to_owned(), (*who).to_owned()))
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_diff_ignores_comments_spacing_and_order_of_equal_lines() {
        let old = "# a\np, guardian, result, read, guardian_of, allow\np,clerk,student,read,in_school,allow\n";
        let new = "p, clerk, student, read, in_school, allow\n\np, guardian, result, read, guardian_of, allow\n\
                   p, subject_teacher, student.health, read, in_school, allow\n";
        let diff = LineDiff::between(old, new);
        assert_eq!(diff.added, vec![(4, "p, subject_teacher, student.health, read, in_school, allow".to_owned())]);
        assert!(diff.removed.is_empty());
    }

    #[test]
    fn confirmations_are_version_and_who_and_other_lines_are_ignored() {
        let text = "# version, who\n0123abcd, Nguyễn Thị Bảo Mật\nlonely\n, nobody\n";
        let found = confirmations(text);
        assert_eq!(found.len(), 1);
        assert_eq!(found["0123abcd"], "Nguyễn Thị Bảo Mật");
    }
}
