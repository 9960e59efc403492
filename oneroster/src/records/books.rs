//! The books' records: assessment categories, line items, results and attendance.

use super::{PrimaryCheckpoint, ScoreStatus};
use crate::files::FileKind;
use crate::reader::{Fields, Record};
use chrono::NaiveDate;
use entity::{AssessmentKind, AttendanceStatus, DaySession};

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
    /// `metadata.vn.checkpoint`: set on a primary class's subject evaluation at a checkpoint
    /// of the summary book, which is not an assessment column.
    pub checkpoint: Option<PrimaryCheckpoint>,
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
            checkpoint: fields.choice("metadata.vn.checkpoint"),
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
    /// For comment-only subjects: `Đạt` or `Chưa đạt`; for a primary checkpoint: `T`, `H`
    /// or `C`.
    pub text_score: Option<String>,
    /// `missing`: the student has not submitted the assessment.
    pub missing: Option<bool>,
    /// `metadata.vn.noMakeUp`: on a `not submitted` row, the teacher recorded that the
    /// student will not make the assessment up (it counts as 0); without it the make-up is
    /// still owed.
    pub no_make_up: Option<bool>,
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
            missing: fields.boolean("missing"),
            no_make_up: fields.boolean("metadata.vn.noMakeUp"),
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
