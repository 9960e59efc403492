//! The marks of a class summary: every result of the sheet's students the caller may read,
//! filed under the class's columns — a moved student's marks from an earlier class in the
//! column of the same subject, kind and number — with the books of the class's own sections
//! (their regular columns, those held, the lock) that decide what a missing mark means.

use super::sheet::{Column, Mark, Recorded};
use crate::privacy::{Access, Target, readers};
use entity::{AssessmentKind, assessment, result, section};
use sea_orm::{ColumnTrait as _, DatabaseConnection, DbErr, EntityTrait as _, QueryFilter as _, QuerySelect as _};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Files the marks of `students` in `semesters` that the caller may read, and the books of
/// the class's sections, into `recorded`.
pub(super) async fn file(
    db: &DatabaseConnection,
    access: &Access,
    columns: &[Column],
    semesters: &[i64],
    students: &[i64],
    recorded: &mut Recorded,
) -> Result<(), DbErr> {
    let sections: Vec<i64> = columns.iter().map(|column| column.section).collect();
    let mut assessments = assessments_of(db, sections.iter().copied(), semesters).await?;
    let results = readable_results(db, access, semesters, students).await?;
    let own: HashSet<i64> = sections.iter().copied().collect();
    // The class's own columns: held once they hold a result the caller may read.
    let own_columns: Vec<&assessment::Model> =
        assessments.values().filter(|column| own.contains(&column.section_id)).collect();
    let with_results: HashSet<i64> =
        results.iter().filter(|row| row.5.is_some() || row.6.is_some()).map(|row| row.4).collect();
    let locked = crate::books::missing::locked(db, own_columns.iter().copied()).await?;
    recorded.books = crate::books::missing::books(own_columns, &with_results, &locked);
    let foreign: BTreeSet<i64> = results.iter().map(|row| row.2).filter(|section| !own.contains(section)).collect();
    let mut column_of_section: HashMap<i64, i64> = sections.iter().map(|&section| (section, section)).collect();
    if !foreign.is_empty() {
        let counted = count_foreign_sections(db, columns, &foreign, &mut column_of_section).await?;
        assessments.extend(assessments_of(db, counted, semesters).await?);
    }
    place_marks(recorded, results, &own, &assessments, &column_of_section);
    Ok(())
}

/// One result as the rules read it: student, school, section, semester, assessment column,
/// score in tenths, Đạt / Chưa đạt, no make-up, excused.
type MarkRow = (i64, i64, i64, i64, i64, Option<i16>, Option<bool>, bool, bool);

/// The assessment columns of `sections` in `semesters`, by id.
async fn assessments_of(
    db: &DatabaseConnection,
    sections: impl IntoIterator<Item = i64>,
    semesters: &[i64],
) -> Result<HashMap<i64, assessment::Model>, DbErr> {
    Ok(assessment::Entity::find()
        .filter(assessment::Column::SectionId.is_in(sections))
        .filter(assessment::Column::SemesterId.is_in(semesters.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|column| (column.id, column))
        .collect())
}

/// Every result of `students` in `semesters` the caller may read (one walk of the student
/// index): those made in another class's section count too, sorted out by the caller. Only
/// the columns the rules use (no comments, identifiers or timestamps).
async fn readable_results(
    db: &DatabaseConnection,
    access: &Access,
    semesters: &[i64],
    students: &[i64],
) -> Result<Vec<MarkRow>, DbErr> {
    let (select, checker) = access
        .read(&readers::RESULT)
        .columns(|select| {
            select.select_only().columns([
                result::Column::StudentId,
                result::Column::SchoolId,
                result::Column::SectionId,
                result::Column::SemesterId,
                result::Column::AssessmentId,
                result::Column::ScoreTenths,
                result::Column::Passed,
                result::Column::NoMakeUp,
                result::Column::Exempt,
            ])
        })
        .narrow(result::Column::SemesterId, |column| column.is_in(semesters.iter().copied()))
        .narrow(result::Column::StudentId, |column| column.is_in(students.iter().copied()))
        .into_statement();
    let results: Vec<MarkRow> = select.into_tuple().all(db).await?;
    checker
        .admit_with(results, |&(student, school, section, ..)| Target::Personal {
            student,
            school,
            section: Some(section),
            class: None,
        })
        .await
}

/// Maps each of the `foreign` sections (other classes' sections that hold results of
/// students who moved in) whose subject is one of the sheet's onto that subject's column;
/// the sections so counted.
async fn count_foreign_sections(
    db: &DatabaseConnection,
    columns: &[Column],
    foreign: &BTreeSet<i64>,
    column_of_section: &mut HashMap<i64, i64>,
) -> Result<Vec<i64>, DbErr> {
    let column_of_subject: HashMap<i64, i64> = columns.iter().map(|column| (column.subject, column.section)).collect();
    let subjects: Vec<(i64, i64)> = section::Entity::find()
        .select_only()
        .columns([section::Column::Id, section::Column::SubjectId])
        .filter(section::Column::Id.is_in(foreign.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    let mut counted = Vec::new();
    for (section, subject) in subjects {
        if let Some(&column) = column_of_subject.get(&subject) {
            column_of_section.insert(section, column);
            counted.push(section);
        }
    }
    Ok(counted)
}

/// Files each result under its student, column and semester (re-tests apart): the earlier
/// classes' marks first, so the class's own mid-term and end-of-term win. Results in a
/// section or assessment column the sheet does not count are left out.
fn place_marks(
    recorded: &mut Recorded,
    mut results: Vec<MarkRow>,
    own: &HashSet<i64>,
    assessments: &HashMap<i64, assessment::Model>,
    column_of_section: &HashMap<i64, i64>,
) {
    results.sort_by_key(|row| own.contains(&row.2));
    for (student, _, section, semester, assessment, score_tenths, passed, no_make_up, exempt) in results {
        let Some(column) = assessments.get(&assessment) else { continue };
        let Some(&section) = column_of_section.get(&section) else { continue };
        let mark = match (score_tenths.and_then(|tenths| u16::try_from(tenths).ok()), passed) {
            (Some(tenths), _) => Mark::Score(tenths),
            (None, Some(passed)) => Mark::Passed(passed),
            (None, None) if no_make_up => Mark::NoMakeUp,
            (None, None) if exempt => Mark::Excused,
            (None, None) => continue,
        };
        if column.kind == AssessmentKind::Retest.as_str() {
            recorded.retests.insert((student, section), mark);
            continue;
        }
        let marks = recorded.marks.entry((student, section, semester)).or_default();
        match column.kind.as_str() {
            "midterm" => marks.midterm = Some(mark),
            "final" => marks.final_exam = Some(mark),
            _ => marks.regular.push((column.sequence, mark)),
        }
    }
}
