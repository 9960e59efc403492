//! The files of a package: the OneRoster 1.2 CSV files EMIS reads and writes, with their
//! columns in the specification's order followed by EMIS's Vietnamese extension columns
//! (`metadata.vn.*`), the `attendance.csv` extension file, and the binding's other files,
//! which EMIS recognises but does not keep.

/// A file EMIS reads and writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileKind {
    Orgs,
    AcademicSessions,
    Courses,
    Classes,
    Users,
    Roles,
    Demographics,
    Enrollments,
    Categories,
    LineItems,
    Results,
    /// EMIS's extension: attendance, which OneRoster does not cover.
    Attendance,
}

/// A column of a file: its header and whether a row must give it a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub required: bool,
}

const fn required(name: &'static str) -> Column {
    Column { name, required: true }
}

const fn optional(name: &'static str) -> Column {
    Column { name, required: false }
}

/// `sourcedId`, `status`, `dateLastModified`: the leading columns of every data file. The
/// last two are blank in bulk files and required in delta files.
const LEADING: [Column; 3] = [required("sourcedId"), optional("status"), optional("dateLastModified")];

macro_rules! columns {
    ($($column:expr),* $(,)?) => {{
        const COLUMNS: &[Column] = &[LEADING[0], LEADING[1], LEADING[2], $($column),*];
        COLUMNS
    }};
}

impl FileKind {
    /// Every file, in the order an import reads them (a file's references point only at files
    /// read before it).
    pub const ALL: [FileKind; 12] = [
        FileKind::Orgs,
        FileKind::AcademicSessions,
        FileKind::Courses,
        FileKind::Classes,
        FileKind::Users,
        FileKind::Roles,
        FileKind::Demographics,
        FileKind::Enrollments,
        FileKind::Categories,
        FileKind::LineItems,
        FileKind::Results,
        FileKind::Attendance,
    ];

