//! The reader of data-subject requests: a guardian's request about their child, a record
//! about the child at the school they were in when it was made (`subject_request`).

use crate::privacy::shape::{Shape, Target, col};
use crate::privacy::visible::{Reader, unguarded};
use emis_authz::Kind;
use entity::subject_request;

/// Data-subject requests, each about one child at their school.
pub static SUBJECT_REQUEST: Reader<subject_request::Entity> = Reader {
    name: "subject_request",
    kind: Kind::SubjectRequest,
    key: subject_request::Column::Id,
    shape: || Shape::Personal {
        student: col(subject_request::Entity, subject_request::Column::StudentId),
        school: col(subject_request::Entity, subject_request::Column::SchoolId),
        section: None,
        class: None,
    },
    target: |row| Target::student(row.student_id, row.school_id),
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};
