//! The readers whose rows are read as different kinds by what each row is: transfers at
//! either school, change requests as the record they change, and the primary book's items
//! as results or conduct. Each is one statement carrying each part's kinds' conditions.

use crate::books;
use crate::privacy::mixed::{As, Mixed, Part};
use crate::privacy::shape::shapes;
use emis_authz::Kind;
use entity::{change_request, primary_evaluation, transfer};
use sea_orm::{ColumnTrait as _, Condition};

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
