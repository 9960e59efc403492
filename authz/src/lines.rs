//! Reading and validating the lines of `policy.csv` ourselves, before casbin
//! sees them (casbin silently accepts unknown names and ignores unknown line
//! types, and would accept words the server does not use). Also owns the
//! comma-splitting shared with `cases.csv`, and finds the lines that can never
//! apply (a relationship that never holds for the line's role).
//!
//! A `deny` line whose relationship is `any` takes its kind and action away from
//! its role under every relationship (the matcher in `model.conf` says so), so it
//! is accepted for every kind, even one `any` is not meaningful for.

use std::path::Path;
use std::str::FromStr;

use crate::error::{Notice, Problem, Reason};
use crate::vocab::{Action, Kind, Relationship, Role, UnknownName, Vocabulary};

/// A `p` line has the line type and `sub, obj, act, rel, eft`.
pub(crate) const P_FIELDS: usize = 6;
/// A `g` line has the line type and two roles.
pub(crate) const G_FIELDS: usize = 3;

/// One request, as named by a `p` line or a case.
pub(crate) type Request = (Role, Kind, Action, Relationship);

/// One valid line of `policy.csv`, with its 1-based line number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Line {
    pub(crate) line: usize,
    pub(crate) rule: Rule,
}

/// One valid line of `policy.csv`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rule {
    /// `p, role, kind, action, rel, allow|deny`
    Permission { request: Request, allow: bool },
    /// `g, role, parent`: `role` has every permission of `parent`.
    Inherit { role: Role, parent: Role },
}

/// The non-blank, non-comment lines of a CSV text, with 1-based line numbers
/// and their fields trimmed (the same lines casbin's adapters read).
pub(crate) fn records(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    text.lines().enumerate().filter_map(|(i, line)| {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            None
        } else {
            Some((i + 1, line.split(',').map(str::trim).collect()))
        }
    })
}

/// Parses one vocabulary word, recording the reason if it is unknown.
fn word<T: FromStr<Err = UnknownName>>(field: &str, reasons: &mut Vec<Reason>) -> Option<T> {
    field.parse().map_err(|e| reasons.push(Reason::Unknown(e))).ok()
}

/// Parses `role, kind, action, rel` (exactly four fields), checking that the
/// relationship is meaningful for the kind (any kind takes `any` when `kind_wide`: a
/// deny line's).
pub(crate) fn request(fields: &[&str], kind_wide: bool, reasons: &mut Vec<Reason>) -> Option<Request> {
    let [role, kind, action, rel] = fields else {
        return None;
    };
    let role = word::<Role>(role, reasons);
    let kind = word::<Kind>(kind, reasons);
    let action = word::<Action>(action, reasons);
    let rel = word::<Relationship>(rel, reasons);
    let (role, kind, action, rel) = (role?, kind?, action?, rel?);
    let meaningful = kind.allows_relationship(rel) || (kind_wide && rel == Relationship::Any);
    if !meaningful {
        reasons.push(Reason::RelationshipNotMeaningful { kind, rel });
        return None;
    }
    let unused = [
        kind.unused().map(|why| (Vocabulary::Kind, kind.as_str(), why)),
        action.unused().map(|why| (Vocabulary::Action, action.as_str(), why)),
    ];
    let before = reasons.len();
    reasons.extend(unused.into_iter().flatten().map(|(vocabulary, word, why)| Reason::NotUsed {
        vocabulary,
        word,
        why,
    }));
    (reasons.len() == before).then_some((role, kind, action, rel))
}

/// The `p` lines of a policy text whose relationship never holds for their role, as notices.
pub(crate) fn never_apply(file: &Path, text: &str) -> Vec<Notice> {
    let mut notices = Vec::new();
    for (line, fields) in records(text) {
        let ["p", role, _, _, rel, _] = fields.as_slice() else { continue };
        let (Ok(role), Ok(rel)) = (role.parse::<Role>(), rel.parse::<Relationship>()) else { continue };
        if !rel.can_hold_for(role) {
            notices.push(Notice { file: file.to_path_buf(), line, role, rel });
        }
    }
    notices
}

