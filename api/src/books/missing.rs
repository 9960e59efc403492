//! Missing assessments (Circular 22 art. 6–7). A column counts once it has been held: it
//! holds a result, or its teacher marked it held (the policy's `result`/`write` on the
//! section, [`mark_held`]). A student without a result in a held column owes a make-up: the
//! subject's result is pending, and the teacher sees them listed on the column ([`owed`]).
//! Once the semester's book is locked, or the teacher records that there will be no make-up
//! (a result with `no_make_up`, written like any result by [`super::scores`]), the missing
//! assessment counts as 0 (Chưa đạt). A column nobody has taken and nobody marked held counts
//! for no one. The divisor is the section's number of regular columns, whoever took them.

use super::summary::sheet::{Book, Slot};
use crate::error::ApiError;
use crate::privacy::{Access, readers};
use emis_authz::{Action, Kind};
use entity::{AssessmentKind, assessment, book_lock, missed_assessment, result, section};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ColumnTrait as _, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait as _, QueryFilter as _,
};
use std::collections::{HashMap, HashSet};

/// Where `column` sits in its section's semester; `None` for a re-test column.
pub fn slot(column: &assessment::Model) -> Option<Slot> {
    match column.kind.parse::<AssessmentKind>().ok()? {
        AssessmentKind::Regular => Some(Slot::Regular(column.sequence)),
        AssessmentKind::Midterm => Some(Slot::Midterm),
        AssessmentKind::Final => Some(Slot::Final),
        AssessmentKind::Retest => None,
    }
}

/// The books of the sections and semesters of `columns` (each section's columns of a
/// semester): the number of regular columns, those held — marked so, or in `with_results`
/// (the columns holding a result) — and whether the book is locked (`locked`, by section and
/// semester).
pub fn books<'a>(
    columns: impl IntoIterator<Item = &'a assessment::Model>,
    with_results: &HashSet<i64>,
    locked: &HashSet<(i64, i64)>,
) -> HashMap<(i64, i64), Book> {
    let mut books: HashMap<(i64, i64), Book> = HashMap::new();
    for column in columns {
        let Some(slot) = slot(column) else { continue };
        let key = (column.section_id, column.semester_id);
        let book = books.entry(key).or_insert_with(|| Book { locked: locked.contains(&key), ..Book::default() });
        if matches!(slot, Slot::Regular(_)) {
            book.regular = book.regular.saturating_add(1);
        }
        if column.held || with_results.contains(&column.id) {
            book.held.insert(slot);
        }
    }
    books
}

/// The (section, semester) pairs of `columns` whose book is locked: by a lock of the section
/// or of its whole school.
pub async fn locked<'a>(
    db: &impl ConnectionTrait,
    columns: impl IntoIterator<Item = &'a assessment::Model>,
) -> Result<HashSet<(i64, i64)>, DbErr> {
    let columns: Vec<&assessment::Model> = columns.into_iter().collect();
    let schools: HashSet<i64> = columns.iter().map(|column| column.school_id).collect();
    let semesters: HashSet<i64> = columns.iter().map(|column| column.semester_id).collect();
    if columns.is_empty() {
        return Ok(HashSet::new());
    }
    let locks = book_lock::Entity::find()
        .filter(book_lock::Column::SchoolId.is_in(schools))
        .filter(book_lock::Column::SemesterId.is_in(semesters))
        .filter(book_lock::Column::UnlockedAt.is_null())
        .all(db)
        .await?;
    let covers = |column: &assessment::Model, lock: &book_lock::Model| {
        lock.school_id == column.school_id
            && lock.semester_id == column.semester_id
            && lock.section_id.is_none_or(|section| section == column.section_id)
    };
    Ok(columns
        .iter()
        .filter(|column| locks.iter().any(|lock| covers(column, lock)))
        .map(|column| (column.section_id, column.semester_id))
        .collect())
}

/// Marks assessment column `column_id` held (or, with `held` false, no longer marked), for
/// a caller who may write its section's results (the policy's `result`/`write`, the
/// section's teacher). A column that does not exist answers as one the caller may not
/// mark; a locked book's columns do not change.
pub async fn mark_held(
    db: &DatabaseConnection,
    access: &Access,
    column_id: i64,
    held: bool,
) -> Result<assessment::Model, ApiError> {
    let of_column = Query::select()
        .column(assessment::Column::SectionId)
        .from(assessment::Entity)
        .and_where(assessment::Column::Id.eq(column_id))
        .to_owned();
    let which = Condition::all().add(section::Column::Id.in_subquery(of_column));
    let section = access.reach_where(db, &readers::SECTION, Kind::Result, Action::Write, which).await?;
    let column = assessment::Entity::find_by_id(column_id).one(db).await?.ok_or(ApiError::NotPermitted)?;
    if slot(&column).is_none() {
        return Err(ApiError::bad_input(
            "cột kiểm tra lại không đánh dấu đã kiểm tra",
            "a re-test column is not marked held",
        ));
    }
    if super::locks::in_force(db, section.school_id, section.id, column.semester_id).await?.is_some() {
        return Err(ApiError::Locked);
    }
    assessment::Entity::update_many()
        .col_expr(assessment::Column::Held, Expr::value(held))
        .filter(assessment::Column::Id.eq(column.id))
        .exec(db)
        .await?;
    Ok(assessment::Model { held, ..column })
}

