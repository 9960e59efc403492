//! The readers of personal-data breach records: a breach on its school, and each student it
//! affected as a record about that student at the school they were in (`breach`).

use crate::privacy::shape::{Shape, Target, col};
use crate::privacy::visible::{Reader, unguarded};
use emis_authz::Kind;
use entity::{breach, breach_student};

/// Breaches, on the school they were recorded for.
pub static BREACH: Reader<breach::Entity> = Reader {
    name: "breach",
    kind: Kind::Breach,
    key: breach::Column::Id,
    shape: || Shape::Org { org: col(breach::Entity, breach::Column::OrgId) },
    target: |row| Target::Org { org: row.org_id },
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};

/// The students a breach affected, each on their school.
pub static BREACH_STUDENT: Reader<breach_student::Entity> = Reader {
    name: "breach_student",
    kind: Kind::Breach,
    key: breach_student::Column::Id,
    shape: || Shape::Personal {
        student: col(breach_student::Entity, breach_student::Column::StudentId),
        school: col(breach_student::Entity, breach_student::Column::SchoolId),
        section: None,
        class: None,
    },
    target: |row| Target::student(row.student_id, row.school_id),
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};
