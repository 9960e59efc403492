//! The rows of each file as typed records, holding the columns EMIS keeps: the structure
//! (`structure.rs`), people and their places (`people.rs`) and the books (`books.rs`), with
//! the vocabularies their columns take, here. Values of the Vietnamese extension columns use
//! EMIS's own vocabularies (school level, relationship, employment status, role, assessment
//! kind, attendance session and status), with the words of their synonym tables
//! ([`crate::vocabulary::tables`]).

mod books;
mod people;
mod structure;

pub use books::{AssessmentResult, Attendance, Category, LineItem};
pub use people::{Background, Demographics, Enrollment, Role, User};
pub use structure::{AcademicSession, Class, Course, Org};

use crate::reader::Vocabulary;
use crate::vocabulary;
use crate::vocabulary::{Table, tables};
use entity::{
    AssessmentKind, AssessmentMode, AttendanceStatus, DaySession, Relationship, RoleKind, SchoolLevel, StaffStatus,
};

/// EMIS's vocabularies, as the extension columns take them.
macro_rules! emis_vocabulary {
    ($($name:ty => $synonyms:expr),* $(,)?) => {$(
        impl Vocabulary for $name {
            const ALL: &'static [Self] = <$name>::ALL;
            const TOKENS: &'static [&'static str] = <$name>::TOKENS;
            const SYNONYMS: Option<&'static Table> = $synonyms;
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
    AssessmentKind => Some(&tables::ASSESSMENT_KIND),
    AssessmentMode => Some(&tables::ASSESSMENT_MODE),
    AttendanceStatus => Some(&tables::ATTENDANCE_STATUS),
    DaySession => Some(&tables::DAY_SESSION),
    RoleKind => None,
    SchoolLevel => Some(&tables::SCHOOL_LEVEL),
    StaffStatus => Some(&tables::EMPLOYMENT_STATUS),
    Relationship => Some(&tables::RELATIONSHIP),
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

/// `lineItems.csv` `metadata.vn.checkpoint`: the checkpoint of the primary summary book
/// (Circular 27) whose subject evaluation a line item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PrimaryCheckpoint {
    MidSemesterOne,
    EndSemesterOne,
    MidSemesterTwo,
    EndOfYear,
}

impl Vocabulary for PrimaryCheckpoint {
    const ALL: &'static [Self] = &[Self::MidSemesterOne, Self::EndSemesterOne, Self::MidSemesterTwo, Self::EndOfYear];
    const TOKENS: &'static [&'static str] = &["mid_1", "end_1", "mid_2", "end_year"];
    const SYNONYMS: Option<&'static Table> = Some(&tables::PRIMARY_CHECKPOINT);
    fn parse(token: &str) -> Option<Self> {
        let position = Self::TOKENS.iter().position(|known| *known == token)?;
        Some(Self::ALL[position])
    }
    fn token(self) -> &'static str {
        let position = Self::ALL.iter().position(|known| *known == self).unwrap_or(0);
        Self::TOKENS[position]
    }
}
