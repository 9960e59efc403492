//! Every reader of a table of records the API shows, declared once and registered in
//! [`registered`] so the agreement test compares the SQL condition and the per-record check
//! of each; and [`PERSONAL_TABLES`], the tables that hold personal data, which the GraphQL
//! layer and the books read only through a reader (a test scans them for direct reads).

use super::mixed::{As, Mixed, Part};
use super::shape::{Target, shapes};
use super::visible::{Reader, Registered, unguarded};
use crate::books;
use emis_authz::Kind;
use entity::{
    attendance, change_request, conduct, enrollment, exemption, guardian, guardianship, homeroom_class, leave_request,
    notification, org, primary_evaluation, primary_nomination, record_change, result, section, staff, student,
    transfer,
};
use sea_orm::{ColumnTrait as _, Condition};

/// The tables that hold personal data: a child's record and everything about one child, a
/// guardian, and staff as people (names, contact, identity). Lookup tables (schools,
/// classes, sections, subjects, assessments, semesters, teaching assignments) are not
/// personal, though they are read through the policy too.
pub const PERSONAL_TABLES: [&str; 18] = [
    "student",
    "guardian",
    "guardianship",
    "enrollment",
    "attendance",
    "result",
    "exemption",
    "conduct",
    "primary_evaluation",
    "primary_nomination",
    "transfer",
    "leave_request",
    "notification",
    "disclosure_log",
    "change_request",
    "record_change",
    "staff",
    "staff_role",
];

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

