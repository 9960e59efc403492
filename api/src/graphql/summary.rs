//! The class summary and conduct on the API: `Class.summary` (the sheet computed by
//! [`crate::books::summary`]), the homeroom teacher's `recordConduct`, and each student's
//! conduct levels, all through the privacy layer.

use super::context::{access, database, signed_in};
use super::ids;
use super::school::Subject;
use crate::books::conduct::{self, ConductEntry};
use crate::books::summary::{self, Period, Summary};
use crate::disclosure::Disclosures;
use crate::error::{ApiError, ApiResult, EntryProblem};
use crate::privacy::readers;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use emis_authz::Kind;
use emis_rules::secondary::{Award, SubjectResult};
use entity::ConductLevel;
use sea_orm::ColumnTrait as _;
use std::sync::Arc;

/// A class's summary sheet for a semester or the year.
pub struct ClassSummary(pub Summary);

#[Object]
impl ClassSummary {
    /// The school year, e.g. 2026-2027.
    async fn school_year(&self) -> &str {
        &self.0.year.name
    }
    /// The semester; null for the whole year.
    async fn semester_id(&self) -> Option<ID> {
        match self.0.period {
            Period::Semester(id) => Some(ids::encode("Semester", id)),
            Period::Year => None,
        }
    }
    /// The subject columns, in report order.
    async fn subjects(&self) -> Vec<Subject> {
        self.0.subjects.iter().cloned().map(Subject).collect()
    }
    /// One line per student, in roster order.
    async fn lines(&self) -> Vec<SummaryLine> {
        self.0.lines.iter().map(|(student, line)| SummaryLine::new(student, line, &self.0.subjects)).collect()
    }
}

/// One student's line of the summary.
#[derive(SimpleObject)]
pub struct SummaryLine {
    /// The student of the line.
    pub student_id: ID,
    /// The student's full name.
    pub full_name: String,
    /// Per subject column: the semester or year average, or Đạt / Chưa đạt.
    pub subjects: Vec<SubjectOutcome>,
    /// Tốt | Khá | Đạt | Chưa đạt; null while a subject has no result.
    pub learning: Option<String>,
    /// Tốt | Khá | Đạt | Chưa đạt; null until the homeroom teacher set it.
    pub conduct: Option<String>,
    /// Sessions absent with leave (có phép) in the period.
    pub excused_absences: i32,
    /// Sessions absent without leave (không phép) in the period.
    pub unexcused_absences: i32,
    /// For the year: promoted to the next grade.
    pub promoted: Option<bool>,
    /// For the year: the subjects still to re-test (thi lại); empty once every one has its
    /// re-test, when learning and promotion are worked out again with the re-tests' results.
    pub retest_subjects: Vec<ID>,
    /// For the year: conduct training over the summer.
    pub conduct_training: Option<bool>,
    /// For the year: Học sinh Xuất sắc | Học sinh Giỏi.
    pub award: Option<String>,
}

/// One subject's computed result.
#[derive(SimpleObject)]
pub struct SubjectOutcome {
    /// The subject of the column.
    pub subject_id: ID,
    /// 0–10, one decimal, for a scored subject.
    pub average: Option<f64>,
    /// Đạt (true) or Chưa đạt, for a comment-only subject.
    pub passed: Option<bool>,
    /// Exempt (miễn): no result, and left out of the learning result.
    pub exempt: bool,
    /// The student missed a held assessment and owes a make-up: no result until they take
    /// it, or the book is locked or their teacher records that there will be none (then the
    /// missed assessment counts 0, Chưa đạt).
    pub pending: bool,
    /// The re-test's score (thi lại), where one was recorded.
    pub retest_score: Option<f64>,
    /// The re-test's Đạt / Chưa đạt, for a comment-only subject.
    pub retest_passed: Option<bool>,
}

impl SummaryLine {
    fn new(student: &entity::student::Model, line: &summary::sheet::Line, subjects: &[entity::subject::Model]) -> Self {
        let outcomes = subjects
            .iter()
            .zip(line.subjects.iter().zip(&line.exempt).zip(&line.retests).zip(&line.pending))
            .map(|(subject, (((result, exempt), retest), pending))| SubjectOutcome {
                exempt: *exempt,
                pending: *pending,
                subject_id: ids::encode("Subject", subject.id),
                average: score(result),
                passed: passed(result),
                retest_score: score(retest),
                retest_passed: passed(retest),
            })
            .collect();
        Self {
            student_id: ids::encode("Student", student.id),
            full_name: student.full_name.clone(),
            subjects: outcomes,
            learning: line.learning.map(|level| level.vietnamese().to_owned()),
            conduct: line.conduct.map(|level| level.vietnamese().to_owned()),
            excused_absences: i32::from(line.excused),
            unexcused_absences: i32::from(line.unexcused),
            promoted: line.promotion.as_ref().map(|p| p.promoted),
            retest_subjects: line
                .to_retest
                .iter()
                .filter_map(|i| subjects.get(*i))
                .map(|s| ids::encode("Subject", s.id))
                .collect(),
            conduct_training: line.promotion.as_ref().map(|p| p.conduct_training),
            award: line.award.map(|award| match award {
                Award::XuatSac => "Học sinh Xuất sắc".to_owned(),
                Award::Gioi => "Học sinh Giỏi".to_owned(),
            }),
        }
    }
}

fn score(result: &Option<SubjectResult>) -> Option<f64> {
    match result {
        Some(SubjectResult::Score(tenths)) => Some(f64::from(*tenths) / 10.0),
        _ => None,
    }
}

