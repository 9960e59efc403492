//! The structure's records: organisations, academic sessions, courses and classes.

use super::{ClassType, OrgType, SessionType};
use crate::files::FileKind;
use crate::reader::{Fields, Record};
use chrono::NaiveDate;
use entity::{AssessmentMode, SchoolLevel};

/// `orgs.csv`: the organisation tree.
#[derive(Clone, Debug, PartialEq)]
pub struct Org {
    pub name: String,
    pub kind: OrgType,
    /// The sector code (mã trường / mã đơn vị).
    pub identifier: Option<String>,
    pub parent: Option<String>,
    /// `metadata.vn.schoolLevel` (or `metadata.vn.level`): TH, THCS or THPT, for schools.
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
            school_level: fields.choice("metadata.vn.schoolLevel").or_else(|| fields.choice("metadata.vn.level")),
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
