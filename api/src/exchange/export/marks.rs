//! `results.csv` and `attendance.csv`: the results of the written columns — a missed
//! assessment without a make-up `not submitted` with `metadata.vn.noMakeUp`, an excused one
//! `exempt` — then the missed assessments still owed a make-up (`not submitted`, `missing`),
//! then the primary subject evaluations (`primary.rs`); and the attendance of the scope's
//! homeroom classes. Read page by page, each page's students looked up by id.

use super::books::Columns;
use super::classes::Classes;
use super::out::{Out, date, ext, score};
use super::scope::{Pages, Scope, student_ids};
use crate::exchange::results::{NOT_PASSED, PASSED};
use emis_oneroster::FileKind;
use emis_oneroster::Vocabulary as _;
use emis_oneroster::records::ScoreStatus::{Exempt, FullyGraded, NotSubmitted};
use entity::{attendance, missed_assessment, result};
use sea_orm::{ColumnTrait as _, DatabaseConnection, EntityTrait as _, QueryFilter as _};
use std::collections::HashSet;

/// Writes `results.csv`.
pub(super) async fn write_results(
    db: &DatabaseConnection,
    out: &mut Out<'_>,
    scope: &Scope,
    classes: &Classes,
    columns: &Columns,
) -> anyhow::Result<()> {
    let section_by_id = classes.section_by_id();
    let mut writer = out.file(FileKind::Results)?;
    let condition = scope.of_school(result::Column::SchoolId);
    let mut pages = Pages::<result::Entity>::new(result::Column::Id, condition, |row| row.id);
    while let Some(rows) = pages.next(db).await? {
        let students = student_ids(db, rows.iter().map(|row| row.student_id)).await?;
        for row in rows {
            let (Some(column), Some(student)) = (columns.ext.get(&row.assessment_id), students.get(&row.student_id))
            else {
                continue;
            };
            let comment_only = columns.comment_only.contains(&row.assessment_id);
            let text_score = match row.passed {
                Some(true) if comment_only => PASSED,
                Some(false) if comment_only => NOT_PASSED,
                _ => "",
            };
            let status = match (row.no_make_up, row.exempt) {
                (true, _) => NotSubmitted,
                (false, true) => Exempt,
                (false, false) => FullyGraded,
            };
            writer.write(&[
                ("sourcedId", ext("result", row.id, row.external_id.as_deref())),
                ("lineItemSourcedId", column.clone()),
                ("studentSourcedId", student.clone()),
                ("scoreStatus", status.token().to_owned()),
                ("score", row.score_tenths.map(score).unwrap_or_default()),
                ("scoreDate", date(row.updated_at.date_naive())),
                ("comment", row.comment.clone().unwrap_or_default()),
                ("textScore", text_score.to_owned()),
                (
                    "classSourcedId",
                    section_by_id.get(&row.section_id).map(|s| s.external_id.clone()).unwrap_or_default(),
                ),
                ("missing", if row.no_make_up { "true" } else { "" }.to_owned()),
                ("metadata.vn.noMakeUp", if row.no_make_up { "true" } else { "" }.to_owned()),
            ])?;
        }
    }
    write_missed(db, &mut writer, scope, classes, columns).await?;
    super::primary::write_results(db, &mut writer, scope, classes).await?;
    out.done(FileKind::Results, writer)
}

/// Writes the missed assessments whose make-up is still owed: those of students without a
/// result in the column.
async fn write_missed(
    db: &DatabaseConnection,
    writer: &mut super::out::Writer,
    scope: &Scope,
    classes: &Classes,
    columns: &Columns,
) -> anyhow::Result<()> {
    let section_by_id = classes.section_by_id();
    let condition = scope.of_school(missed_assessment::Column::SchoolId);
    let mut pages = Pages::<missed_assessment::Entity>::new(missed_assessment::Column::Id, condition, |row| row.id);
    while let Some(rows) = pages.next(db).await? {
        let students = student_ids(db, rows.iter().map(|row| row.student_id)).await?;
        let made_up: HashSet<(i64, i64)> = result::Entity::find()
            .filter(result::Column::AssessmentId.is_in(rows.iter().map(|row| row.assessment_id)))
            .filter(result::Column::StudentId.is_in(rows.iter().map(|row| row.student_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|row| (row.assessment_id, row.student_id))
            .collect();
        for row in rows.iter().filter(|row| !made_up.contains(&(row.assessment_id, row.student_id))) {
            let (Some(column), Some(student)) = (columns.ext.get(&row.assessment_id), students.get(&row.student_id))
            else {
                continue;
            };
            writer.write(&[
                ("sourcedId", ext("missed_assessment", row.id, row.external_id.as_deref())),
                ("lineItemSourcedId", column.clone()),
                ("studentSourcedId", student.clone()),
                ("scoreStatus", NotSubmitted.token().to_owned()),
                ("scoreDate", row.missed_on.map(date).unwrap_or_default()),
                ("comment", row.comment.clone().unwrap_or_default()),
                (
                    "classSourcedId",
                    section_by_id.get(&row.section_id).map(|s| s.external_id.clone()).unwrap_or_default(),
                ),
                ("missing", "true".to_owned()),
            ])?;
        }
    }
    Ok(())
}

/// Writes `attendance.csv`.
pub(super) async fn write_attendance(
    db: &DatabaseConnection,
    out: &mut Out<'_>,
    scope: &Scope,
    classes: &Classes,
) -> anyhow::Result<()> {
    let class_by_id = classes.class_by_id();
    let mut writer = out.file(FileKind::Attendance)?;
    let condition = scope.of_school(attendance::Column::SchoolId);
    let mut pages = Pages::<attendance::Entity>::new(attendance::Column::Id, condition, |row| row.id);
    while let Some(rows) = pages.next(db).await? {
        let students = student_ids(db, rows.iter().map(|row| row.student_id)).await?;
        for row in rows {
            let (Some(class), Some(student)) = (class_by_id.get(&row.class_id), students.get(&row.student_id)) else {
                continue;
            };
            writer.write(&[
                ("sourcedId", ext("attendance", row.id, row.external_id.as_deref())),
                ("classSourcedId", class.external_id.clone()),
                ("studentSourcedId", student.clone()),
                ("date", date(row.date)),
                ("session", row.session.clone()),
                ("attendanceStatus", row.status.clone()),
                ("note", row.note.clone().unwrap_or_default()),
                ("metadata.vn.period", row.period.map(|p| p.to_string()).unwrap_or_default()),
            ])?;
        }
    }
    out.done(FileKind::Attendance, writer)
}
