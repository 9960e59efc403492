//! The reader of the outbox: the messages a school sent, judged on the sending school. The
//! table names a recipient by kind and id only; its phone and text are sealed and no reader
//! returns them (the GraphQL type has no field for them).

use crate::privacy::shape::{Target, shapes};
use crate::privacy::visible::{Reader, unguarded};
use emis_authz::Kind;
use entity::outbox_message;

/// Messages in the outbox.
pub static OUTBOX: Reader<outbox_message::Entity> = Reader {
    name: "outbox",
    kind: Kind::Outbox,
    key: outbox_message::Column::Id,
    shape: shapes::outbox_message,
    target: |row| Target::Org { org: row.school_id },
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};
