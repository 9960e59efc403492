//! How many items each list field of the schema can hold, for the weighing. A field with a
//! `first` argument is bounded by the page asked for; every other list field has its bound
//! here, from the circulars or from how the school system is organised. The bounds weigh a
//! request; they cut nothing from an answer. A test fails when a list field of the schema
//! has no bound, so a new one cannot be forgotten.

/// Students in a class: the circulars' cap (45 in lower and upper secondary, 35 in primary).
pub const CLASS_SIZE: u64 = 45;
/// Subjects (sections) of a class, and the subject lines of a summary or a book.
pub const SUBJECTS: u64 = 20;
/// Assessment columns of a section in a semester: at most six regular ones (four, and two
/// more), the mid-term, the end-of-term and a re-test.
pub const COLUMNS: u64 = 9;
/// A student's results in a semester: every column of every subject.
pub const RESULTS: u64 = SUBJECTS * COLUMNS;
/// Qualities and competencies of the primary book (five and ten).
pub const AREAS: u64 = 15;
/// A guardian's children, and a student's guardians.
pub const FAMILY: u64 = 6;
/// Classes of a school.
pub const CLASSES: u64 = 80;
/// Schools one caller may see (a district officer's district).
pub const SCHOOLS: u64 = 200;
/// Sections one teacher teaches.
pub const TEACHING: u64 = 20;
/// Classes one teacher is homeroom teacher of (one, in practice).
pub const HOMEROOM: u64 = 4;
/// Enrollments of one student over twelve school years, moves included.
pub const ENROLLMENTS: u64 = 36;
/// Semesters (and years) a student has conduct for over twelve school years.
pub const SEMESTERS: u64 = 36;
/// School years on the calendar.
pub const YEARS: u64 = 50;
/// Semesters of one school year.
pub const TERMS: u64 = 2;
/// Roll-call entries of one student in one day: two sessions and ten periods.
pub const ATTENDANCE_PER_DAY: u64 = 12;
/// Days weighed when a date range is not known before the request runs: a year.
pub const DAYS_UNKNOWN: u64 = 366;
/// Devices one person keeps registered for push notifications.
pub const DEVICES: u64 = crate::outbox::DEVICES_PER_PERSON as u64;
/// Roles one caller holds, and field groups of one disclosure entry.
pub const SMALL: u64 = 16;
/// Files attached to one item.
pub const ATTACHMENTS: u64 = crate::attachments::files::MAX_PER_ITEM as u64;
/// People in one conversation: a teacher and the child's guardians.
pub const CONVERSATION_MEMBERS: u64 = FAMILY + 1;
/// Windows of one staff member's availability.
pub const AVAILABILITY_WINDOWS: u64 = crate::staffing::availability::MAX_WINDOWS as u64;
/// Rows the staff directory answers at most.
pub const STAFF_DIRECTORY: u64 = 500;
/// Items weighed for a list field the table does not know (none in this schema: a test
/// sees to it).
pub const UNKNOWN: u64 = 1_000;
/// Accounts one call may issue activation codes to: the people it names (at most this many),
/// or a class's guardians (two for each of at most [`CLASS_SIZE`] students).
pub const ACTIVATION_BATCH: u64 = 100;
/// Students one intake takes in (`admitNewStudents` takes at most this many).
pub const INTAKE: u64 = 60;
/// The page of the student list when `first` is not given.
pub const STUDENT_PAGE: u64 = 20;

/// How a list field is bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// A fixed number of items.
    Items(u64),
    /// The field's `first` argument (its value, a variable's, or its default).
    First,
    /// The page of the connection the field belongs to (`StudentConnection.nodes`).
    ConnectionPage,
    /// `narrowed` items when the argument `by` is given, `whole` otherwise.
    Narrowed { by: &'static str, narrowed: u64, whole: u64 },
    /// Entries per day between the `from` and `to` arguments.
    PerDay(u64),
}

