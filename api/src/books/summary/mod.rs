//! The class summary (bảng tổng hợp kết quả đánh giá): for the homeroom teacher and the
//! principal (the policy's `class_summary`), one sheet per class and semester or year with
//! every student's subject results, learning result, conduct, absences and, for the year,
//! promotion and awards — computed by the rule set of the class's year and grade, never
//! typed in. The sheet is read in a fixed number of statements, each restricted by the
//! privacy layer for its kind of record, whatever the class's size; [`export`] lays it out
//! as a sheet for CSV or XLSX; `marks` files the results under the sheet's columns with the
//! books of the class's sections, and [`sheet`] works the results out. A subject whose
//! student owes a make-up is pending ([`super::missing`]).

pub mod export;
mod marks;
pub mod sheet;

use crate::error::ApiError;
use crate::privacy::{Access, Target, readers};
use chrono::Datelike as _;
use emis_authz::{Action, Kind};
use emis_rules::RuleSet;
use emis_rules::secondary::Level;
use entity::{
    AssessmentMode, AttendanceStatus, ConductLevel, attendance, conduct, homeroom_class, school_year, semester,
    student, subject,
};
use sea_orm::{
    ColumnTrait as _, Condition, DatabaseConnection, DbErr, EntityTrait as _, QueryFilter as _, QueryOrder as _,
};
use sheet::{Column, Line, Recorded, Span};
use std::collections::HashMap;

/// Which part of the year a sheet covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    /// One semester.
    Semester(i64),
    /// The whole school year (both semesters).
    Year,
}

/// A class's summary sheet.
#[derive(Debug)]
pub struct Summary {
    pub class: homeroom_class::Model,
    pub year: school_year::Model,
    pub period: Period,
    /// The subject columns, in report order.
    pub subjects: Vec<subject::Model>,
    /// One line per student the caller may see, in roster order.
    pub lines: Vec<(student::Model, Line)>,
}

/// The summary of class `class` for `period`, or `None` when the class does not exist or
/// the caller may not read its summary (never told apart).
pub async fn summary(
    db: &DatabaseConnection,
    access: &Access,
    class: i64,
    period: Period,
) -> Result<Option<Summary>, ApiError> {
    let which = Condition::all().add(homeroom_class::Column::Id.eq(class));
    let Some(class) = access.reachable(db, &readers::CLASS, Kind::ClassSummary, Action::Read, which).await? else {
        return Ok(None);
    };
    let year = school_year::Entity::find_by_id(class.school_year_id).one(db).await?.ok_or(ApiError::Internal)?;
    let grade = u8::try_from(class.grade_level).unwrap_or(0);
    if RuleSet::for_class(year.starts_on.year(), grade) != Some(RuleSet::Circular22) {
        return Err(ApiError::bad_input(
            "bảng tổng hợp này theo Thông tư 22 (lớp 6–12); lớp tiểu học theo Thông tư 27",
            "this summary follows Circular 22 (grades 6–12); primary classes follow Circular 27",
        ));
    }
    let semesters = semester::Entity::find()
        .filter(semester::Column::SchoolYearId.eq(year.id))
        .order_by_asc(semester::Column::Number)
        .all(db)
        .await?;
    let span = match (period, semesters.as_slice()) {
        (Period::Semester(id), _) if semesters.iter().any(|s| s.id == id) => Span::Semester(id),
        (Period::Year, [first, second, ..]) => Span::Year { first: first.id, second: second.id },
        _ => {
            return Err(ApiError::bad_input(
                "học kỳ không thuộc năm học của lớp",
                "the semester is not in the class's year",
            ));
        }
    };
    let covered: Vec<&semester::Model> = semesters.iter().filter(|s| covers(span, s.id)).collect();
    let students = super::roster::roster_rows(db, access, class.id, false).await?;
    let ids: Vec<i64> = students.iter().map(|student| student.id).collect();
    let (columns, subjects) = columns_of(db, &class).await?;
    let recorded = recorded(db, access, &columns, &class, &covered, &ids).await?;
    let lines = students
        .into_iter()
        .map(|student| {
            let line = sheet::line(&columns, span, &recorded, student.id);
            (student, line)
        })
        .collect();
    Ok(Some(Summary { class, year, period, subjects, lines }))
}

fn covers(span: Span, semester: i64) -> bool {
    match span {
        Span::Semester(id) => id == semester,
        Span::Year { first, second } => semester == first || semester == second,
    }
}