/// Notifications to guardians, read as the roll-call entries they tell of.
pub static NOTIFICATION: Reader<notification::Entity> = Reader {
    name: "notification",
    kind: Kind::Attendance,
    key: notification::Column::Id,
    shape: shapes::notification,
    target: |row| Target::student_in_class(row.student_id, row.school_id, row.class_id),
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

/// Transfers, read at either school: as a record of the school the student left or of
/// the receiving one.
pub static TRANSFER: Mixed<transfer::Entity> = Mixed {
    name: "transfer",
    key: transfer::Column::Id,
    id: |row| row.id,
    parts: &[
        Part {
            rows: Condition::all,
            holds: |_| true,
            kinds: &[As { kind: Kind::Transfer, shape: shapes::transfer_sending, target: books::movements::sending }],
        },
        Part {
            rows: Condition::all,
            holds: |_| true,
            kinds: &[As {
                kind: Kind::Transfer,
                shape: shapes::transfer_receiving,
                target: books::movements::receiving,
            }],
        },
    ],
};

/// A change request decided as the record it changes: a conduct or roll-call request as
/// its class's conduct or attendance, any other as its section's result.
pub static CHANGE_DECISION: Mixed<change_request::Entity> = Mixed {
    name: "change_decision",
    key: change_request::Column::Id,
    id: |row| row.id,
    parts: &[
        Part {
            rows: || Condition::all().add(change_request::Column::Kind.eq(books::conduct::KIND)),
            holds: |row| row.kind == books::conduct::KIND,
            kinds: &[As { kind: Kind::Conduct, shape: shapes::class_change_request, target: books::changes::target }],
        },
        Part {
            rows: || Condition::all().add(change_request::Column::Kind.eq(books::roll_call::KIND)),
            holds: |row| row.kind == books::roll_call::KIND,
            kinds: &[As {
                kind: Kind::Attendance,
                shape: shapes::class_change_request,
                target: books::changes::target,
            }],
        },
        Part {
            rows: || {
                Condition::all()
                    .add(change_request::Column::Kind.is_not_in([books::conduct::KIND, books::roll_call::KIND]))
            },
            holds: |row| row.kind != books::conduct::KIND && row.kind != books::roll_call::KIND,
            kinds: &[As { kind: Kind::Result, shape: shapes::change_request, target: books::changes::target }],
        },
    ],
};

/// The items of the primary summary book: a subject's level (with a section) read as a
/// result of its section, a quality's or competency's rating (without) as its class's conduct.
pub static PRIMARY_ITEM: Mixed<primary_evaluation::Entity> = Mixed {
    name: "primary_item",
    key: primary_evaluation::Column::Id,
    id: |row| row.id,
    parts: &[
        Part {
            rows: || Condition::all().add(primary_evaluation::Column::SectionId.is_not_null()),
            holds: |row| row.section_id.is_some(),
            kinds: &[As { kind: Kind::Result, shape: shapes::primary_subject, target: books::primary::target }],
        },
        Part {
            rows: || Condition::all().add(primary_evaluation::Column::SectionId.is_null()),
            holds: |row| row.section_id.is_none(),
            kinds: &[As { kind: Kind::Conduct, shape: shapes::primary_rating, target: books::primary::target }],
        },
    ],
};

/// Change requests as their readers see them: a score's request as its section's; a
/// conduct or roll-call request (no section) as its class's, and only to those who may
/// read the class's conduct or attendance too.
pub static CHANGE_REQUEST_READ: Mixed<change_request::Entity> = Mixed {
    name: "change_request_read",
    key: change_request::Column::Id,
    id: |row| row.id,
    parts: &[
        Part {
            rows: || Condition::all().add(change_request::Column::SectionId.is_not_null()),
            holds: |row| row.section_id.is_some(),
            kinds: &[As { kind: Kind::ChangeRequest, shape: shapes::change_request, target: books::changes::target }],
        },
        Part {
            rows: || class_request(books::conduct::KIND),
            holds: |row| row.section_id.is_none() && row.kind == books::conduct::KIND,
            kinds: &[
                As { kind: Kind::ChangeRequest, shape: shapes::class_change_request, target: books::changes::target },
                As { kind: Kind::Conduct, shape: shapes::class_change_request, target: books::changes::target },
            ],
        },
        Part {
            rows: || class_request(books::roll_call::KIND),
            holds: |row| row.section_id.is_none() && row.kind == books::roll_call::KIND,
            kinds: &[
                As { kind: Kind::ChangeRequest, shape: shapes::class_change_request, target: books::changes::target },
                As { kind: Kind::Attendance, shape: shapes::class_change_request, target: books::changes::target },
            ],
        },
    ],
};

/// The requests of `kind` asked of a class (with no section).
fn class_request(kind: &'static str) -> Condition {
    Condition::all().add(change_request::Column::SectionId.is_null()).add(change_request::Column::Kind.eq(kind))
}

/// Schools (not personal; read through the policy all the same).
pub static SCHOOL: Reader<org::Entity> = Reader {
    name: "school",
    kind: Kind::School,
    key: org::Column::Id,
    shape: shapes::org,
    target: |row| Target::Org { org: row.id },
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};

/// Homeroom classes.
pub static CLASS: Reader<homeroom_class::Entity> = Reader {
    name: "class",
    kind: Kind::Class,
    key: homeroom_class::Column::Id,
    shape: shapes::class,
    target: |row| Target::Class { class: row.id, school: row.school_id },
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};

/// Sections.
pub static SECTION: Reader<section::Entity> = Reader {
    name: "section",
    kind: Kind::Section,
    key: section::Column::Id,
    shape: shapes::section,
    target: |row| Target::Section { section: row.id, class: row.class_id, school: row.school_id },
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};

/// Every reader, for the agreement test.
pub fn registered() -> [&'static dyn Registered; 23] {
    [
        &STUDENT,
        &STAFF,
        &GUARDIAN,
        &GUARDIANSHIP,
        &ENROLLMENT,
        &ATTENDANCE,
        &RESULT,
        &RECORD_CHANGE,
        &EXEMPTION,
        &CONDUCT,
        &PRIMARY_NOMINATION,
        &LEAVE_REQUEST,
        &NOTIFICATION,
        &CHANGE_REQUEST,
        &TRANSFER_SENDING,
        &TRANSFER_RECEIVING,
        &SCHOOL,
        &CLASS,
        &SECTION,
        &TRANSFER,
        &CHANGE_DECISION,
        &CHANGE_REQUEST_READ,
        &PRIMARY_ITEM,
    ]
}