fn passed(result: &Option<SubjectResult>) -> Option<bool> {
    match result {
        Some(SubjectResult::Comment(passed)) => Some(*passed),
        _ => None,
    }
}

/// The period a summary is asked for: the semester given (default: the current one) or the
/// whole year.
pub async fn period(ctx: &Context<'_>, semester_id: Option<&ID>, year: bool) -> ApiResult<Option<Period>> {
    if year {
        return Ok(Some(Period::Year));
    }
    let semester = super::records::semester_or_current(ctx, semester_id.map(|id| id.as_str())).await?;
    Ok(semester.map(Period::Semester))
}

/// The summary of `class`, if the caller may read it; its grades are noted as disclosed.
pub async fn class_summary(ctx: &Context<'_>, class: i64, period: Period) -> ApiResult<Option<ClassSummary>> {
    let access = signed_in(ctx)?;
    let Some(sheet) = summary::summary(database(ctx)?, access, class, period).await? else { return Ok(None) };
    if let Ok(disclosures) = ctx.data::<Arc<Disclosures>>() {
        note_shown(disclosures, access.principal(), &sheet);
    }
    Ok(Some(ClassSummary(sheet)))
}

/// Notes the grades of every student on `sheet` as shown to `principal`.
pub fn note_shown(disclosures: &Disclosures, principal: &crate::auth::Principal, sheet: &Summary) {
    for (student, _) in &sheet.lines {
        disclosures.note(principal, student.id, student.school_id, Kind::ClassSummary.as_str());
    }
}

/// One student's conduct entry.
#[derive(InputObject)]
pub struct ConductInput {
    /// The student rated.
    pub student_id: ID,
    /// tot | kha | dat | chua_dat
    pub level: String,
    /// The homeroom teacher's comment; null or blank: none (an entry replaces the stored one).
    pub comment: Option<String>,
    /// The `version` the client last read; null when it had none.
    pub version: Option<i32>,
}

/// What `recordConduct` did.
#[derive(SimpleObject)]
pub struct RecordConductPayload {
    /// Levels set or changed (an entry equal to the stored level changes nothing).
    pub changed: i32,
    /// In a locked semester: the change requests made, waiting for the principal's approval.
    pub requests: Vec<super::book_locks::ChangeRequest>,
}

/// Records the class's conduct levels for a semester.
pub async fn record_conduct(
    ctx: &Context<'_>,
    class_id: &ID,
    semester_id: &ID,
    entries: Vec<ConductInput>,
    reason: Option<&str>,
) -> ApiResult<RecordConductPayload> {
    let access = signed_in(ctx)?;
    let class = ids::decode_as("Class", class_id).ok_or(ApiError::NotPermitted)?;
    let semester = ids::decode_as("Semester", semester_id)
        .ok_or_else(|| ApiError::bad_input("không phải mã học kỳ", "not a semester id"))?;
    let mut problems = Vec::new();
    let mut decoded = Vec::with_capacity(entries.len());
    for entry in entries {
        let student = ids::decode_as("Student", &entry.student_id);
        match (student, entry.level.parse::<ConductLevel>()) {
            (Some(student), Ok(level)) => {
                decoded.push(ConductEntry { student, level, comment: entry.comment, expected_version: entry.version })
            }
            (None, _) => problems.push(EntryProblem::not_a_student(entry.student_id, "studentId")),
            (_, Err(_)) => problems.push(EntryProblem::new(
                entry.student_id,
                "level",
                "mức phải là tot, kha, dat hoặc chua_dat",
                "the level must be tot, kha, dat or chua_dat",
            )),
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::InvalidEntries(problems));
    }
    let recorded = conduct::record(database(ctx)?, access, class, semester, &decoded, reason, Utc::now()).await?;
    let requests = super::book_locks::made(ctx, &recorded.requests).await?;
    Ok(RecordConductPayload { changed: i32::try_from(recorded.changed).unwrap_or(i32::MAX), requests })
}

/// A student's conduct in one semester.
pub struct ConductRecord(pub entity::conduct::Model);

#[Object]
impl ConductRecord {
    /// The semester the rating is for.
    async fn semester_id(&self) -> ID {
        ids::encode("Semester", self.0.semester_id)
    }
    /// tot | kha | dat | chua_dat (recorded in the disclosure log when shown)
    async fn level(&self, ctx: &Context<'_>) -> &str {
        super::context::shown(ctx, self.0.student_id, self.0.school_id, Kind::Conduct);
        &self.0.level
    }
    /// The homeroom teacher's comment, if any (recorded in the disclosure log when shown).
    async fn comment(&self, ctx: &Context<'_>) -> Option<&str> {
        if self.0.comment.is_some() {
            super::context::shown(ctx, self.0.student_id, self.0.school_id, Kind::Conduct);
        }
        self.0.comment.as_deref()
    }
    /// Raised by every change; `recordConduct` takes the version the client read.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When the rating was made or last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// The conduct levels of `student` the caller may read, by semester.
pub async fn conduct_of(ctx: &Context<'_>, student: i64) -> ApiResult<Vec<ConductRecord>> {
    access(ctx)?;
    let rows = access(ctx)?
        .read(&readers::CONDUCT)
        .narrow(entity::conduct::Column::StudentId, |column| column.eq(student))
        .order_by(entity::conduct::Column::SemesterId, sea_orm::Order::Asc)
        .all(database(ctx)?)
        .await?;
    Ok(rows.into_iter().map(ConductRecord).collect())
}
