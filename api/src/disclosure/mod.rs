//! The disclosure log: who was shown which of a student's grades and sensitive fields, when,
//! through which session and for which purpose — except reads by the student's own
//! guardians. It is append-only and tamper-evident: every entry's hash is an HMAC, under a
//! key only the server identity opens, of its content and the previous entry's hash, so
//! editing, deleting or inserting an entry breaks the chain ([`verify_chain`], `emis audit
//! verify`) and a database writer cannot mend it. Guardians read their children's entries
//! through the API (`Student.disclosures`), as the policy's `disclosure` kind allows.
//!
//! Resolvers note disclosures in a per-request [`Disclosures`]; when the response is ready
//! the request hands them over as one entry per school and set of field groups, listing the
//! students, to the [`DisclosureWriter`], and sends the response only once they are
//! committed: nothing is shown without its record, even if the server is killed a moment
//! later. The writer commits the entries of all requests waiting at once in one transaction
//! (group commit); a request whose entries cannot be written answers an error instead of
//! the data.

mod chain;
pub mod export;
mod keyed;
mod writer;

pub use chain::{Broken, CHAIN_SCOPE, entry_hash, timestamp, verify_chain};
pub use keyed::{chain_key, stored as stored_chain_key};
pub use writer::{DisclosureWriter, NotLogged};

use crate::auth::Principal;
use crate::error::ApiError;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

/// What one request disclosed: per student, the school and the field groups.
#[derive(Default)]
pub struct Disclosures {
    notes: Mutex<BTreeMap<i64, (i64, BTreeSet<&'static str>)>>,
}

impl Disclosures {
    /// Notes that `field` of `student` (of `school`) was shown to `principal`, unless the
    /// principal is the student's own guardian or the student themselves.
    pub fn note(&self, principal: &Principal, student: i64, school: i64, field: &'static str) {
        if principal.children.contains(&student) || principal.student_id() == Some(student) {
            return;
        }
        if let Ok(mut notes) = self.notes.lock() {
            notes.entry(student).or_insert_with(|| (school, BTreeSet::new())).1.insert(field);
        }
    }

    /// Takes the notes, leaving none: one [`Disclosed`] per school and set of field groups.
    pub fn take(&self) -> Vec<Disclosed> {
        let notes = self.notes.lock().map(|mut notes| std::mem::take(&mut *notes)).unwrap_or_default();
        let mut grouped: BTreeMap<(i64, String), Vec<i64>> = BTreeMap::new();
        // Students come in ascending order, so each list is ascending too.
        for (student, (school, fields)) in notes {
            let fields = fields.into_iter().collect::<Vec<_>>().join(" ");
            grouped.entry((school, fields)).or_default().push(student);
        }
        grouped.into_iter().map(|((school, fields), students)| Disclosed { school, fields, students }).collect()
    }
}

/// What one request showed of some students of one school: the same field groups of each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disclosed {
    pub school: i64,
    /// Space-separated field groups, e.g. `result student.identity`.
    pub fields: String,
    /// Ascending student ids.
    pub students: Vec<i64>,
}

impl Disclosed {
    /// The students as the log stores them: ascending ids, space-separated.
    pub fn students_text(&self) -> String {
        self.students.iter().map(i64::to_string).collect::<Vec<_>>().join(" ")
    }
}

/// Who was shown the data, and why: the request's side of an entry.
#[derive(Debug, Clone, Default)]
pub struct Recipient {
    pub actor_kind: &'static str,
    pub actor_id: i64,
    pub session_id: Option<i64>,
    pub purpose: String,
    /// The purpose of what was shown of a school's students, where it depends on the school
    /// (a vendor's agreements covering it); `purpose` elsewhere.
    pub purposes_by_school: BTreeMap<i64, String>,
    /// The version of the policy the request is judged under.
    pub policy_version: String,
}

impl Recipient {
    /// Whom the log names for what `principal` is shown (people and vendors), under the
    /// purpose the request declared; a vendor's purposes are those of its agreements covering
    /// each school, each written `code#agreement`; each entry names the version of `policy`,
    /// the one the request is judged under.
    pub fn of(principal: &Principal, declared: String, policy: &emis_authz::Policy) -> Option<Recipient> {
        let policy_version = policy.version().to_owned();
        if let Some(vendor) = &principal.vendor {
            let named = |agreements: Vec<&crate::auth::vendor::Agreement>| {
                agreements.iter().map(|a| format!("{}#{}", a.purpose, a.id)).collect::<Vec<_>>().join(" ")
            };
            let schools: BTreeSet<i64> = vendor.agreements.iter().flat_map(|a| a.schools.iter().copied()).collect();
            let purposes_by_school =
                schools.into_iter().map(|school| (school, named(vendor.agreements_at(school).collect()))).collect();
            return Some(Recipient {
                actor_kind: "vendor",
                actor_id: vendor.client,
                session_id: None,
                purpose: named(vendor.agreements.iter().collect()),
                purposes_by_school,
                policy_version,
            });
        }
        principal.account.map(|account| Recipient {
            actor_kind: account.kind(),
            actor_id: account.id(),
            session_id: principal.session_id,
            purpose: declared,
            purposes_by_school: BTreeMap::new(),
            policy_version,
        })
    }

    /// The purpose recorded for what was shown of `school`'s students.
    pub fn purpose_at(&self, school: i64) -> &str {
        self.purposes_by_school.get(&school).unwrap_or(&self.purpose)
    }
}

/// Longest purpose recorded, in characters.
const PURPOSE_CHARS: usize = 64;

/// The purpose a request declares in `X-EMIS-Purpose`, recorded as given (trimmed): any
/// UTF-8 text of at most 64 characters without control characters, such as `giáo dục`;
/// `education` when the request declares none. Anything else is refused, so that no request
/// is recorded under a purpose it did not declare.
pub fn purpose_from_header(value: Option<&[u8]>) -> Result<String, ApiError> {
    let Some(value) = value else { return Ok("education".to_owned()) };
    let text = std::str::from_utf8(value).map(str::trim).ok();
    match text {
        Some("") => Ok("education".to_owned()),
        Some(text) if text.chars().count() <= PURPOSE_CHARS && !text.chars().any(char::is_control) => {
            Ok(text.to_owned())
        }
        _ => Err(ApiError::bad_input(
            "tiêu đề X-EMIS-Purpose phải là văn bản UTF-8 tối đa 64 ký tự, không có ký tự điều khiển",
            "the X-EMIS-Purpose header must be UTF-8 text of at most 64 characters, without control characters",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::purpose_from_header;

    #[test]
    fn a_declared_purpose_is_kept_as_given_and_an_unusable_one_refused() {
        assert_eq!(purpose_from_header(None).unwrap(), "education");
        assert_eq!(purpose_from_header(Some(b"  ")).unwrap(), "education");
        assert_eq!(purpose_from_header(Some(" giáo dục ".as_bytes())).unwrap(), "giáo dục");
        assert_eq!(purpose_from_header(Some(b"audit review")).unwrap(), "audit review");
        assert_eq!(purpose_from_header(Some("đ".repeat(64).as_bytes())).unwrap(), "đ".repeat(64));
        for refused in [&b"gi\xe1o"[..], "đ".repeat(65).as_bytes(), b"a\tb", b"a\x7fb"] {
            assert!(purpose_from_header(Some(refused)).is_err(), "{refused:?}");
        }
    }
}
