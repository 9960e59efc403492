//! `results.csv` and `attendance.csv`: the results of the written columns (then the primary
//! subject evaluations, `primary.rs`) and the attendance of the scope's homeroom classes, read page by page, each page's students looked up by id.

use super::books::Columns;
use super::classes::Classes;
use super::out::{Out, date, ext, score};
use super::scope::{Pages, Scope, student_ids};
use crate::exchange::results::{NOT_PASSED, PASSED};
use emis_oneroster::FileKind;
use emis_oneroster::Vocabulary as _;
use emis_oneroster::records::ScoreStatus::{FullyGraded, NotSubmitted};
use entity::{attendance, result};
use sea_orm::DatabaseConnection;

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
            writer.write(&[
                ("sourcedId", ext("result", row.id, row.external_id.as_deref())),
                ("lineItemSourcedId", column.clone()),
                ("studentSourcedId", student.clone()),
                // A missed assessment never to be made up goes out without a score.
                ("scoreStatus", if row.no_make_up { NotSubmitted } else { FullyGraded }.token().to_owned()),
                ("score", row.score_tenths.map(score).unwrap_or_default()),
                ("scoreDate", date(row.updated_at.date_naive())),
                ("comment", row.comment.clone().unwrap_or_default()),
                ("textScore", text_score.to_owned()),
                (
                    "classSourcedId",
                    section_by_id.get(&row.section_id).map(|s| s.external_id.clone()).unwrap_or_default(),
                ),
            ])?;
        }
    }
    super::primary::write_results(db, &mut writer, scope, classes).await?;
    out.done(FileKind::Results, writer)
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
