//! Which relationships are meaningful for which kind of record: the table
//! that policy lines and cases are validated against.

use crate::vocab::{Kind, Relationship};

use Relationship as R;

const ORG_LIKE: &[Relationship] = &[R::Any, R::InSchool, R::Oversees, R::GuardianOf, R::HomeroomOf, R::TeachesSection];
const CLASS_LIKE: &[Relationship] = &[R::InSchool, R::Oversees, R::GuardianOf, R::HomeroomOf, R::TeachesSection];
const STAFF_LIKE: &[Relationship] = &[R::SelfRecord, R::InSchool, R::Oversees];
const PERSONAL: &[Relationship] =
    &[R::SelfRecord, R::GuardianOf, R::HomeroomOf, R::TeachesSection, R::InSchool, R::Oversees];
/// Records kept about a student in a class or school: their history follows the student.
const RECORDS: &[Relationship] =
    &[R::SelfRecord, R::GuardianOf, R::HomeroomOf, R::TeachesSection, R::InSchool, R::Oversees, R::CurrentStudent];
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
];
const DISCLOSURE: &[Relationship] = &[R::GuardianOf, R::InSchool, R::Oversees, R::Any];

impl Kind {
    /// The relationships that are meaningful for this kind; a policy line or
    /// case naming any other relationship for this kind is refused.
    pub const fn relationships(self) -> &'static [Relationship] {
        match self {
            Kind::Org | Kind::School | Kind::Subject => ORG_LIKE,
            Kind::Class | Kind::Section | Kind::ClassSummary => CLASS_LIKE,
            Kind::Staff | Kind::StaffContact | Kind::StaffIdentity | Kind::StaffAddress => STAFF_LIKE,
            Kind::Disclosure => DISCLOSURE,
            Kind::Student => STUDENT,
            Kind::Enrollment
            | Kind::Result
            | Kind::Attendance
            | Kind::RecordChange
            | Kind::Conduct
            | Kind::Exemption => RECORDS,
            Kind::StudentIdentity
            | Kind::StudentAddress
            | Kind::StudentHealth
            | Kind::StudentBackground
            | Kind::Guardian
            | Kind::GuardianContact
            | Kind::GuardianIdentity
            | Kind::GuardianAddress
            | Kind::Guardianship
            | Kind::ChangeRequest
            | Kind::LeaveRequest
            | Kind::Transfer => PERSONAL,
        }
    }

    /// Whether `rel` is meaningful for this kind.
    pub fn allows_relationship(self, rel: Relationship) -> bool {
        self.relationships().contains(&rel)
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
