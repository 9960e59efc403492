//! The rows of each file as typed records, holding the columns EMIS keeps. Values of the
//! Vietnamese extension columns use EMIS's own vocabularies (school level, relationship,
//! employment status, role, assessment kind, attendance session and status).

use crate::files::FileKind;
use crate::reader::{Fields, Record, Vocabulary};
use crate::vocabulary;
use chrono::NaiveDate;
use entity::{
    AssessmentKind, AssessmentMode, AttendanceStatus, DaySession, Relationship, RoleKind, SchoolLevel, StaffStatus,
};

/// EMIS's vocabularies, as the extension columns take them.
macro_rules! emis_vocabulary {
    ($($name:ty),*) => {$(
        impl Vocabulary for $name {
            const ALL: &'static [Self] = <$name>::ALL;
            const TOKENS: &'static [&'static str] = <$name>::TOKENS;
            fn parse(token: &str) -> Option<Self> {
                token.parse().ok()
            }
            fn token(self) -> &'static str {
                self.as_str()
            }
        }
    )*};
}

emis_vocabulary!(
    AssessmentKind,
    AssessmentMode,
    AttendanceStatus,
    DaySession,
    RoleKind,
    SchoolLevel,
    StaffStatus,
    Relationship
);

vocabulary! {
    /// `orgs.type`.
    OrgType {
        Department => "department",
        School => "school",
        District => "district",
        Local => "local",
        State => "state",
        National => "national",
    }
}

vocabulary! {
    /// `academicSessions.type`.
    SessionType {
        GradingPeriod => "gradingPeriod",
        Semester => "semester",
        SchoolYear => "schoolYear",
        Term => "term",
    }
}

vocabulary! {
    /// `classes.classType`.
    ClassType {
        Homeroom => "homeroom",
        Scheduled => "scheduled",
    }
}

vocabulary! {
    /// `roles.roleType`.
    RoleType {
        Primary => "primary",
        Secondary => "secondary",
    }
}

vocabulary! {
    /// `roles.role`.
    RoleName {
        Aide => "aide",
        Counselor => "counselor",
        DistrictAdministrator => "districtAdministrator",
        Guardian => "guardian",
        Parent => "parent",
        Principal => "principal",
        Proctor => "proctor",
        Relative => "relative",
        SiteAdministrator => "siteAdministrator",
        Student => "student",
        SystemAdministrator => "systemAdministrator",
        Teacher => "teacher",
    }
}

vocabulary! {
    /// `enrollments.role`.
    EnrollmentRole {
        Administrator => "administrator",
        Proctor => "proctor",
        Student => "student",
        Teacher => "teacher",
    }
}

vocabulary! {
    /// `results.scoreStatus`.
    ScoreStatus {
        Exempt => "exempt",
        FullyGraded => "fully graded",
        NotSubmitted => "not submitted",
        PartiallyGraded => "partially graded",
        Submitted => "submitted",
    }
}

vocabulary! {
    /// `demographics.sex`.
    Sex {
        Male => "male",
        Female => "female",
        Unspecified => "unspecified",
        Other => "other",
    }
}

/// `orgs.csv`: the organisation tree.
#[derive(Clone, Debug, PartialEq)]
pub struct Org {
    pub name: String,
    pub kind: OrgType,
    /// The sector code (mã trường / mã đơn vị).
    pub identifier: Option<String>,
    pub parent: Option<String>,
    /// `metadata.vn.schoolLevel`: TH, THCS or THPT, for schools.
    pub school_level: Option<SchoolLevel>,
    /// `metadata.vn.parentSince`: since when the parent link holds.
    pub parent_since: Option<NaiveDate>,
}

impl Record for Org {
    const FILE: FileKind = FileKind::Orgs;
    fn parse(fields: &mut Fields<'_>) -> Self {
        Org {
            name: fields.required("name"),
            kind: fields.required_choice("type"),
            identifier: fields.optional("identifier"),
            parent: fields.reference("parentSourcedId"),
            school_level: fields.choice("metadata.vn.schoolLevel"),
            parent_since: fields.date("metadata.vn.parentSince"),
        }
    }
}

