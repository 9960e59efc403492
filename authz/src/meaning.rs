//! Which relationships are meaningful for which kind of record: the table
//! that policy lines and cases are validated against; the words the server does not use
//! (refused in a line or case); and the roles no account can hold yet (noted).

use crate::vocab::{Action, Kind, Relationship, Role};

use Relationship as R;

const ORG_LIKE: &[Relationship] =
    &[R::Any, R::InSchool, R::Oversees, R::GuardianOf, R::HomeroomOf, R::TeachesSection, R::Shared];
const CLASS_LIKE: &[Relationship] =
    &[R::InSchool, R::Oversees, R::GuardianOf, R::HomeroomOf, R::TeachesSection, R::Shared];
const STAFF_LIKE: &[Relationship] = &[R::SelfRecord, R::InSchool, R::Oversees, R::Shared];
/// Staff contact, identity and address: never shared with vendors.
const STAFF_PRIVATE: &[Relationship] = &[R::SelfRecord, R::InSchool, R::Oversees];
const PERSONAL: &[Relationship] =
    &[R::SelfRecord, R::GuardianOf, R::HomeroomOf, R::TeachesSection, R::InSchool, R::Oversees, R::Shared];
/// A student's own field groups: also reachable under a purpose the family consented to.
const STUDENT_FIELDS: &[Relationship] = &[
    R::SelfRecord,
    R::GuardianOf,
    R::HomeroomOf,
    R::TeachesSection,
    R::InSchool,
    R::Oversees,
    R::Shared,
    R::ConsentedFor,
];
/// Records kept about a student in a class or school: their history follows the student.
const RECORDS: &[Relationship] = &[
    R::SelfRecord,
    R::GuardianOf,
    R::HomeroomOf,
    R::TeachesSection,
    R::InSchool,
    R::Oversees,
    R::CurrentStudent,
    R::Shared,
    R::ConsentedFor,
];
/// The student record itself: also reachable by those the student has left.
const STUDENT: &[Relationship] = &[
    R::SelfRecord,
    R::GuardianOf,
    R::HomeroomOf,
    R::TeachesSection,
    R::InSchool,
    R::Oversees,
    R::CurrentStudent,
    R::FormerStudent,
    R::Shared,
    R::ConsentedFor,
];
const DISCLOSURE: &[Relationship] = &[R::GuardianOf, R::InSchool, R::Oversees, R::Any];
/// What a school sent: the school's business, so judged on the school only.
const OUTBOX: &[Relationship] = &[R::InSchool, R::Oversees];
/// A conversation about a child: its families and teachers, and the school that moderates
/// it; only its members read or write it (the server adds that to every relationship).
const MESSAGE: &[Relationship] = &[R::GuardianOf, R::HomeroomOf, R::TeachesSection, R::InSchool, R::Oversees];
/// An account is judged on where its holder belongs: a staff member's school, or the
/// school of a guardian's child.
const ACCOUNT: &[Relationship] = &[R::InSchool, R::Oversees];
/// Nobody's records, in no school: only a grant to every caller of a role means anything.
const NATIONAL: &[Relationship] = &[R::Any];
/// An operation on a whole school.
const SCHOOL_WIDE: &[Relationship] = &[R::InSchool, R::Oversees];

