//! The readers of the records kept about a child in the books: enrollments, roll calls,
//! results and their history, exemptions, conduct, nominations, leave requests,
//! change requests and transfers, each judged on its class, section or school;
//! and the disclosure log of who was shown what.

use crate::books;
use crate::privacy::disclosures::DisclosureLog;
use crate::privacy::shape::{Target, shapes};
use crate::privacy::visible::{Reader, unguarded};
use emis_authz::Kind;
use entity::{
    attendance, change_request, conduct, enrollment, exemption, leave_request, missed_assessment, primary_nomination,
    record_change, result, transfer,
};

/// Enrollments, judged on their class.
pub static ENROLLMENT: Reader<enrollment::Entity> = Reader {
    name: "enrollment",
    kind: Kind::Enrollment,
    key: enrollment::Column::Id,
    shape: shapes::enrollment,
    target: |row| Target::student_in_class(row.student_id, row.school_id, row.class_id),
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};

/// Roll-call entries, judged on their class.
pub static ATTENDANCE: Reader<attendance::Entity> = Reader {
    name: "attendance",
    kind: Kind::Attendance,
    key: attendance::Column::Id,
    shape: shapes::attendance,
    target: |row| Target::student_in_class(row.student_id, row.school_id, row.class_id),
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};

/// Missed assessments (a make-up owed, with its note), judged like results on their section.
pub static MISSED_ASSESSMENT: Reader<missed_assessment::Entity> = Reader {
    name: "missed_assessment",
    kind: Kind::Result,
    key: missed_assessment::Column::Id,
    shape: shapes::missed_assessment,
    target: |row| Target::Personal {
        student: row.student_id,
        school: row.school_id,
        section: Some(row.section_id),
        class: None,
    },
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};

/// Results, judged on their section.
pub static RESULT: Reader<result::Entity> = Reader {
    name: "result",
    kind: Kind::Result,
    key: result::Column::Id,
    shape: shapes::result,
    target: |row| Target::Personal {
        student: row.student_id,
        school: row.school_id,
        section: Some(row.section_id),
        class: None,
    },
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};

/// Changes made to the books.
pub static RECORD_CHANGE: Reader<record_change::Entity> = Reader {
    name: "record_change",
    kind: Kind::RecordChange,
    key: record_change::Column::Id,
    shape: shapes::record_change,
    target: |row| Target::Personal {
        student: row.student_id,
        school: row.school_id,
        section: row.section_id,
        class: row.class_id,
    },
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};

/// Exemptions, judged on the section they excuse from.
pub static EXEMPTION: Reader<exemption::Entity> = Reader {
    name: "exemption",
    kind: Kind::Exemption,
    key: exemption::Column::Id,
    shape: shapes::exemption,
    target: books::exemptions::target,
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};

/// Conduct levels, judged on their class.
pub static CONDUCT: Reader<conduct::Entity> = Reader {
    name: "conduct",
    kind: Kind::Conduct,
    key: conduct::Column::Id,
    shape: shapes::conduct,
    target: books::summary::conduct_target,
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};

/// The class's nominations in the primary summary book, read like its conduct.
pub static PRIMARY_NOMINATION: Reader<primary_nomination::Entity> = Reader {
    name: "primary_nomination",
    kind: Kind::Conduct,
    key: primary_nomination::Column::Id,
    shape: shapes::primary_nomination,
    target: books::nomination::target,
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};

/// Leave requests, judged on their class.
pub static LEAVE_REQUEST: Reader<leave_request::Entity> = Reader {
    name: "leave_request",
    kind: Kind::LeaveRequest,
    key: leave_request::Column::Id,
    shape: shapes::leave_request,
    target: books::leave::target,
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};

/// Change requests asked in a section (a score's).
pub static CHANGE_REQUEST: Reader<change_request::Entity> = Reader {
    name: "change_request",
    kind: Kind::ChangeRequest,
    key: change_request::Column::Id,
    shape: shapes::change_request,
    target: books::changes::target,
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};

/// Transfers as records of the school the student left.
pub static TRANSFER_SENDING: Reader<transfer::Entity> = Reader {
    name: "transfer_sending",
    kind: Kind::Transfer,
    key: transfer::Column::Id,
    shape: shapes::transfer_sending,
    target: books::movements::sending,
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};

/// Transfers as records of the receiving school.
pub static TRANSFER_RECEIVING: Reader<transfer::Entity> = Reader {
    name: "transfer_receiving",
    kind: Kind::Transfer,
    key: transfer::Column::Id,
    shape: shapes::transfer_receiving,
    target: books::movements::receiving,
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};

/// The disclosure log: each entry read as a record about every student it lists, on its
/// school (`privacy/disclosures.rs`).
pub static DISCLOSURE: DisclosureLog = DisclosureLog;