/// `academicSessions.csv`: school years and their semesters.
#[derive(Clone, Debug, PartialEq)]
pub struct AcademicSession {
    pub title: String,
    pub kind: SessionType,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub parent: Option<String>,
    /// The calendar year in which the school year ends.
    pub school_year: i64,
    /// `metadata.vn.semester`: the semester's number (1 or 2) within its year.
    pub semester: Option<i64>,
}

impl Record for AcademicSession {
    const FILE: FileKind = FileKind::AcademicSessions;
    fn parse(fields: &mut Fields<'_>) -> Self {
        let school_year = match fields.text("schoolYear") {
            None => {
                fields.problem("schoolYear", crate::problem::Reason::Required);
                None
            }
            Some(value) if value.len() != 4 => {
                let reason = crate::problem::Reason::BadNumber(value.to_owned());
                fields.problem("schoolYear", reason);
                None
            }
            Some(_) => fields.integer("schoolYear"),
        }
        .unwrap_or_default();
        AcademicSession {
            title: fields.required("title"),
            kind: fields.required_choice("type"),
            start: fields.required_date("startDate"),
            end: fields.required_date("endDate"),
            parent: fields.reference("parentSourcedId"),
            school_year,
            semester: fields.integer("metadata.vn.semester"),
        }
    }
}

/// `courses.csv`: a subject as taught to a grade (EMIS keeps the subject).
#[derive(Clone, Debug, PartialEq)]
pub struct Course {
    pub school_year: Option<String>,
    pub title: String,
    pub code: Option<String>,
    pub grades: Vec<String>,
    pub org: String,
    pub subjects: Vec<String>,
    pub subject_codes: Vec<String>,
    /// `metadata.vn.assessment`: scored, or comment-only.
    pub assessment: Option<AssessmentMode>,
    /// `metadata.vn.sortOrder`: where the subject comes on report sheets.
    pub sort_order: Option<i64>,
}

impl Record for Course {
    const FILE: FileKind = FileKind::Courses;
    fn parse(fields: &mut Fields<'_>) -> Self {
        Course {
            school_year: fields.reference("schoolYearSourcedId"),
            title: fields.required("title"),
            code: fields.optional("courseCode"),
            grades: fields.list("grades"),
            org: fields.required_reference("orgSourcedId"),
            subjects: fields.list("subjects"),
            subject_codes: fields.list("subjectCodes"),
            assessment: fields.choice("metadata.vn.assessment"),
            sort_order: fields.integer("metadata.vn.sortOrder"),
        }
    }
}

/// `classes.csv`: homeroom classes, and scheduled classes (a subject taught to a homeroom
/// class: EMIS's sections).
#[derive(Clone, Debug, PartialEq)]
pub struct Class {
    pub title: String,
    pub grades: Vec<String>,
    pub course: String,
    pub code: Option<String>,
    pub kind: ClassType,
    pub school: String,
    pub terms: Vec<String>,
    /// `metadata.vn.homeroomClassSourcedId`: the homeroom class a scheduled class teaches.
    pub homeroom_class: Option<String>,
    /// `metadata.vn.periodsPerYear`.
    pub periods_per_year: Option<i64>,
}

impl Record for Class {
    const FILE: FileKind = FileKind::Classes;
    fn parse(fields: &mut Fields<'_>) -> Self {
        let terms = fields.references("termSourcedIds");
        if terms.is_empty() && fields.text("termSourcedIds").is_none() {
            fields.problem("termSourcedIds", crate::problem::Reason::Required);
        }
        Class {
            title: fields.required("title"),
            grades: fields.list("grades"),
            course: fields.required_reference("courseSourcedId"),
            code: fields.optional("classCode"),
            kind: fields.required_choice("classType"),
            school: fields.required_reference("schoolSourcedId"),
            terms,
            homeroom_class: fields.reference("metadata.vn.homeroomClassSourcedId"),
            periods_per_year: fields.integer("metadata.vn.periodsPerYear"),
        }
    }
}

