//! The readers of what is kept about a staff member besides their record: the school roles
//! they held, the history of their status (leave, transfer, departure), and the history of
//! their contact details. Each is judged on the staff member and the school it belongs to,
//! as the record itself is: roles and status under `staff`, contact history under
//! `staff.contact` (its old and new values are contact details).

use crate::privacy::shape::{Shape, Target, col};
use crate::privacy::visible::{Reader, unguarded};
use emis_authz::Kind;
use entity::{staff_contact_history, staff_role, staff_status_history};

/// The school roles a staff member held, judged on the organisation they held it at.
pub static STAFF_ROLE: Reader<staff_role::Entity> = Reader {
    name: "staff_role",
    kind: Kind::Staff,
    key: staff_role::Column::Id,
    shape: || Shape::Staff {
        staff: col(staff_role::Entity, staff_role::Column::StaffId),
        school: col(staff_role::Entity, staff_role::Column::OrgId),
    },
    target: |row| Target::Staff { staff: row.staff_id, school: row.org_id },
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};

/// A staff member's status history, judged on the school that recorded it.
pub static STAFF_STATUS: Reader<staff_status_history::Entity> = Reader {
    name: "staff_status_history",
    kind: Kind::Staff,
    key: staff_status_history::Column::Id,
    shape: || Shape::Staff {
        staff: col(staff_status_history::Entity, staff_status_history::Column::StaffId),
        school: col(staff_status_history::Entity, staff_status_history::Column::SchoolId),
    },
    target: |row| Target::Staff { staff: row.staff_id, school: row.school_id },
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};

/// A staff member's changes of contact details, judged like their contact details.
pub static STAFF_CONTACT: Reader<staff_contact_history::Entity> = Reader {
    name: "staff_contact_history",
    kind: Kind::StaffContact,
    key: staff_contact_history::Column::Id,
    shape: || Shape::Staff {
        staff: col(staff_contact_history::Entity, staff_contact_history::Column::StaffId),
        school: col(staff_contact_history::Entity, staff_contact_history::Column::SchoolId),
    },
    target: |row| Target::Staff { staff: row.staff_id, school: row.school_id },
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};
