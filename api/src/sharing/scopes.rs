//! What an agreement may share: OAuth scopes (the OneRoster 1.2 scope names, and EMIS's own
//! for attendance and notices) and field groups (the policy's kinds a vendor may be shown).
//! Words are read in any case with surrounding spaces ignored; anything else is refused with
//! the list of what is known.

use crate::error::ApiError;
use emis_authz::Kind;

/// The OneRoster 1.2 scopes' common prefix.
const ONEROSTER: &str = "https://purl.imsglobal.org/spec/or/v1p2/scope/";

/// Every scope a token may carry.
pub const SCOPES: [&str; 7] = [
    "https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly",
    "https://purl.imsglobal.org/spec/or/v1p2/scope/roster.readonly",
    "https://purl.imsglobal.org/spec/or/v1p2/scope/roster-demographics.readonly",
    "https://purl.imsglobal.org/spec/or/v1p2/scope/gradebook.readonly",
    "https://purl.imsglobal.org/spec/or/v1p2/scope/resource.readonly",
    "emis.attendance.readonly",
    "emis.notices.readonly",
];

/// The field groups an agreement may share: records about students and the places and
/// staff they are taught in — never health notes, messages, accounts, the disclosure log or
/// the outbox. Each is reached only through a scope that covers it ([`kinds_of`]) and a
/// policy line that lets vendors read it.
pub const FIELD_GROUPS: [Kind; 16] = [
    Kind::School,
    Kind::Class,
    Kind::Section,
    Kind::Staff,
    Kind::Student,
    Kind::StudentIdentity,
    Kind::StudentAddress,
    Kind::StudentBackground,
    Kind::Guardian,
    Kind::GuardianContact,
    Kind::Guardianship,
    Kind::Enrollment,
    Kind::Result,
    Kind::Attendance,
    Kind::Conduct,
    Kind::Notice,
];

/// The rostering core: organisations, classes and their sections, teachers, students and
/// enrollments.
const ROSTER_CORE: &[Kind] = &[Kind::School, Kind::Class, Kind::Section, Kind::Staff, Kind::Student, Kind::Enrollment];
/// The whole roster: the core, families (guardians, their links to children and contact),
/// and the students' identity numbers and addresses.
const ROSTER: &[Kind] = &[
    Kind::School,
    Kind::Class,
    Kind::Section,
    Kind::Staff,
    Kind::Student,
    Kind::Enrollment,
    Kind::Guardian,
    Kind::Guardianship,
    Kind::GuardianContact,
    Kind::StudentIdentity,
    Kind::StudentAddress,
];

/// The kinds a scope covers: what a token carrying it may read, within its agreements'
/// field groups. `resource.readonly` covers nothing EMIS keeps.
pub fn kinds_of(scope: &str) -> &'static [Kind] {
    match scope.strip_prefix(ONEROSTER).unwrap_or(scope) {
        "roster-core.readonly" => ROSTER_CORE,
        "roster.readonly" => ROSTER,
        "roster-demographics.readonly" => &[Kind::StudentBackground],
        "gradebook.readonly" => &[Kind::Result, Kind::Conduct],
        "emis.attendance.readonly" => &[Kind::Attendance],
        "emis.notices.readonly" => &[Kind::Notice],
        _ => &[],
    }
}

/// `words` as known scopes (a OneRoster scope may be written by its short name, say
/// `roster-core.readonly`), sorted and without repeats; refused when one is not known or
/// none is given.
pub fn scopes(words: &[String]) -> Result<Vec<&'static str>, ApiError> {
    let mut found = Vec::new();
    for word in words {
        let word = word.trim().to_lowercase();
        let known = SCOPES.iter().find(|&&scope| scope == word || scope.strip_prefix(ONEROSTER) == Some(word.as_str()));
        found.push(*known.ok_or_else(|| {
            ApiError::bad_input(
                format!("phạm vi {word:?} không được hỗ trợ; các phạm vi: {}", SCOPES.join(" ")),
                format!("the scope {word:?} is not supported; the scopes are: {}", SCOPES.join(" ")),
            )
        })?);
    }
    if found.is_empty() {
        return Err(ApiError::bad_input("hãy chọn ít nhất một phạm vi", "name at least one scope"));
    }
    found.sort_unstable();
    found.dedup();
    Ok(found)
}

/// `words` as field groups an agreement may share, sorted and without repeats; refused when
/// one is not a kind of the policy, or one no vendor may be shown, or none is given.
pub fn field_groups(words: &[String]) -> Result<Vec<Kind>, ApiError> {
    let known: Vec<&str> = FIELD_GROUPS.iter().map(|kind| kind.as_str()).collect();
    let mut found = Vec::new();
    for word in words {
        let word = word.trim().to_lowercase();
        let kind = FIELD_GROUPS.iter().find(|kind| kind.as_str() == word).ok_or_else(|| {
            ApiError::bad_input(
                format!("nhóm dữ liệu {word:?} không thể chia sẻ; các nhóm: {}", known.join(", ")),
                format!("the field group {word:?} cannot be shared; the groups are: {}", known.join(", ")),
            )
        })?;
        found.push(*kind);
    }
    if found.is_empty() {
        return Err(ApiError::bad_input("hãy chọn ít nhất một nhóm dữ liệu", "name at least one field group"));
    }
    found.sort_unstable();
    found.dedup();
    Ok(found)
}

#[cfg(test)]
mod tests {
    #[test]
    fn scopes_and_field_groups_are_read_loosely_and_refused_when_unknown() {
        let asked =
            ["Roster-Core.readonly ".to_owned(), super::SCOPES[0].to_owned(), "emis.notices.readonly".to_owned()];
        assert_eq!(super::scopes(&asked).unwrap(), vec!["emis.notices.readonly", super::SCOPES[0]]);
        assert!(super::scopes(&["roster.write".to_owned()]).is_err());
        assert!(super::scopes(&[]).is_err());
        let groups = super::field_groups(&["Student".to_owned(), " enrollment".to_owned()]).unwrap();
        assert_eq!(groups, vec![emis_authz::Kind::Student, emis_authz::Kind::Enrollment]);
        assert!(super::field_groups(&["message".to_owned()]).is_err(), "conversations are never shared");
        assert!(super::field_groups(&["student.health".to_owned()]).is_err(), "nor health notes");
    }

    #[test]
    fn every_field_group_is_covered_by_a_scope_and_every_covered_kind_may_be_shared() {
        let covered: Vec<_> = super::SCOPES.iter().flat_map(|scope| super::kinds_of(scope)).collect();
        for group in super::FIELD_GROUPS {
            assert!(covered.contains(&&group), "{group} is covered by no scope");
        }
        for kind in covered {
            assert!(super::FIELD_GROUPS.contains(kind), "{kind} is covered but cannot be shared");
        }
        assert_eq!(super::kinds_of("roster-core.readonly"), super::kinds_of(super::SCOPES[0]));
    }
}