/// `users.csv`: students, staff and guardians.
#[derive(Clone, Debug, PartialEq)]
pub struct User {
    pub enabled: bool,
    pub username: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub middle_name: Option<String>,
    pub identifier: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub agents: Vec<String>,
    pub grades: Vec<String>,
    pub primary_org: Option<String>,
    /// `metadata.vn.nationalId`: the citizen identity number (sealed when stored).
    pub national_id: Option<String>,
    /// `metadata.vn.address`: home address (sealed when stored).
    pub address: Option<String>,
    /// `metadata.vn.relationship`: for a guardian, father, mother or guardian.
    pub relationship: Option<Relationship>,
    /// `metadata.vn.employmentStatus`: for staff.
    pub employment_status: Option<StaffStatus>,
}

impl Record for User {
    const FILE: FileKind = FileKind::Users;
    fn parse(fields: &mut Fields<'_>) -> Self {
        if fields.text("enabledUser").is_none() {
            fields.problem("enabledUser", crate::problem::Reason::Required);
        }
        let enabled = fields.boolean("enabledUser").unwrap_or(true);
        User {
            enabled,
            username: fields.optional("username"),
            given_name: fields.required("givenName"),
            family_name: fields.required("familyName"),
            middle_name: fields.optional("middleName"),
            identifier: fields.optional("identifier"),
            email: fields.optional("email"),
            phone: fields.optional("phone"),
            agents: fields.references("agentSourcedIds"),
            grades: fields.list("grades"),
            primary_org: fields.reference("primaryOrgSourcedId"),
            national_id: fields.optional("metadata.vn.nationalId"),
            address: fields.optional("metadata.vn.address"),
            relationship: fields.choice("metadata.vn.relationship"),
            employment_status: fields.choice("metadata.vn.employmentStatus"),
        }
    }
}

/// `roles.csv`: a user's role in an organisation.
#[derive(Clone, Debug, PartialEq)]
pub struct Role {
    pub user: String,
    pub role_type: RoleType,
    pub role: RoleName,
    pub begin: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub org: String,
    /// `metadata.vn.role`: EMIS's role where OneRoster's is too coarse (vice principal,
    /// clerk, privacy officer, operator, district officer).
    pub emis_role: Option<RoleKind>,
}

impl Record for Role {
    const FILE: FileKind = FileKind::Roles;
    fn parse(fields: &mut Fields<'_>) -> Self {
        Role {
            user: fields.required_reference("userSourcedId"),
            role_type: fields.required_choice("roleType"),
            role: fields.required_choice("role"),
            begin: fields.date("beginDate"),
            end: fields.date("endDate"),
            org: fields.required_reference("orgSourcedId"),
            emis_role: fields.choice("metadata.vn.role"),
        }
    }
}

/// `demographics.csv`: a user's birth date, sex and sensitive background (its `sourcedId` is
/// the user's).
#[derive(Clone, Debug, PartialEq)]
pub struct Demographics {
    pub birth_date: Option<NaiveDate>,
    pub sex: Option<Sex>,
    /// `metadata.vn.ethnicity` (dân tộc), sealed when stored.
    pub ethnicity: Option<String>,
    /// `metadata.vn.religion` (tôn giáo), sealed when stored.
    pub religion: Option<String>,
    /// `metadata.vn.health`: health and disability notes, sealed when stored.
    pub health: Option<String>,
}

impl Record for Demographics {
    const FILE: FileKind = FileKind::Demographics;
    fn parse(fields: &mut Fields<'_>) -> Self {
        Demographics {
            birth_date: fields.date("birthDate"),
            sex: fields.choice("sex"),
            ethnicity: fields.optional("metadata.vn.ethnicity"),
            religion: fields.optional("metadata.vn.religion"),
            health: fields.optional("metadata.vn.health"),
        }
    }
}