/// The bound of the list field `ty.field`; `None` for a field the table does not know.
pub fn of(ty: &str, field: &str) -> Option<Bound> {
    use Bound::{ConnectionPage, First, Items, Narrowed, PerDay};
    let bound = match (ty, field) {
        ("Class" | "Section", "students") | ("Class", "formerStudents") => Items(CLASS_SIZE),
        ("ClassSummary" | "PrimaryBook", "lines") => Items(CLASS_SIZE),
        ("RecordAttendancePayload" | "RecordScoresPayload", "entries" | "results" | "requests") => Items(CLASS_SIZE),
        ("RecordConductPayload", "requests") | ("EnableStudentAccountsPayload", "accounts") => Items(CLASS_SIZE),
        ("Class", "sections") | ("ClassSummary" | "PrimaryLine" | "SummaryLine", "subjects") => Items(SUBJECTS),
        ("PrimaryBook", "subjectIds")
        | ("SummaryLine", "retestSubjects")
        | ("Student", "exemptions" | "correspondents") => Items(SUBJECTS),
        ("PrimaryBook", "areas") | ("PrimaryLine", "ratings") => Items(AREAS),
        ("Section", "assessments") | ("MutationRoot", "setAssessmentColumns") => Items(COLUMNS),
        ("AssessmentColumn", "makeUpsOwed" | "missed") => Items(CLASS_SIZE),
        ("Student", "results") => Narrowed { by: "sectionId", narrowed: COLUMNS, whole: RESULTS },
        ("Student", "guardians") | ("Me", "children") => Items(FAMILY),
        ("School", "classes") | ("MutationRoot", "createClasses") => Items(CLASSES),
        ("RolloverPlan", "students") => Narrowed { by: "classId", narrowed: CLASS_SIZE, whole: CLASSES * CLASS_SIZE },
        ("QueryRoot", "schoolYears") => Items(YEARS),
        ("SchoolYear", "semesters") => Items(TERMS),
        ("QueryRoot" | "Me", "schools") => Items(SCHOOLS),
        ("Me", "sections") => Items(TEACHING),
        ("Me", "homeroomClasses") => Items(HOMEROOM),
        ("Student", "enrollments") => Items(ENROLLMENTS),
        ("Student", "conduct") => Items(SEMESTERS),
        ("Student", "attendance") => PerDay(ATTENDANCE_PER_DAY),
        ("Me", "roles") | ("DisclosureEntry", "fields") => Items(SMALL),
        ("QueryRoot", "staffDirectory") => Items(STAFF_DIRECTORY),
        ("ActivationCodes", "issued" | "passedOver") => Items(ACTIVATION_BATCH),
        ("IntakeResult", "students") => Items(INTAKE),
        ("Notice" | "Message", "attachments") => Items(ATTACHMENTS),
        ("Me", "pushDevices") => Items(DEVICES),
        ("Notification", "deliveries") => Items(DEVICES + 1),
        ("Me", "notificationChannels") | ("MutationRoot", "setNotificationChannel") => Items(SMALL),
        ("IntakeResult", "mapped") => Items(INTAKE * FAMILY),
        ("StudentConnection", "nodes" | "edges") => ConnectionPage,
        ("Conversation", "members") => Items(CONVERSATION_MEMBERS),
        ("Notice", "myReplies") | ("MutationRoot", "replyToInvitation") => Items(FAMILY),
        ("Availability", "windows" | "effective") => Items(AVAILABILITY_WINDOWS),
        ("SharingAgreement", "places") => Items(crate::sharing::agreements::MAX_PLACES as u64),
        ("SharingAgreement", "scopes") => Items(crate::sharing::scopes::SCOPES.len() as u64),
        ("SharingAgreement", "fieldGroups") => Items(crate::sharing::scopes::FIELD_GROUPS.len() as u64),
        ("QueryRoot", "sharingPurposes") | ("Student", "sharingConsents") => {
            Items(crate::graphql::sharing::PURPOSES_MAX as u64)
        }
        ("SharingConsent", "vendors") => Items(crate::sharing::consent::VENDORS_NAMED as u64),
        ("SharingConsent" | "SharingPurpose", "kinds") => Items(emis_authz::Kind::ALL.len() as u64),
        ("SubjectRequest", "steps") => {
            Items(crate::subject::erasure::RULES.len().max(crate::subject::erasure::STAFF_RULES.len()) as u64)
        }
        // `Breach.affected(first:)` names at most 200.
        ("AffectedStudents", "studentIds") => Items(200),
        ("Me", "notifications" | "staffNotifications" | "notices" | "conversations")
        | ("Conversation", "messages")
        | ("VendorClient", "agreements")
        | ("Notice", "unreadStudents" | "studentsByReply" | "versions")
        | (
            "QueryRoot",
            "disclosureLog" | "changeRequests" | "leaveRequests" | "transfers" | "outbox" | "vendorClients"
            | "sharingCapAlerts" | "breaches" | "subjectRequests",
        )
        | ("Student", "history" | "disclosures")
        | ("StaffHistory", "roles" | "assignments" | "statuses" | "contactChanges") => First,
        _ => return None,
    };
    Some(bound)
}

#[cfg(test)]
mod tests {
    use super::of;
    use crate::graphql::cost::shape::Shape;

    #[test]
    fn every_list_field_of_the_schema_has_a_bound() {
        let shape = Shape::from_sdl(&crate::graphql::sdl());
        let unbounded: Vec<String> = shape
            .list_fields()
            .filter(|name| name.split_once('.').is_none_or(|(ty, field)| of(ty, field).is_none()))
            .collect();
        assert!(shape.list_fields().count() > 40, "the schema's list fields were read");
        assert!(unbounded.is_empty(), "list fields without a bound: {unbounded:?}");
    }

    #[test]
    fn every_field_bounded_by_first_has_a_first_argument() {
        let shape = Shape::from_sdl(&crate::graphql::sdl());
        for name in shape.list_fields() {
            let Some((ty, field)) = name.split_once('.') else { continue };
            if of(ty, field) == Some(super::Bound::First) {
                let arguments = &shape.outputs[ty][field].arguments;
                assert!(arguments.contains_key("first"), "{name} has no `first`");
            }
        }
    }
}
