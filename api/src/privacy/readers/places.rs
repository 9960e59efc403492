//! The readers of places, which are nobody's personal data but are read through the policy
//! all the same: schools, homeroom classes and sections.

use crate::privacy::shape::{Target, shapes};
use crate::privacy::visible::{Reader, unguarded};
use emis_authz::Kind;
use entity::{homeroom_class, org, section};

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