/// `enrollments.csv`: a student in a class, or a teacher of one.
#[derive(Clone, Debug, PartialEq)]
pub struct Enrollment {
    pub class: String,
    pub school: String,
    pub user: String,
    pub role: EnrollmentRole,
    pub primary: Option<bool>,
    pub begin: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

impl Record for Enrollment {
    const FILE: FileKind = FileKind::Enrollments;
    fn parse(fields: &mut Fields<'_>) -> Self {
        Enrollment {
            class: fields.required_reference("classSourcedId"),
            school: fields.required_reference("schoolSourcedId"),
            user: fields.required_reference("userSourcedId"),
            role: fields.required_choice("role"),
            primary: fields.boolean("primary"),
            begin: fields.date("beginDate"),
            end: fields.date("endDate"),
        }
    }
}

/// `categories.csv`: a kind of assessment column and its weight.
#[derive(Clone, Debug, PartialEq)]
pub struct Category {
    pub title: String,
    pub weight: Option<f64>,
    /// `metadata.vn.assessmentKind`: regular (ĐĐGtx), midterm (ĐĐGgk) or final (ĐĐGck).
    pub assessment_kind: Option<AssessmentKind>,
}

impl Record for Category {
    const FILE: FileKind = FileKind::Categories;
    fn parse(fields: &mut Fields<'_>) -> Self {
        Category {
            title: fields.required("title"),
            weight: fields.number("weight"),
            assessment_kind: fields.choice("metadata.vn.assessmentKind"),
        }
    }
}

/// `lineItems.csv`: an assessment column of a section in a semester.
#[derive(Clone, Debug, PartialEq)]
pub struct LineItem {
    pub title: String,
    pub class: String,
    pub category: String,
    pub academic_session: String,
    pub school: Option<String>,
    /// `metadata.vn.sequence`: the number of a regular assessment within its semester.
    pub sequence: Option<i64>,
}

impl Record for LineItem {
    const FILE: FileKind = FileKind::LineItems;
    fn parse(fields: &mut Fields<'_>) -> Self {
        fields.date("assignDate");
        fields.date("dueDate");
        LineItem {
            title: fields.required("title"),
            class: fields.required_reference("classSourcedId"),
            category: fields.required_reference("categorySourcedId"),
            academic_session: fields.required_reference("academicSessionSourcedId"),
            school: fields.reference("schoolSourcedId"),
            sequence: fields.integer("metadata.vn.sequence"),
        }
    }
}

/// `results.csv`: a student's score or comment-subject result on a line item.
#[derive(Clone, Debug, PartialEq)]
pub struct AssessmentResult {
    pub line_item: String,
    pub student: String,
    pub score_status: ScoreStatus,
    pub score: Option<f64>,
    pub score_date: Option<NaiveDate>,
    pub comment: Option<String>,
    /// For comment-only subjects: `Đạt` or `Chưa đạt`.
    pub text_score: Option<String>,
}

impl Record for AssessmentResult {
    const FILE: FileKind = FileKind::Results;
    fn parse(fields: &mut Fields<'_>) -> Self {
        AssessmentResult {
            line_item: fields.required_reference("lineItemSourcedId"),
            student: fields.required_reference("studentSourcedId"),
            score_status: fields.required_choice("scoreStatus"),
            score: fields.number("score"),
            score_date: fields.date("scoreDate"),
            comment: fields.optional("comment"),
            text_score: fields.optional("textScore"),
        }
    }
}

/// `attendance.csv` (EMIS's extension): a student's attendance in a half-day session.
#[derive(Clone, Debug, PartialEq)]
pub struct Attendance {
    pub class: String,
    pub student: String,
    pub date: NaiveDate,
    pub session: DaySession,
    pub status: AttendanceStatus,
    pub note: Option<String>,
    /// `metadata.vn.period`: the lesson period, for a late arrival or a missed period.
    pub period: Option<i64>,
}

impl Record for Attendance {
    const FILE: FileKind = FileKind::Attendance;
    fn parse(fields: &mut Fields<'_>) -> Self {
        Attendance {
            class: fields.required_reference("classSourcedId"),
            student: fields.required_reference("studentSourcedId"),
            date: fields.required_date("date"),
            session: fields.required_choice("session"),
            status: fields.required_choice("attendanceStatus"),
            note: fields.optional("note"),
            period: fields.integer("metadata.vn.period"),
        }
    }
}
