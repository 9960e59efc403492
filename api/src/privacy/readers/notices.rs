//! The readers of what a school published to families: each notice's deliveries (one per
//! student it reached), the guardians' readings of them and their replies to invitations,
//! all judged as records about the student in the class they were in when the notice was
//! published — and, judged as `attachment`, whether the files attached to a delivered notice
//! may be opened; and the deliveries of a notice to the school's staff, judged as records
//! about the staff member at that school.

use crate::privacy::shape::{Target, shapes};
use crate::privacy::visible::{Reader, unguarded};
use emis_authz::Kind;
use entity::{notice_delivery, notice_read, notice_reply, notice_staff_delivery};

/// A notice's deliveries, judged on the student and the class they were in.
pub static NOTICE_DELIVERY: Reader<notice_delivery::Entity> = Reader {
    name: "notice_delivery",
    kind: Kind::Notice,
    key: notice_delivery::Column::Id,
    shape: shapes::notice_delivery,
    target: |row| Target::student_in_class(row.student_id, row.school_id, row.class_id),
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};

/// Guardians' readings of a delivery, judged like the delivery.
pub static NOTICE_READ: Reader<notice_read::Entity> = Reader {
    name: "notice_read",
    kind: Kind::Notice,
    key: notice_read::Column::Id,
    shape: shapes::notice_read,
    target: |row| Target::student_in_class(row.student_id, row.school_id, row.class_id),
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};

/// A notice's deliveries judged as `attachment`: whether the caller may open the files
/// attached to a notice delivered for a student (the notice itself is `notice`).
pub static NOTICE_ATTACHMENT: Reader<notice_delivery::Entity> = Reader {
    name: "notice_attachment",
    kind: Kind::Attachment,
    key: notice_delivery::Column::Id,
    shape: shapes::notice_delivery,
    target: |row| Target::student_in_class(row.student_id, row.school_id, row.class_id),
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};

/// Families' replies to an invitation, judged like the delivery.
pub static NOTICE_REPLY: Reader<notice_reply::Entity> = Reader {
    name: "notice_reply",
    kind: Kind::Notice,
    key: notice_reply::Column::Id,
    shape: shapes::notice_reply,
    target: |row| Target::student_in_class(row.student_id, row.school_id, row.class_id),
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};

/// A notice's deliveries to staff members, judged on the staff member at the school.
pub static NOTICE_STAFF_DELIVERY: Reader<notice_staff_delivery::Entity> = Reader {
    name: "notice_staff_delivery",
    kind: Kind::Notice,
    key: notice_staff_delivery::Column::Id,
    shape: shapes::notice_staff_delivery,
    target: |row| Target::Staff { staff: row.staff_id, school: row.school_id },
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};
