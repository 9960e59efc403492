//! The reader of what guardians are told (`notification`): each row is read as the record it
//! tells of — an absence as the class's roll call, a notice or a reminder as the notice's
//! delivery for the child, a message as the conversation it was written in (so only its
//! members read it), scores as the section's results. One statement, whatever the kinds.
//! What staff are told (`staff_notification`) is read the same way.

use crate::books::{told, told_staff};
use crate::privacy::mixed::{As, Mixed, Part};
use crate::privacy::shape::{Shape, Target, col};
use emis_authz::Kind;
use entity::notification::{self, Column as C};
use entity::staff_notification;
use sea_orm::{ColumnTrait as _, Condition};

/// The child in the class they were in when the notification was written.
fn in_class() -> Shape {
    Shape::Personal {
        student: col(notification::Entity, C::StudentId),
        school: col(notification::Entity, C::SchoolId),
        section: None,
        class: Some(col(notification::Entity, C::ClassId)),
    }
}

fn in_class_target(row: &notification::Model) -> Target {
    Target::student_in_class(row.student_id, row.school_id, row.class_id)
}

/// The child in the section whose scores were recorded.
fn in_section() -> Shape {
    Shape::Personal {
        student: col(notification::Entity, C::StudentId),
        school: col(notification::Entity, C::SchoolId),
        section: Some(col(notification::Entity, C::SectionId)),
        class: Some(col(notification::Entity, C::ClassId)),
    }
}

fn in_section_target(row: &notification::Model) -> Target {
    Target::Personal {
        student: row.student_id,
        school: row.school_id,
        section: Some(row.section_id.unwrap_or_default()),
        class: Some(row.class_id),
    }
}

/// The conversation the message was written in.
fn in_conversation() -> Shape {
    Shape::Conversation {
        conversation: col(notification::Entity, C::ConversationId),
        student: col(notification::Entity, C::StudentId),
        school: col(notification::Entity, C::SchoolId),
        class: col(notification::Entity, C::ClassId),
    }
}

fn in_conversation_target(row: &notification::Model) -> Target {
    Target::Conversation {
        conversation: row.conversation_id.unwrap_or_default(),
        student: row.student_id,
        school: row.school_id,
        class: row.class_id,
    }
}

/// The rows of the kinds `kinds`.
fn of_kinds(kinds: &[&str]) -> Condition {
    Condition::all().add(C::Kind.is_in(kinds.iter().copied()))
}

/// The kinds read as a notice's delivery. A row of a kind no part names is read by no one.
const NOTICES: [&str; 2] = [told::NOTICE, told::NOTICE_REMINDER];

/// Notifications to guardians, each read as what it tells of.
pub static NOTIFICATION: Mixed<notification::Entity> = Mixed {
    name: "notification",
    key: C::Id,
    id: |row| row.id,
    parts: &[
        Part {
            rows: || of_kinds(&[told::ABSENCE]),
            holds: |row| row.kind == told::ABSENCE,
            kinds: &[As { kind: Kind::Attendance, shape: in_class, target: in_class_target }],
        },
        Part {
            rows: || of_kinds(&NOTICES),
            holds: |row| NOTICES.contains(&row.kind.as_str()),
            kinds: &[As { kind: Kind::Notice, shape: in_class, target: in_class_target }],
        },
        Part {
            rows: || of_kinds(&[told::MESSAGE]).add(C::ConversationId.is_not_null()),
            holds: |row| row.kind == told::MESSAGE && row.conversation_id.is_some(),
            kinds: &[As { kind: Kind::Message, shape: in_conversation, target: in_conversation_target }],
        },
        Part {
            rows: || of_kinds(&[told::SCORE]).add(C::SectionId.is_not_null()),
            holds: |row| row.kind == told::SCORE && row.section_id.is_some(),
            kinds: &[As { kind: Kind::Result, shape: in_section, target: in_section_target }],
        },
    ],
};

/// The conversation a staff member's `message` notification was written in.
fn staff_in_conversation() -> Shape {
    use staff_notification::Column as S;
    Shape::Conversation {
        conversation: col(staff_notification::Entity, S::ConversationId),
        student: col(staff_notification::Entity, S::StudentId),
        school: col(staff_notification::Entity, S::SchoolId),
        class: col(staff_notification::Entity, S::ClassId),
    }
}

fn staff_in_conversation_target(row: &staff_notification::Model) -> Target {
    Target::Conversation {
        conversation: row.conversation_id.unwrap_or_default(),
        student: row.student_id.unwrap_or_default(),
        school: row.school_id,
        class: row.class_id.unwrap_or_default(),
    }
}

/// The staff member at the school, as a notice's delivery to them is read.
fn staff_at_school() -> Shape {
    use staff_notification::Column as S;
    Shape::Staff {
        staff: col(staff_notification::Entity, S::StaffId),
        school: col(staff_notification::Entity, S::SchoolId),
    }
}

fn staff_at_school_target(row: &staff_notification::Model) -> Target {
    Target::Staff { staff: row.staff_id, school: row.school_id }
}

/// The recipient's own organisation, on which a `sharing_cap` notification is judged: a
/// school's privacy officer reads what an agreement of an office did with its students.
fn recipients_org() -> Shape {
    Shape::Org { org: col(staff_notification::Entity, staff_notification::Column::SchoolId) }
}

fn recipients_org_target(row: &staff_notification::Model) -> Target {
    Target::Org { org: row.school_id }
}

/// Notifications to staff, each read as what it tells of: a message as its conversation (so
/// only its members read it), a notice as its delivery to the staff member, a read refused
/// at a sharing agreement's cap as the sharing of the recipient's organisation.
pub static STAFF_NOTIFICATION: Mixed<staff_notification::Entity> = Mixed {
    name: "staff_notification",
    key: staff_notification::Column::Id,
    id: |row| row.id,
    parts: &[
        Part {
            rows: || {
                use staff_notification::Column as S;
                Condition::all().add(S::Kind.eq(told::MESSAGE)).add(S::ConversationId.is_not_null())
            },
            holds: |row| row.kind == told::MESSAGE && row.conversation_id.is_some(),
            kinds: &[As { kind: Kind::Message, shape: staff_in_conversation, target: staff_in_conversation_target }],
        },
        Part {
            rows: || {
                use staff_notification::Column as S;
                Condition::all().add(S::Kind.eq(told::NOTICE)).add(S::NoticeId.is_not_null())
            },
            holds: |row| row.kind == told::NOTICE && row.notice_id.is_some(),
            kinds: &[As { kind: Kind::Notice, shape: staff_at_school, target: staff_at_school_target }],
        },
        Part {
            rows: || {
                use staff_notification::Column as S;
                Condition::all().add(S::Kind.eq(told_staff::SHARING_CAP)).add(S::CapAlertId.is_not_null())
            },
            holds: |row| row.kind == told_staff::SHARING_CAP && row.cap_alert_id.is_some(),
            kinds: &[As { kind: Kind::Sharing, shape: recipients_org, target: recipients_org_target }],
        },
    ],
};
