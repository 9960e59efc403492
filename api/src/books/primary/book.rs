//! The book of a class at a checkpoint as its readers see it: each item read through the
//! privacy condition of its kind (a subject as a result, a rating as conduct), and at the end
//! of the year the year result, the class's nomination and the award.

use super::areas::{AREAS, rating};
use super::subjects::{has_test, subject_level};
use super::{checkpoint_code, primary_rules};
use crate::error::ApiError;
use crate::privacy::{Access, Target, readers};
use emis_authz::{Action, Kind};
use emis_rules::primary::{self as rules, Checkpoint, YearRecord};
use entity::{homeroom_class, primary_evaluation as evaluation, primary_nomination, section, student, subject};
use sea_orm::{ColumnTrait as _, Condition, DatabaseConnection};
use std::collections::HashMap;

/// A class's book at one checkpoint.
#[derive(Debug)]
pub struct Book {
    pub class: homeroom_class::Model,
    pub checkpoint: Checkpoint,
    pub grade: u8,
    /// The class's subjects, in report order, with their sections.
    pub subjects: Vec<(section::Model, subject::Model)>,
    pub lines: Vec<Line>,
}

/// One student's line.
#[derive(Debug)]
pub struct Line {
    pub student: student::Model,
    /// Per subject of the book, in order: what the subject teacher recorded.
    pub subjects: Vec<Option<evaluation::Model>>,
    /// Per area of [`AREAS`], in order.
    pub areas: Vec<Option<evaluation::Model>>,
    /// At the end of the year, once every item is rated and every test taken.
    pub year: Option<rules::YearResult>,
    /// At the end of the year: the class's standing nomination for Học sinh Tiêu biểu, if
    /// the caller may read it.
    pub nomination: Option<primary_nomination::Model>,
    /// At the end of the year: the award of the year result (and the nomination).
    pub award: Option<rules::Award>,
}

/// The book of class `class` at `checkpoint` for the students of the class the caller may
/// see (all of them, or only `only`), each item through its kind's privacy condition; `None`
/// when the class does not exist or the caller may not read it (never told apart).
pub async fn book(
    db: &DatabaseConnection,
    access: &Access,
    class: i64,
    checkpoint: Checkpoint,
    only: Option<i64>,
) -> Result<Option<Book>, ApiError> {
    let which = Condition::all().add(homeroom_class::Column::Id.eq(class));
    let Some(class) = access.reachable(db, &readers::CLASS, Kind::Class, Action::Read, which).await? else {
        return Ok(None);
    };
    let grade = primary_rules(db, &class).await?;
    let mut students = crate::books::roster::roster_rows(db, access, class.id, false).await?;
    if let Some(only) = only {
        students.retain(|student| student.id == only);
    }
    let ordered = crate::books::subjects_of(db, &class).await?;
    let mut kept = readable_items(db, access, &class, checkpoint, &students).await?;
    let mut nominations = if checkpoint == Checkpoint::EndOfYear {
        let ids: Vec<i64> = students.iter().map(|student| student.id).collect();
        crate::books::nomination::standing(db, access, &class, &ids).await?
    } else {
        HashMap::new()
    };
    let lines = students
        .into_iter()
        .map(|student| {
            let subjects: Vec<Option<evaluation::Model>> =
                ordered.iter().map(|(_, subject)| kept.remove(&(student.id, subject.code.clone()))).collect();
            let areas: Vec<Option<evaluation::Model>> =
                AREAS.iter().map(|area| kept.remove(&(student.id, (*area).to_owned()))).collect();
            let year = (checkpoint == Checkpoint::EndOfYear)
                .then(|| year_record(grade, &ordered, &subjects, &areas))
                .flatten()
                .map(|record| rules::year_result(&record));
            let nomination = nominations.remove(&student.id);
            let award = year.and_then(|year| rules::award(year, nomination.is_some()));
            Line { student, subjects, areas, year, nomination, award }
        })
        .collect();
    Ok(Some(Book { class, checkpoint, grade, subjects: ordered, lines }))
}

/// The items of the book of `class` at `checkpoint` of `students` that the caller may read,
/// by student and item: subjects through the results' privacy condition, ratings through
/// conduct's, each row checked again.
async fn readable_items(
    db: &DatabaseConnection,
    access: &Access,
    class: &homeroom_class::Model,
    checkpoint: Checkpoint,
    students: &[student::Model],
) -> Result<HashMap<(i64, String), evaluation::Model>, ApiError> {
    let through = Condition::all()
        .add(evaluation::Column::ClassId.eq(class.id))
        .add(evaluation::Column::Checkpoint.eq(checkpoint_code(checkpoint)))
        .add(evaluation::Column::StudentId.is_in(students.iter().map(|student| student.id)));
    let rows = access.read_mixed(&readers::PRIMARY_ITEM, Action::Read).through(through).all(db).await?;
    Ok(rows.into_iter().map(|row| ((row.student_id, row.item.clone()), row)).collect())
}

/// What the year result is worked out from, once every subject and area is rated and every
/// end-of-year test taken.
fn year_record(
    grade: u8,
    subjects: &[(section::Model, subject::Model)],
    marks: &[Option<evaluation::Model>],
    areas: &[Option<evaluation::Model>],
) -> Option<YearRecord> {
    let mut record = YearRecord::default();
    for ((_, subject), mark) in subjects.iter().zip(marks) {
        let mark = mark.as_ref()?;
        record.subjects.push(subject_level(&mark.level)?);
        if has_test(&subject.code, grade, Checkpoint::EndOfYear) {
            record.tests.push(u8::try_from(mark.test_score?).ok()?);
        }
    }
    for area in areas {
        record.ratings.push(rating(&area.as_ref()?.level)?);
    }
    Some(record)
}

/// The record an item of the book is, for checks: a subject's level judged on its section,
/// a rating on its class.
pub fn target(row: &evaluation::Model) -> Target {
    Target::Personal {
        student: row.student_id,
        school: row.school_id,
        section: row.section_id,
        class: Some(row.class_id),
    }
}
