//! The reader of data-subject requests: a guardian's request about their child is a record
//! about the child at the school they were in when it was made; a staff member's request
//! about themself is a record about the staff member at their school (`subject_request`).

use crate::privacy::mixed::{As, Mixed, Part};
use crate::privacy::shape::{Shape, Target, col};
use emis_authz::Kind;
use entity::subject_request;
use sea_orm::{ColumnTrait as _, Condition};

fn about_a_child() -> Shape {
    Shape::Personal {
        student: col(subject_request::Entity, subject_request::Column::StudentId),
        school: col(subject_request::Entity, subject_request::Column::SchoolId),
        section: None,
        class: None,
    }
}

fn about_a_staff_member() -> Shape {
    Shape::Staff {
        staff: col(subject_request::Entity, subject_request::Column::StaffId),
        school: col(subject_request::Entity, subject_request::Column::SchoolId),
    }
}

/// Data-subject requests, each about one child or one staff member, at their school.
pub static SUBJECT_REQUEST: Mixed<subject_request::Entity> = Mixed {
    name: "subject_request",
    key: subject_request::Column::Id,
    id: |row| row.id,
    parts: &[
        Part {
            rows: || Condition::all().add(subject_request::Column::StudentId.is_not_null()),
            holds: |row| row.student_id.is_some(),
            kinds: &[As {
                kind: Kind::SubjectRequest,
                shape: about_a_child,
                target: |row| Target::student(row.student_id.unwrap_or_default(), row.school_id),
            }],
        },
        Part {
            rows: || Condition::all().add(subject_request::Column::StaffId.is_not_null()),
            holds: |row| row.staff_id.is_some(),
            kinds: &[As {
                kind: Kind::SubjectRequest,
                shape: about_a_staff_member,
                target: |row| Target::Staff { staff: row.staff_id.unwrap_or_default(), school: row.school_id },
            }],
        },
    ],
};
