//! The readers of private conversations between families and teachers: the conversation,
//! its members, its messages and the reports of abuse made about it. Each row carries the
//! conversation's student, school and class and is judged like the conversation: as a record
//! about the student in the class they were in when it was opened, and only for the
//! conversation's members (for `moderate`, only once it was reported).

use crate::privacy::shape::{Shape, Target, col};
use crate::privacy::visible::{Reader, unguarded};
use emis_authz::Kind;
use entity::{conversation, conversation_member, message, message_report};

/// The shape of a conversation's rows in `E`, whose `conversation` column names it.
fn shape_of<E: sea_orm::EntityTrait + Copy>(
    entity: E,
    conversation: E::Column,
    student: E::Column,
    school: E::Column,
    class: E::Column,
) -> Shape {
    Shape::Conversation {
        conversation: col(entity, conversation),
        student: col(entity, student),
        school: col(entity, school),
        class: col(entity, class),
    }
}

/// Conversations.
pub static CONVERSATION: Reader<conversation::Entity> = Reader {
    name: "conversation",
    kind: Kind::Message,
    key: conversation::Column::Id,
    shape: || {
        use conversation::Column as C;
        shape_of(conversation::Entity, C::Id, C::StudentId, C::SchoolId, C::ClassId)
    },
    target: |row| Target::Conversation {
        conversation: row.id,
        student: row.student_id,
        school: row.school_id,
        class: row.class_id,
    },
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};

/// The people in a conversation, with how far each has read.
pub static CONVERSATION_MEMBER: Reader<conversation_member::Entity> = Reader {
    name: "conversation_member",
    kind: Kind::Message,
    key: conversation_member::Column::Id,
    shape: || {
        use conversation_member::Column as C;
        shape_of(conversation_member::Entity, C::ConversationId, C::StudentId, C::SchoolId, C::ClassId)
    },
    target: |row| Target::Conversation {
        conversation: row.conversation_id,
        student: row.student_id,
        school: row.school_id,
        class: row.class_id,
    },
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};

/// The messages of a conversation.
pub static MESSAGE: Reader<message::Entity> = Reader {
    name: "message",
    kind: Kind::Message,
    key: message::Column::Id,
    shape: || {
        use message::Column as C;
        shape_of(message::Entity, C::ConversationId, C::StudentId, C::SchoolId, C::ClassId)
    },
    target: |row| Target::Conversation {
        conversation: row.conversation_id,
        student: row.student_id,
        school: row.school_id,
        class: row.class_id,
    },
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};

/// The reports of abuse made about a conversation.
pub static MESSAGE_REPORT: Reader<message_report::Entity> = Reader {
    name: "message_report",
    kind: Kind::Message,
    key: message_report::Column::Id,
    shape: || {
        use message_report::Column as C;
        shape_of(message_report::Entity, C::ConversationId, C::StudentId, C::SchoolId, C::ClassId)
    },
    target: |row| Target::Conversation {
        conversation: row.conversation_id,
        student: row.student_id,
        school: row.school_id,
        class: row.class_id,
    },
    id: |row| row.id,
    guarded: unguarded,
    facts: &[],
};
