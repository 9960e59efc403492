//! Every reader of a table of records the API shows, declared once and registered in
//! [`registered`] so the agreement test compares the SQL condition and the per-record check
//! of each; and [`PERSONAL_TABLES`], the tables that hold personal data, which the GraphQL
//! layer and the books read only through a reader (a test scans them for direct reads).

mod breaches;
mod conversations;
mod mixed;
mod notices;
mod notifications;
mod outbox;
mod people;
mod places;
mod records;
mod rights;
mod sharing;
mod staff_records;

pub use breaches::{BREACH, BREACH_STUDENT};
pub use conversations::{CONVERSATION, CONVERSATION_MEMBER, MESSAGE, MESSAGE_REPORT};
pub use mixed::{CHANGE_DECISION, CHANGE_REQUEST_READ, PRIMARY_ITEM, TRANSFER};
pub use notices::{NOTICE_ATTACHMENT, NOTICE_DELIVERY, NOTICE_READ, NOTICE_REPLY, NOTICE_STAFF_DELIVERY};
pub use notifications::{NOTIFICATION, STAFF_NOTIFICATION};
pub use outbox::OUTBOX;
pub use people::{GUARDIAN, GUARDIANSHIP, NOTIFICATION_CHANNEL, PUSH_DEVICE, STAFF, STAFF_PUSH_DEVICE, STUDENT};
pub use places::{CLASS, SCHOOL, SECTION};
pub use records::{
    ATTENDANCE, CHANGE_REQUEST, CONDUCT, DISCLOSURE, ENROLLMENT, EXEMPTION, LEAVE_REQUEST, MISSED_ASSESSMENT,
    PRIMARY_NOMINATION, RECORD_CHANGE, RESULT, TRANSFER_RECEIVING, TRANSFER_SENDING,
};
pub use rights::SUBJECT_REQUEST;
pub use sharing::{CONSENT, SHARING_AGREEMENT, SHARING_CAP_ALERT, SHARING_PLACE, VENDOR_CLIENT};
pub use staff_records::{STAFF_CONTACT, STAFF_ROLE, STAFF_STATUS};

use super::visible::Registered;

/// The tables that hold personal data: a child's record and everything about one child, a
/// guardian, and staff as people (names, contact, identity). Lookup tables (schools,
/// classes, sections, subjects, assessments, semesters, teaching assignments) are not
/// personal, though they are read through the policy too.
pub const PERSONAL_TABLES: [&str; 37] = [
    "student",
    "breach_student",
    "guardian",
    "guardianship",
    "enrollment",
    "section_enrollment",
    "attendance",
    "result",
    "missed_assessment",
    "exemption",
    "conduct",
    "primary_evaluation",
    "primary_nomination",
    "transfer",
    "leave_request",
    "notification",
    "notification_channel",
    "push_device",
    "staff_notification",
    "staff_push_device",
    "notice_delivery",
    "notice_read",
    "conversation",
    "conversation_member",
    "message",
    "message_report",
    "notice_reply",
    "notice_staff_delivery",
    "disclosure_log",
    "change_request",
    "record_change",
    "staff",
    "staff_role",
    "staff_contact_history",
    "staff_status_history",
    "sharing_consent",
    "subject_request",
];

/// Every reader, for the agreement test.
pub fn registered() -> [&'static dyn Registered; 50] {
    [
        &STUDENT,
        &STAFF,
        &GUARDIAN,
        &GUARDIANSHIP,
        &ENROLLMENT,
        &ATTENDANCE,
        &RESULT,
        &MISSED_ASSESSMENT,
        &RECORD_CHANGE,
        &EXEMPTION,
        &CONDUCT,
        &PRIMARY_NOMINATION,
        &LEAVE_REQUEST,
        &NOTIFICATION,
        &STAFF_NOTIFICATION,
        &NOTIFICATION_CHANNEL,
        &PUSH_DEVICE,
        &STAFF_PUSH_DEVICE,
        &NOTICE_DELIVERY,
        &NOTICE_READ,
        &NOTICE_ATTACHMENT,
        &NOTICE_REPLY,
        &NOTICE_STAFF_DELIVERY,
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
        &DISCLOSURE,
        &OUTBOX,
        &CONVERSATION,
        &CONVERSATION_MEMBER,
        &MESSAGE,
        &MESSAGE_REPORT,
        &STAFF_ROLE,
        &STAFF_STATUS,
        &STAFF_CONTACT,
        &VENDOR_CLIENT,
        &SHARING_AGREEMENT,
        &SHARING_PLACE,
        &CONSENT,
        &SHARING_CAP_ALERT,
        &BREACH,
        &BREACH_STUDENT,
        &SUBJECT_REQUEST,
    ]
}