impl Kind {
    /// The relationships that are meaningful for this kind; a policy line or
    /// case naming any other relationship for this kind is refused.
    pub const fn relationships(self) -> &'static [Relationship] {
        match self {
            Kind::Org | Kind::School | Kind::Subject => ORG_LIKE,
            Kind::Class | Kind::Section | Kind::ClassSummary => CLASS_LIKE,
            Kind::Staff => STAFF_LIKE,
            Kind::StaffContact | Kind::StaffIdentity | Kind::StaffAddress => STAFF_PRIVATE,
            Kind::Disclosure => DISCLOSURE,
            Kind::Outbox => OUTBOX,
            Kind::Message => MESSAGE,
            Kind::Account => ACCOUNT,
            Kind::SchoolYear => NATIONAL,
            Kind::Rollover | Kind::Sharing | Kind::Breach => SCHOOL_WIDE,
            Kind::Student => STUDENT,
            Kind::Enrollment
            | Kind::Result
            | Kind::Attendance
            | Kind::RecordChange
            | Kind::Conduct
            | Kind::Exemption => RECORDS,
            Kind::StudentIdentity | Kind::StudentAddress | Kind::StudentHealth | Kind::StudentBackground => {
                STUDENT_FIELDS
            }
            Kind::Guardian
            | Kind::GuardianContact
            | Kind::GuardianIdentity
            | Kind::GuardianAddress
            | Kind::Guardianship
            | Kind::ChangeRequest
            | Kind::LeaveRequest
            | Kind::Notice
            | Kind::Attachment
            | Kind::Transfer
            | Kind::Consent
            | Kind::SubjectRequest => PERSONAL,
        }
    }

    /// Whether `rel` is meaningful for this kind.
    pub fn allows_relationship(self, rel: Relationship) -> bool {
        self.relationships().contains(&rel)
    }
}

/// Why the server does not use a word of the vocabulary, in Vietnamese and English: a line
/// naming it would do nothing, so it is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unused {
    pub vietnamese: &'static str,
    pub english: &'static str,
}

impl Kind {
    /// Why the server does not use this kind, if it does not.
    pub const fn unused(self) -> Option<Unused> {
        match self {
            Kind::Org => Some(Unused {
                vietnamese: "máy chủ không cho xem tổ chức nào ngoài trường học; hãy dùng \"school\"",
                english: "the server shows no organisation other than schools; use \"school\"",
            }),
            Kind::Subject => Some(Unused {
                vietnamese: "danh sách môn học của chương trình là dữ liệu tham chiếu, hiện ra cùng lớp học \
                             phần hay kết quả với ai được xem chúng",
                english: "the curriculum's subjects are reference data, shown with the section or result \
                          they belong to to whoever may see that",
            }),
            _ => None,
        }
    }
}

impl Action {
    /// Why the server does not use this action, if it does not.
    pub const fn unused(self) -> Option<Unused> {
        match self {
            Action::Export => Some(Unused {
                vietnamese: "tải xuống (CSV, XLSX) theo quyền đọc những gì được tải",
                english: "downloads (CSV, XLSX) follow the read permissions of what they show",
            }),
            _ => None,
        }
    }
}

impl Relationship {
    /// Whether this relationship can ever hold for a caller acting as `role`: `any` holds
    /// for everyone; `shared` only for vendors, who are related to records by nothing else.
    pub const fn can_hold_for(self, role: Role) -> bool {
        match self {
            Relationship::Any => true,
            Relationship::Shared => matches!(role, Role::Vendor),
            _ => !matches!(role, Role::Vendor),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_kinds_are_only_meaningful_with_self_in_school_and_oversees() {
        assert!(Kind::StaffContact.allows_relationship(Relationship::SelfRecord));
        assert!(!Kind::StaffContact.allows_relationship(Relationship::GuardianOf));
        assert!(!Kind::Result.allows_relationship(Relationship::Any));
        assert!(Kind::Disclosure.allows_relationship(Relationship::Any));
    }

    #[test]
    fn a_former_student_is_reachable_by_name_only_and_records_follow_the_current_one() {
        assert!(Kind::Student.allows_relationship(Relationship::FormerStudent));
        for kind in [Kind::StudentHealth, Kind::Guardianship, Kind::Result, Kind::Attendance] {
            assert!(!kind.allows_relationship(Relationship::FormerStudent), "{kind}");
        }
        for kind in [Kind::Result, Kind::Attendance, Kind::Conduct, Kind::RecordChange, Kind::Enrollment] {
            assert!(kind.allows_relationship(Relationship::CurrentStudent), "{kind}");
        }
        assert!(!Kind::StudentIdentity.allows_relationship(Relationship::CurrentStudent));
    }
}
