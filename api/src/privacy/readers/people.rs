//! The readers of people: students, staff and guardians as persons, the guardianships
//! that link guardians to children, and how each is reached (a guardian's channels and push
//! devices, a staff member's push devices). Columns that only another grant shows (where a student
//! is, identity, address, contact, background, health) are guarded by that grant.

use crate::privacy::shape::{Shape, Target, col, shapes};
use crate::privacy::visible::{Reader, unguarded};
use emis_authz::Kind;
use entity::{guardian, guardianship, notification_channel, push_device, staff, staff_push_device, student};

fn student_column(column: student::Column) -> Option<Kind> {
    use student::Column as C;
    match column {
        // Where a student is, and whether they still study there.
        C::SchoolId | C::Status => Some(Kind::Enrollment),
        C::IdentityNoEnc | C::IdentityNoBlind => Some(Kind::StudentIdentity),
        C::AddressEnc => Some(Kind::StudentAddress),
        C::EthnicityEnc | C::ReligionEnc => Some(Kind::StudentBackground),
        C::HealthEnc => Some(Kind::StudentHealth),
        _ => None,
    }
}

/// Students.
pub static STUDENT: Reader<student::Entity> = Reader {
    name: "student",
    kind: Kind::Student,
    key: student::Column::Id,
    shape: shapes::student,
    target: |row| Target::student(row.id, row.school_id),
    id: |row| row.id,
    guarded: student_column,
    facts: &[
        Kind::Enrollment,
        Kind::StudentIdentity,
        Kind::StudentAddress,
        Kind::StudentBackground,
        Kind::StudentHealth,
    ],
};

fn staff_column(column: staff::Column) -> Option<Kind> {
    use staff::Column as C;
    match column {
        C::PhoneEnc | C::PhoneBlind | C::EmailEnc => Some(Kind::StaffContact),
        C::IdentityNoEnc | C::IdentityNoBlind => Some(Kind::StaffIdentity),
        C::AddressEnc => Some(Kind::StaffAddress),
        _ => None,
    }
}

/// Staff as people.
pub static STAFF: Reader<staff::Entity> = Reader {
    name: "staff",
    kind: Kind::Staff,
    key: staff::Column::Id,
    shape: shapes::staff,
    target: |row| Target::Staff { staff: row.id, school: row.school_id },
    id: |row| row.id,
    guarded: staff_column,
    facts: &[Kind::StaffContact, Kind::StaffIdentity, Kind::StaffAddress],
};

fn guardian_column(column: guardian::Column) -> Option<Kind> {
    use guardian::Column as C;
    match column {
        C::PhoneEnc | C::PhoneBlind | C::EmailEnc => Some(Kind::GuardianContact),
        C::IdentityNoEnc | C::IdentityNoBlind => Some(Kind::GuardianIdentity),
        C::AddressEnc => Some(Kind::GuardianAddress),
        _ => None,
    }
}

/// A guardian's own record, as the guardian reads it.
pub static GUARDIAN: Reader<guardian::Entity> = Reader {
    name: "guardian",
    kind: Kind::Guardian,
    key: guardian::Column::Id,
    shape: shapes::guardian,
    target: |row| Target::Guardian { guardian: row.id },
    id: |row| row.id,
    guarded: guardian_column,
    facts: &[Kind::GuardianContact, Kind::GuardianIdentity, Kind::GuardianAddress],
};

/// A guardian's choice of channel per kind of notification: their own record.
pub static NOTIFICATION_CHANNEL: Reader<notification_channel::Entity> = Reader {
    name: "notification_channel",
    kind: Kind::Guardian,
    key: notification_channel::Column::Id,
    shape: || Shape::Guardian { guardian: col(notification_channel::Entity, notification_channel::Column::GuardianId) },
    target: |row| Target::Guardian { guardian: row.guardian_id },
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};

/// The devices a guardian registered for push notifications: their contact details.
pub static PUSH_DEVICE: Reader<push_device::Entity> = Reader {
    name: "push_device",
    kind: Kind::GuardianContact,
    key: push_device::Column::Id,
    shape: || Shape::Guardian { guardian: col(push_device::Entity, push_device::Column::GuardianId) },
    target: |row| Target::Guardian { guardian: row.guardian_id },
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};

/// A staff member's push devices: read like their contact details.
pub static STAFF_PUSH_DEVICE: Reader<staff_push_device::Entity> = Reader {
    name: "staff_push_device",
    kind: Kind::StaffContact,
    key: staff_push_device::Column::Id,
    shape: || Shape::Staff {
        staff: col(staff_push_device::Entity, staff_push_device::Column::StaffId),
        school: col(staff_push_device::Entity, staff_push_device::Column::SchoolId),
    },
    target: |row| Target::Staff { staff: row.staff_id, school: row.school_id },
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};

/// A student's guardianships, which also decide who reads the guardian and their contact.
pub static GUARDIANSHIP: Reader<guardianship::Entity> = Reader {
    name: "guardianship",
    kind: Kind::Guardianship,
    key: guardianship::Column::Id,
    shape: shapes::guardianship,
    target: |row| Target::student(row.student_id, row.school_id),
    id: |row| row.id,
    guarded: unguarded,
    facts: &[Kind::Guardian, Kind::GuardianContact],
};