/// Parses `allow` or `deny`.
pub(crate) fn allow_or_deny(field: &str) -> Option<bool> {
    match field {
        "allow" => Some(true),
        "deny" => Some(false),
        _ => None,
    }
}

fn field_count(line_type: &'static str, expected: usize, found: usize) -> Reason {
    Reason::WrongFieldCount { line_type, expected, found }
}

/// Parses one policy line, pushing every reason it is invalid.
fn rule(fields: &[&str], reasons: &mut Vec<Reason>) -> Option<Rule> {
    match fields {
        ["p", rest @ ..] if fields.len() == P_FIELDS => {
            let eft = allow_or_deny(rest[4]);
            if eft.is_none() {
                reasons.push(Reason::BadEffect(rest[4].to_owned()));
            }
            let request = request(&rest[..4], eft == Some(false), reasons);
            Some(Rule::Permission { request: request?, allow: eft? })
        }
        ["g", role, parent] => {
            let role = word::<Role>(role, reasons);
            let parent = word::<Role>(parent, reasons);
            Some(Rule::Inherit { role: role?, parent: parent? })
        }
        ["p", ..] => {
            reasons.push(field_count("p", P_FIELDS, fields.len()));
            None
        }
        ["g", ..] => {
            reasons.push(field_count("g", G_FIELDS, fields.len()));
            None
        }
        [first, ..] => {
            reasons.push(Reason::UnknownLineType((*first).to_owned()));
            None
        }
        [] => None,
    }
}

/// Validates every line of a policy text. Returns the rules, or every
/// problem found in the whole file.
pub(crate) fn parse_policy(file: &Path, text: &str) -> Result<Vec<Line>, Vec<Problem>> {
    let mut rules = Vec::new();
    let mut problems = Vec::new();
    for (line, fields) in records(text) {
        let mut reasons = Vec::new();
        match rule(&fields, &mut reasons) {
            Some(rule) if reasons.is_empty() => rules.push(Line { line, rule }),
            _ => problems.extend(reasons.into_iter().map(|reason| Problem { file: file.to_path_buf(), line, reason })),
        }
    }
    if problems.is_empty() { Ok(rules) } else { Err(problems) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reasons(text: &str) -> Vec<(usize, Reason)> {
        match parse_policy(Path::new("p.csv"), text) {
            Ok(_) => Vec::new(),
            Err(problems) => problems.into_iter().map(|p| (p.line, p.reason)).collect(),
        }
    }

    #[test]
    fn comments_blank_lines_and_spacing_are_accepted() {
        let text = "# intro\n\n  # indented comment\np,guardian, result ,read,guardian_of,allow\r\ng, vice_principal, principal\n";
        let rules = parse_policy(Path::new("p.csv"), text).unwrap();
        assert_eq!(rules.len(), 2);
    }

    #[test]
    fn one_line_with_several_mistakes_reports_each_of_them() {
        let found = reasons("p, teachr, results, read, guardian_of, alow\n");
        assert_eq!(found.len(), 3);
        assert!(found.iter().all(|(line, _)| *line == 1));
    }

    #[test]
    fn a_trailing_comment_after_the_effect_is_a_bad_effect() {
        let found = reasons("p, guardian, result, read, guardian_of, allow # why\n");
        assert_eq!(found, vec![(1, Reason::BadEffect("allow # why".to_owned()))]);
    }

    #[test]
    fn a_deny_of_any_relationship_is_accepted_for_every_kind_and_an_allow_is_not() {
        assert_eq!(reasons("p, subject_teacher, student.health, read, any, deny\n"), vec![]);
        let found = reasons("p, subject_teacher, student.health, read, any, allow\n");
        assert!(matches!(found.as_slice(), [(1, Reason::RelationshipNotMeaningful { .. })]), "{found:?}");
    }

    #[test]
    fn quoted_fields_and_unknown_line_types_are_refused() {
        let found = reasons("p, \"guardian\", result, read, guardian_of, allow\np2, a\n");
        assert_eq!(found.len(), 2);
        assert_eq!(found[1], (2, Reason::UnknownLineType("p2".to_owned())));
    }
}
