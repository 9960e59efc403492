//! SeaORM entities of the EMIS database, one module per table as defined by the `migration`
//! crate, plus the string vocabularies of its `kind` / `status` / `role` columns ([`enums`]).
//!
//! Entities carry no GraphQL or serde derives: the API maps them to its own types, so what
//! the database stores and what the API shows stay separate. Columns ending in `_enc` hold
//! ciphertext only; `_blind` columns hold keyed hashes.

pub mod account_code;
pub mod account_event;
pub mod assessment;
pub mod assessment_category;
pub mod attachment;
pub mod attachment_blob;
pub mod attendance;
pub mod auth_session;
pub mod auth_session_retired;
pub mod book_lock;
pub mod breach;
pub mod breach_student;
pub mod change_request;
pub mod conduct;
pub mod conversation;
pub mod conversation_member;
pub mod course;
pub mod data_key;
pub mod disclosure_log;
pub mod enrollment;
pub mod enums;
pub mod exchange_log;
pub mod exemption;
pub mod guardian;
pub mod guardianship;
pub mod homeroom_class;
pub mod leave_request;
pub mod message;
pub mod message_report;
pub mod missed_assessment;
pub mod notice;
pub mod notice_delivery;
pub mod notice_read;
pub mod notice_reminder;
pub mod notice_reply;
pub mod notice_staff_delivery;
pub mod notice_version;
pub mod notification;
pub mod notification_channel;
pub mod org;
pub mod org_parent;
pub mod outbox_message;
pub mod policy_change;
pub mod primary_evaluation;
pub mod primary_nomination;
pub mod push_device;
pub mod record_change;
pub mod result;
pub mod school_year;
pub mod section;
pub mod section_enrollment;
pub mod semester;
pub mod sharing_agreement;
pub mod sharing_agreement_place;
pub mod sharing_cap_alert;
pub mod sharing_consent;
pub mod sign_in_known_address;
pub mod sign_in_throttle;
pub mod staff;
pub mod staff_availability;
pub mod staff_contact_history;
pub mod staff_notification;
pub mod staff_push_device;
pub mod staff_role;
pub mod staff_status_history;
pub mod student;
pub mod subject;
pub mod subject_request;
pub mod teaching_assignment;
pub mod transfer;
pub mod vendor_client;
pub mod vendor_student_read;
pub mod vendor_token;

pub use enums::{
    AccessStatus, AccountKind, AssessmentKind, AssessmentMode, AttendanceStatus, ConductLevel, DaySession, Gender,
    GuardianStatus, OrgKind, Relationship, RoleKind, SchoolLevel, SessionEnd, StaffStatus, StudentStatus, TeachingKind,
    UnknownValue,
};

/// Every entity under its table's name in `PascalCase` (the `result` table is
/// `AssessmentResult`, so a glob import does not shadow `std`'s `Result`), and the enums.
pub mod prelude {
    pub use super::account_code::Entity as AccountCode;
    pub use super::account_event::Entity as AccountEvent;
    pub use super::assessment::Entity as Assessment;
    pub use super::assessment_category::Entity as AssessmentCategory;
    pub use super::attachment::Entity as Attachment;
    pub use super::attachment_blob::Entity as AttachmentBlob;
    pub use super::attendance::Entity as Attendance;
    pub use super::auth_session::Entity as AuthSession;
    pub use super::auth_session_retired::Entity as AuthSessionRetired;
    pub use super::book_lock::Entity as BookLock;
    pub use super::change_request::Entity as ChangeRequest;
    pub use super::conduct::Entity as Conduct;
    pub use super::conversation::Entity as Conversation;
    pub use super::conversation_member::Entity as ConversationMember;
    pub use super::course::Entity as Course;
    pub use super::data_key::Entity as DataKey;
    pub use super::disclosure_log::Entity as DisclosureLog;
    pub use super::enrollment::Entity as Enrollment;
    pub use super::enums::*;
    pub use super::exchange_log::Entity as ExchangeLog;
    pub use super::exemption::Entity as Exemption;
    pub use super::guardian::Entity as Guardian;
    pub use super::guardianship::Entity as Guardianship;
    pub use super::homeroom_class::Entity as HomeroomClass;
    pub use super::leave_request::Entity as LeaveRequest;
    pub use super::message::Entity as Message;
    pub use super::message_report::Entity as MessageReport;
    pub use super::missed_assessment::Entity as MissedAssessment;
    pub use super::notice::Entity as Notice;
    pub use super::notice_delivery::Entity as NoticeDelivery;
    pub use super::notice_read::Entity as NoticeRead;
    pub use super::notice_reminder::Entity as NoticeReminder;
    pub use super::notice_reply::Entity as NoticeReply;
    pub use super::notice_staff_delivery::Entity as NoticeStaffDelivery;
    pub use super::notice_version::Entity as NoticeVersion;
    pub use super::notification::Entity as Notification;
    pub use super::org::Entity as Org;
    pub use super::org_parent::Entity as OrgParent;
    pub use super::outbox_message::Entity as OutboxMessage;
    pub use super::primary_evaluation::Entity as PrimaryEvaluation;
    pub use super::primary_nomination::Entity as PrimaryNomination;
    pub use super::record_change::Entity as RecordChange;
    pub use super::result::Entity as AssessmentResult;
    pub use super::school_year::Entity as SchoolYear;
    pub use super::section::Entity as Section;
    pub use super::section_enrollment::Entity as SectionEnrollment;
    pub use super::semester::Entity as Semester;
    pub use super::sharing_agreement::Entity as SharingAgreement;
    pub use super::sharing_agreement_place::Entity as SharingAgreementPlace;
    pub use super::sharing_consent::Entity as SharingConsent;
    pub use super::sign_in_known_address::Entity as SignInKnownAddress;
    pub use super::sign_in_throttle::Entity as SignInThrottle;
    pub use super::staff::Entity as Staff;
    pub use super::staff_availability::Entity as StaffAvailability;
    pub use super::staff_notification::Entity as StaffNotification;
    pub use super::staff_push_device::Entity as StaffPushDevice;
    pub use super::staff_role::Entity as StaffRole;
    pub use super::staff_status_history::Entity as StaffStatusHistory;
    pub use super::student::Entity as Student;
    pub use super::subject::Entity as Subject;
    pub use super::teaching_assignment::Entity as TeachingAssignment;
    pub use super::transfer::Entity as Transfer;
    pub use super::vendor_client::Entity as VendorClient;
    pub use super::vendor_token::Entity as VendorToken;
}
