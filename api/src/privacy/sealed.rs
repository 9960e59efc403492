//! Field groups decided per record: a sealed column (a student's identity number, address,
//! background and health notes; a guardian's and a staff member's contact, identity and
//! address) opens only when the caller may read its group of the record it belongs to, and a
//! student's placement (their school and whether they still study there) shows only when the
//! caller may read where the student is (the `enrollment` kind). A record may be seen as
//! more than one: a guardian reached through a child is the child's record, and to
//! themselves also their own (`self`). Nothing else is decided here.

use super::Access;
use super::shape::Target;
use emis_authz::{Action, Kind};

/// The groups [`Access::shows`] decides.
const FIELD_GROUPS: [Kind; 11] = [
    Kind::StudentIdentity,
    Kind::StudentAddress,
    Kind::StudentBackground,
    Kind::StudentHealth,
    Kind::GuardianContact,
    Kind::GuardianIdentity,
    Kind::GuardianAddress,
    Kind::StaffContact,
    Kind::StaffIdentity,
    Kind::StaffAddress,
    Kind::Enrollment,
];

impl Access {
    /// Whether the caller may read the field group `group` of a record seen as any of
    /// `seen_as`. A group it does not decide, or a failed check, reads as not shown.
    pub async fn shows(&self, group: Kind, seen_as: &[Target]) -> bool {
        if !FIELD_GROUPS.contains(&group) {
            tracing::error!(kind = group.as_str(), "only a field group is decided per field; it is withheld");
            return false;
        }
        for target in seen_as {
            match self.permits(group, Action::Read, *target).await {
                Ok(true) => return true,
                Ok(false) => {}
                Err(error) => tracing::error!(%error, "checking a field failed; the field is withheld"),
            }
        }
        false
    }
}
