//! The readers of what a school or an office shares with vendors: the clients it registered
//! and their sharing agreements, judged on the registering organisation (`sharing`), and the
//! places an agreement covers, judged on each school; the alerts of reads refused at an
//! agreement's daily cap, on its organisation; and families' decisions on consent,
//! each a record about one child.

use crate::privacy::shape::{Shape, Target, col};
use crate::privacy::visible::{Reader, unguarded};
use emis_authz::Kind;
use entity::{sharing_agreement, sharing_agreement_place, sharing_cap_alert, sharing_consent, vendor_client};

/// Vendors' clients, on the organisation that registered them.
pub static VENDOR_CLIENT: Reader<vendor_client::Entity> = Reader {
    name: "vendor_client",
    kind: Kind::Sharing,
    key: vendor_client::Column::Id,
    shape: || Shape::Org { org: col(vendor_client::Entity, vendor_client::Column::OrgId) },
    target: |row| Target::Org { org: row.org_id },
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};

/// Sharing agreements, on their client's organisation.
pub static SHARING_AGREEMENT: Reader<sharing_agreement::Entity> = Reader {
    name: "sharing_agreement",
    kind: Kind::Sharing,
    key: sharing_agreement::Column::Id,
    shape: || Shape::Org { org: col(sharing_agreement::Entity, sharing_agreement::Column::OrgId) },
    target: |row| Target::Org { org: row.org_id },
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};

/// The schools and classes an agreement covers, each on its school.
pub static SHARING_PLACE: Reader<sharing_agreement_place::Entity> = Reader {
    name: "sharing_agreement_place",
    kind: Kind::Sharing,
    key: sharing_agreement_place::Column::Id,
    shape: || Shape::Org { org: col(sharing_agreement_place::Entity, sharing_agreement_place::Column::SchoolId) },
    target: |row| Target::Org { org: row.school_id },
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};

/// Reads refused at an agreement's daily cap, on the agreement's organisation.
pub static SHARING_CAP_ALERT: Reader<sharing_cap_alert::Entity> = Reader {
    name: "sharing_cap_alert",
    kind: Kind::Sharing,
    key: sharing_cap_alert::Column::Id,
    shape: || Shape::Org { org: col(sharing_cap_alert::Entity, sharing_cap_alert::Column::OrgId) },
    target: |row| Target::Org { org: row.org_id },
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};

/// A guardian's decision on consent, a record about the child in the school they were in
/// when it was made.
pub static CONSENT: Reader<sharing_consent::Entity> = Reader {
    name: "sharing_consent",
    kind: Kind::Consent,
    key: sharing_consent::Column::Id,
    shape: || Shape::Personal {
        student: col(sharing_consent::Entity, sharing_consent::Column::StudentId),
        school: col(sharing_consent::Entity, sharing_consent::Column::SchoolId),
        section: None,
        class: None,
    },
    target: |row| Target::student(row.student_id, row.school_id),
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};