/// The class's sections as subject columns in report order, with their subjects.
async fn columns_of(
    db: &DatabaseConnection,
    class: &homeroom_class::Model,
) -> Result<(Vec<Column>, Vec<subject::Model>), DbErr> {
    let ordered = super::subjects_of(db, class).await?;
    let columns = ordered
        .iter()
        .map(|(section, subject)| Column {
            section: section.id,
            subject: subject.id,
            scored: subject.assessment.parse::<AssessmentMode>().is_ok_and(|mode| mode == AssessmentMode::Scored),
        })
        .collect();
    Ok((columns, ordered.into_iter().map(|(_, subject)| subject).collect()))
}

/// The marks, conduct and absences of `students` in the covered semesters that the caller
/// may read, each kind through its own privacy condition. A student who moved into the class
/// brings what other classes recorded that year: their marks in the same subject count in
/// the class's column of the same kind and number (the class's own mark winning over the
/// earlier class's), and their conduct and absences wherever recorded. Which columns are held
/// and whether the book is locked come from the class's own sections.
async fn recorded(
    db: &DatabaseConnection,
    access: &Access,
    columns: &[Column],
    class: &homeroom_class::Model,
    semesters: &[&semester::Model],
    students: &[i64],
) -> Result<Recorded, DbErr> {
    let mut recorded = Recorded::default();
    if students.is_empty() || semesters.is_empty() {
        return Ok(recorded);
    }
    let semester_ids: Vec<i64> = semesters.iter().map(|s| s.id).collect();
    marks::file(db, access, columns, &semester_ids, students, &mut recorded).await?;
    recorded.conduct = conduct_levels(db, access, class, &semester_ids, students).await?;
    let absences = absences(db, access, semesters, students).await?;
    recorded.exempt = super::exemptions::exempt(db, access, &sections_of(columns), &semester_ids, students).await?;
    recorded.absences = absences;
    Ok(recorded)
}

/// The conduct levels of `students` in `semesters` the caller may read, by student and
/// semester; a level set in `class` wins over one brought from an earlier class.
async fn conduct_levels(
    db: &DatabaseConnection,
    access: &Access,
    class: &homeroom_class::Model,
    semesters: &[i64],
    students: &[i64],
) -> Result<HashMap<(i64, i64), Level>, DbErr> {
    let mut levels = access
        .read(&readers::CONDUCT)
        .narrow(conduct::Column::StudentId, |column| column.is_in(students.iter().copied()))
        .narrow(conduct::Column::SemesterId, |column| column.is_in(semesters.iter().copied()))
        .all(db)
        .await?;
    levels.sort_by_key(|row| row.class_id == class.id);
    let mut conduct = HashMap::new();
    for row in levels {
        if let Ok(level) = row.level.parse::<ConductLevel>() {
            conduct.insert((row.student_id, row.semester_id), level_of(level));
        }
    }
    Ok(conduct)
}

/// The (excused, unexcused) whole-day absences of `students` within `semesters` the caller
/// may read, by student.
async fn absences(
    db: &DatabaseConnection,
    access: &Access,
    semesters: &[&semester::Model],
    students: &[i64],
) -> Result<HashMap<i64, (u16, u16)>, DbErr> {
    let from = semesters.iter().map(|s| s.starts_on).min().unwrap_or_default();
    let to = semesters.iter().map(|s| s.ends_on).max().unwrap_or_default();
    let rows = access
        .read(&readers::ATTENDANCE)
        .narrow(attendance::Column::StudentId, |column| column.is_in(students.iter().copied()))
        .narrow(attendance::Column::Date, |column| column.between(from, to))
        .narrow(attendance::Column::Period, |column| column.is_null())
        .narrow(attendance::Column::Status, |column| {
            column.is_in([AttendanceStatus::Excused.as_str(), AttendanceStatus::Unexcused.as_str()])
        })
        .all(db)
        .await?;
    let mut absences: HashMap<i64, (u16, u16)> = HashMap::new();
    for row in rows {
        let (excused, unexcused) = absences.entry(row.student_id).or_default();
        if row.status == AttendanceStatus::Excused.as_str() {
            *excused += 1;
        } else {
            *unexcused += 1;
        }
    }
    Ok(absences)
}

fn sections_of(columns: &[Column]) -> Vec<i64> {
    columns.iter().map(|column| column.section).collect()
}

/// The record a conduct level concerns, for checks.
pub fn conduct_target(row: &conduct::Model) -> Target {
    Target::student_in_class(row.student_id, row.school_id, row.class_id)
}

/// The rules' level of a stored conduct level.
pub fn level_of(level: ConductLevel) -> Level {
    match level {
        ConductLevel::Tot => Level::Tot,
        ConductLevel::Kha => Level::Kha,
        ConductLevel::Dat => Level::Dat,
        ConductLevel::ChuaDat => Level::ChuaDat,
    }
}