/// The students who owe a make-up in `column`: enrolled in its section's class today and
/// visible to the caller, without a result they may read in the column (nor one brought
/// from an earlier class, see [`brought_along`]), not exempt, while the column is held and
/// its book open. Empty for a caller who may not read the column's
/// results.
pub async fn owed(db: &DatabaseConnection, access: &Access, column: &assessment::Model) -> Result<Vec<i64>, ApiError> {
    let which = Condition::all().add(section::Column::Id.eq(column.section_id));
    let reached = access.reachable(db, &readers::SECTION, Kind::Result, Action::Read, which).await?;
    let Some(section) = reached.filter(|_| slot(column).is_some()) else { return Ok(Vec::new()) };
    if super::locks::in_force(db, section.school_id, section.id, column.semester_id).await?.is_some() {
        return Ok(Vec::new());
    }
    let results =
        access.read(&readers::RESULT).narrow(result::Column::AssessmentId, |id| id.eq(column.id)).all(db).await?;
    let taken_by_someone = results.iter().any(|row| row.score_tenths.is_some() || row.passed.is_some());
    if !column.held && !taken_by_someone {
        return Ok(Vec::new());
    }
    let mut taken: HashSet<i64> = results.iter().map(|row| row.student_id).collect();
    let students = super::roster::roster_rows(db, access, section.class_id, false).await?;
    let ids: Vec<i64> = students.iter().map(|student| student.id).filter(|id| !taken.contains(id)).collect();
    taken.extend(brought_along(db, access, column, &section, &ids).await?);
    let exempt = super::exemptions::exempt(db, access, &[section.id], &[column.semester_id], &ids).await?;
    Ok(ids
        .into_iter()
        .filter(|student| !taken.contains(student) && !exempt.contains(&(*student, section.id)))
        .collect())
}

/// The missed assessments recorded for `students` in `column` (with why and when, as an
/// imported grade book gave them) that the caller may read.
pub async fn recorded_missed(
    db: &DatabaseConnection,
    access: &Access,
    column: &assessment::Model,
    students: &[i64],
) -> Result<Vec<missed_assessment::Model>, DbErr> {
    if students.is_empty() {
        return Ok(Vec::new());
    }
    access
        .read(&readers::MISSED_ASSESSMENT)
        .narrow(missed_assessment::Column::AssessmentId, |id| id.eq(column.id))
        .narrow(missed_assessment::Column::StudentId, |id| id.is_in(students.iter().copied()))
        .all(db)
        .await
}

/// Those of `students` who brought a result for `column` from an earlier class: one the
/// caller may read, in the same semester, in another section of the same subject, in the
/// column of the same kind and number — as the class summary counts it.
async fn brought_along(
    db: &DatabaseConnection,
    access: &Access,
    column: &assessment::Model,
    section: &section::Model,
    students: &[i64],
) -> Result<HashSet<i64>, DbErr> {
    if students.is_empty() {
        return Ok(HashSet::new());
    }
    let results = access
        .read(&readers::RESULT)
        .narrow(result::Column::StudentId, |id| id.is_in(students.iter().copied()))
        .narrow(result::Column::SemesterId, |id| id.eq(column.semester_id))
        .narrow(result::Column::SectionId, |id| id.ne(section.id))
        .all(db)
        .await?;
    if results.is_empty() {
        return Ok(HashSet::new());
    }
    let same_subject = Query::select()
        .column(section::Column::Id)
        .from(section::Entity)
        .and_where(section::Column::SubjectId.eq(section.subject_id))
        .to_owned();
    let matching: HashSet<i64> = assessment::Entity::find()
        .filter(assessment::Column::Id.is_in(results.iter().map(|row| row.assessment_id)))
        .filter(assessment::Column::Kind.eq(column.kind.as_str()))
        .filter(assessment::Column::Sequence.eq(column.sequence))
        .filter(assessment::Column::SectionId.in_subquery(same_subject))
        .all(db)
        .await?
        .into_iter()
        .map(|other| other.id)
        .collect();
    Ok(results.into_iter().filter(|row| matching.contains(&row.assessment_id)).map(|row| row.student_id).collect())
}