    /// The file's name in a package, e.g. `academicSessions.csv`.
    pub fn file_name(self) -> &'static str {
        match self {
            FileKind::Orgs => "orgs.csv",
            FileKind::AcademicSessions => "academicSessions.csv",
            FileKind::Courses => "courses.csv",
            FileKind::Classes => "classes.csv",
            FileKind::Users => "users.csv",
            FileKind::Roles => "roles.csv",
            FileKind::Demographics => "demographics.csv",
            FileKind::Enrollments => "enrollments.csv",
            FileKind::Categories => "categories.csv",
            FileKind::LineItems => "lineItems.csv",
            FileKind::Results => "results.csv",
            FileKind::Attendance => "attendance.csv",
        }
    }

    /// The file's property in `manifest.csv`, e.g. `file.academicSessions`.
    pub fn manifest_property(self) -> String {
        format!("file.{}", self.file_name().trim_end_matches(".csv"))
    }

    /// The file whose name is `name`, if EMIS reads it.
    pub fn named(name: &str) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|kind| kind.file_name() == name)
    }

    /// The file's columns: the specification's, in its order, then EMIS's extension columns.
    /// Long on purpose: it is the table of every file's columns, one line a column, which reads
    /// best whole and beside the specification.
    pub fn columns(self) -> &'static [Column] {
        match self {
            FileKind::Orgs => columns![
                required("name"),
                required("type"),
                optional("identifier"),
                optional("parentSourcedId"),
                optional("metadata.vn.schoolLevel"),
                optional("metadata.vn.parentSince"),
                optional("metadata.vn.level"),
            ],
            FileKind::AcademicSessions => columns![
                required("title"),
                required("type"),
                required("startDate"),
                required("endDate"),
                optional("parentSourcedId"),
                required("schoolYear"),
                optional("metadata.vn.semester"),
            ],
            FileKind::Courses => columns![
                optional("schoolYearSourcedId"),
                required("title"),
                optional("courseCode"),
                optional("grades"),
                required("orgSourcedId"),
                optional("subjects"),
                optional("subjectCodes"),
                optional("metadata.vn.assessment"),
                optional("metadata.vn.sortOrder"),
            ],
            FileKind::Classes => columns![
                required("title"),
                optional("grades"),
                required("courseSourcedId"),
                optional("classCode"),
                required("classType"),
                optional("location"),
                required("schoolSourcedId"),
                required("termSourcedIds"),
                optional("subjects"),
                optional("subjectCodes"),
                optional("periods"),
                optional("metadata.vn.homeroomClassSourcedId"),
                optional("metadata.vn.periodsPerYear"),
            ],
            FileKind::Users => columns![
                required("enabledUser"),
                optional("username"),
                optional("userIds"),
                required("givenName"),
                required("familyName"),
                optional("middleName"),
                optional("identifier"),
                optional("email"),
                optional("sms"),
                optional("phone"),
                optional("agentSourcedIds"),
                optional("grades"),
                optional("password"),
                optional("userMasterIdentifier"),
                optional("preferredGivenName"),
                optional("preferredMiddleName"),
                optional("preferredFamilyName"),
                optional("primaryOrgSourcedId"),
                optional("pronouns"),
                optional("metadata.vn.nationalId"),
                optional("metadata.vn.address"),
                optional("metadata.vn.relationship"),
                optional("metadata.vn.employmentStatus"),
                optional("metadata.vn.ethnicity"),
                optional("metadata.vn.religion"),
                optional("metadata.vn.health"),
            ],
            FileKind::Roles => columns![
                required("userSourcedId"),
                required("roleType"),
                required("role"),
                optional("beginDate"),
                optional("endDate"),
                required("orgSourcedId"),
                optional("userProfileSourcedId"),
                optional("metadata.vn.role"),
            ],
            FileKind::Demographics => columns![
                optional("birthDate"),
                optional("sex"),
                optional("americanIndianOrAlaskaNative"),
                optional("asian"),
                optional("blackOrAfricanAmerican"),
                optional("nativeHawaiianOrOtherPacificIslander"),
                optional("white"),
                optional("demographicRaceTwoOrMoreRaces"),
                optional("hispanicOrLatinoEthnicity"),
                optional("countryOfBirthCode"),
                optional("stateOfBirthAbbreviation"),
                optional("cityOfBirth"),
                optional("publicSchoolResidenceStatus"),
                optional("metadata.vn.ethnicity"),
                optional("metadata.vn.religion"),
                optional("metadata.vn.health"),
            ],
            FileKind::Enrollments => columns![
                required("classSourcedId"),
                required("schoolSourcedId"),
                required("userSourcedId"),
                required("role"),
                optional("primary"),
                optional("beginDate"),
                optional("endDate"),
            ],
            FileKind::Categories => {
                columns![required("title"), optional("weight"), optional("metadata.vn.assessmentKind")]
            }
            FileKind::LineItems => columns![
                required("title"),
                optional("description"),
                optional("assignDate"),
                optional("dueDate"),
                required("classSourcedId"),
                required("categorySourcedId"),
                required("academicSessionSourcedId"),
                optional("resultValueMin"),
                optional("resultValueMax"),
                optional("schoolSourcedId"),
                optional("metadata.vn.sequence"),
                optional("metadata.vn.checkpoint"),
            ],
            FileKind::Results => columns![
                required("lineItemSourcedId"),
                required("studentSourcedId"),
                required("scoreStatus"),
                optional("score"),
                optional("scoreDate"),
                optional("comment"),
                optional("textScore"),
                optional("classSourcedId"),
                optional("inProgress"),
                optional("incomplete"),
                optional("late"),
                optional("missing"),
                optional("metadata.vn.noMakeUp"),
            ],
            FileKind::Attendance => columns![
                required("classSourcedId"),
                required("studentSourcedId"),
                required("date"),
                required("session"),
                required("attendanceStatus"),
                optional("note"),
                optional("metadata.vn.period"),
            ],
        }
    }
}

/// The binding's other files: recognised, reported as not kept, never an error.
pub const NOT_KEPT: [&str; 10] = [
    "scoreScales.csv",
    "userProfiles.csv",
    "lineItemScoreScales.csv",
    "resultScoreScales.csv",
    "lineItemLearningObjectiveIds.csv",
    "resultLearningObjectiveIds.csv",
    "resources.csv",
    "classResources.csv",
    "courseResources.csv",
    "userResources.csv",
];

/// The manifest's file name.
pub const MANIFEST: &str = "manifest.csv";

#[cfg(test)]
mod tests {
    use super::FileKind;
    use std::collections::HashSet;

    #[test]
    fn every_file_starts_with_the_leading_columns_and_names_each_column_once() {
        for kind in FileKind::ALL {
            let names: Vec<&str> = kind.columns().iter().map(|column| column.name).collect();
            assert_eq!(&names[..3], ["sourcedId", "status", "dateLastModified"], "{kind:?}");
            assert_eq!(names.iter().collect::<HashSet<_>>().len(), names.len(), "{kind:?}");
            // Extension columns come after the specification's.
            let first_extension = names.iter().position(|name| name.starts_with("metadata.")).unwrap_or(names.len());
            assert!(names[first_extension..].iter().all(|name| name.starts_with("metadata.")), "{kind:?}");
        }
    }

    #[test]
    fn names_and_manifest_properties_follow_the_binding() {
        assert_eq!(FileKind::AcademicSessions.manifest_property(), "file.academicSessions");
        assert_eq!(FileKind::named("lineItems.csv"), Some(FileKind::LineItems));
        assert_eq!(FileKind::named("LineItems.csv"), None);
    }
}
