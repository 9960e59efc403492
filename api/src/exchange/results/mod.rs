//! `results.csv`: each result checked (a score 0–10 with one decimal, or Đạt / Chưa đạt for a
//! comment-only subject), matched to its column and student, and written.
//!
//! The file is the longest of a package, so its rows are checked and mapped on the reading
//! thread while the database writes the batch before. The new results of columns this import
//! created — a whole year's grade book on a first import — are gathered in a temporary table
//! without indexes and written into `result` by one `INSERT … SELECT` at the end: the
//! database checks the indexes and foreign keys of a million rows far faster in one
//! statement than in thousands. Results of columns stored before are compared with the stored
//! ones batch by batch (by student and column) and written only when they differ. New results
//! take their ids from the database (`staging.rs`). Rows on a primary class's checkpoint
//! are the subject evaluations of its summary book (`primary.rs`). Rows without a value —
//! `not submitted` and `exempt` — are read as `missed.rs` says.

mod missed;
mod primary;
mod staging;
mod values;

pub use primary::{CheckpointColumn, Checkpoints, checkpoint_column};

use super::import::{Ctx, rule, stream_mapped, unknown};
use super::people::People;
use super::records::Column;
use anyhow::Context as _;
use chrono::Utc;
use emis_oneroster::records::{AssessmentResult, ScoreStatus};
use emis_oneroster::{FileKind, Location, Package, Problem, Reason, Row, Status};
use entity::result;
use missed::Unscored;
use sea_orm::{ColumnTrait as _, ConnectionTrait as _, DbBackend, EntityTrait as _, QueryFilter as _, Statement};
use staging::{create_staging, inserts, staged_inserts, write_staged};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;
use values::{given_value, value_for};

/// Rows read, mapped and written at a time.
const BATCH: usize = 5_000;

pub use super::names::{NOT_PASSED, PASSED};

/// Where the new results of new columns wait for the one `INSERT … SELECT`.
const STAGING: &str = "result_staging";

/// The columns of `result` a new result is given (its id comes from the database).
const COLUMNS: [result::Column; 13] = [
    result::Column::ExternalId,
    result::Column::SchoolId,
    result::Column::SectionId,
    result::Column::AssessmentId,
    result::Column::SemesterId,
    result::Column::StudentId,
    result::Column::ScoreTenths,
    result::Column::Passed,
    result::Column::NoMakeUp,
    result::Column::Exempt,
    result::Column::Comment,
    result::Column::Version,
    result::Column::UpdatedAt,
];

/// A batch of the file, mapped on the reading thread.
#[derive(Default)]
struct Mapped {
    rows: u64,
    /// Inserts of the new results of columns this import created into the staging table,
    /// built.
    staged: Vec<Statement>,
    new: u64,
    /// Results of columns stored before the import (ids not yet known).
    of_stored_columns: Vec<result::Model>,
    problems: Vec<Problem>,
    /// `tobedeleted` results, and exempt or not submitted ones on primary checkpoints,
    /// which are not stored.
    skipped: u64,
    /// Assessments missed, make-up owed.
    missed: Vec<entity::missed_assessment::Model>,
    /// Subject evaluations at primary checkpoints.
    evaluations: Vec<entity::primary_evaluation::Model>,
}

/// What the reading thread maps rows with.
struct Mapper {
    backend: DbBackend,
    columns: HashMap<String, Column>,
    students: HashMap<String, i64>,
    /// (student, column) of every result mapped so far: a second one is a problem.
    seen: HashSet<(i64, i64)>,
    checkpoints: Checkpoints,
}

impl Mapper {
    fn map(&mut self, batch: &[Row<AssessmentResult>]) -> Mapped {
        let mut mapped = Mapped { rows: u64::try_from(batch.len()).unwrap_or(0), ..Mapped::default() };
        let mut new = Vec::new();
        for row in batch {
            if self.checkpoints.columns.contains_key(&row.record.line_item) {
                let evaluation = self.checkpoints.map(&mut mapped.problems, &mut mapped.skipped, &self.students, row);
                mapped.evaluations.extend(evaluation);
                continue;
            }
            let Some(given) = given_value(&mut mapped.problems, row) else { continue };
            let Some(column) = self.columns.get(&row.record.line_item) else {
                mapped.problems.push(unknown(row, "lineItemSourcedId", FileKind::LineItems, &row.record.line_item));
                continue;
            };
            let Some(&student) = self.students.get(&row.record.student) else {
                mapped.problems.push(unknown(row, "studentSourcedId", FileKind::Users, &row.record.student));
                continue;
            };
            if row.status == Status::ToBeDeleted {
                mapped.skipped += 1;
                continue;
            }
            let Some(unscored) = missed::unscored(&mut mapped.problems, row) else { continue };
            let (score_tenths, passed) = match unscored {
                None => match value_for(&mut mapped.problems, row, column.mode, given) {
                    Some(value) => value,
                    None => continue,
                },
                Some(_) => (None, None),
            };
            if !self.seen.insert((student, column.model.id)) {
                mapped.problems.push(rule(
                    row,
                    "lineItemSourcedId",
                    "học sinh đã có kết quả của cột điểm này ở một dòng trước",
                    "the student already has a result in this line item on an earlier row",
                ));
                continue;
            }
            if unscored == Some(Unscored::Missed) {
                mapped.missed.push(entity::missed_assessment::Model {
                    id: 0,
                    external_id: Some(row.sourced_id.clone()),
                    school_id: column.model.school_id,
                    section_id: column.model.section_id,
                    assessment_id: column.model.id,
                    semester_id: column.model.semester_id,
                    student_id: student,
                    comment: row.record.comment.clone(),
                    missed_on: row.record.score_date,
                });
                continue;
            }
            let model = result::Model {
                id: 0,
                external_id: Some(row.sourced_id.clone()),
                school_id: column.model.school_id,
                section_id: column.model.section_id,
                assessment_id: column.model.id,
                semester_id: column.model.semester_id,
                student_id: student,
                score_tenths,
                passed,
                no_make_up: unscored == Some(Unscored::NoMakeUp),
                exempt: unscored == Some(Unscored::Exempt),
                comment: row.record.comment.clone(),
                version: 1,
                updated_at: given_at(row).unwrap_or_else(Utc::now),
            };
            if column.created { new.push(model) } else { mapped.of_stored_columns.push(model) }
        }
        mapped.new = u64::try_from(new.len()).unwrap_or(0);
        mapped.staged = staged_inserts(self.backend, &new);
        mapped
    }
}

/// Whether a primary checkpoint's row is not stored: exempt, not submitted or `tobedeleted`.
fn left_out(row: &Row<AssessmentResult>) -> bool {
    row.status == Status::ToBeDeleted
        || matches!(row.record.score_status, ScoreStatus::Exempt | ScoreStatus::NotSubmitted)
}

/// When the score was given, as the package says.
fn given_at(row: &Row<AssessmentResult>) -> Option<chrono::DateTime<Utc>> {
    row.record.score_date.and_then(|day| day.and_hms_opt(0, 0, 0)).map(|at| at.and_utc())
}

/// Imports `results.csv` onto `columns` (the package's line items and the stored ones) and
/// the primary classes' `checkpoints`.
pub async fn import(
    ctx: &mut Ctx<'_>,
    package: &Arc<Package>,
    people: &People,
    columns: HashMap<String, Column>,
    checkpoints: HashMap<String, CheckpointColumn>,
) -> anyhow::Result<()> {
    let txn = ctx.store.txn;
    let checkpoints = Checkpoints::read(ctx, checkpoints).await?;
    let mut mapper = Mapper {
        backend: txn.get_database_backend(),
        columns,
        students: people.student_ids(),
        seen: HashSet::new(),
        checkpoints,
    };
    let staging = mapper.columns.values().any(|column| column.created);
    if staging {
        create_staging(txn).await?;
    }
    let (mut batches, reader) = stream_mapped(Arc::clone(package), BATCH, move |batch| mapper.map(&batch));
    let mut skipped_rows = 0_u64;
    ctx.progress.start(FileKind::Results);
    while let Some(mapped) = batches.recv().await {
        ctx.progress.advance(mapped.rows);
        ctx.problems.extend(mapped.problems);
        skipped_rows += mapped.skipped;
        for statement in mapped.staged {
            txn.execute_raw(statement).await.context("staging results")?;
        }
        if mapped.new > 0 {
            ctx.store.count("result").created += mapped.new;
        }
        compare_with_stored(ctx, mapped.of_stored_columns).await?;
        missed::write(ctx, mapped.missed).await?;
        primary::write(ctx, mapped.evaluations).await?;
    }
    if staging {
        write_staged(txn).await?;
    }
    ctx.progress.finish();
    let problems = reader.await.context("the results reader stopped")?.context("reading results.csv")?;
    ctx.problems.extend(problems);
    if skipped_rows > 0 {
        ctx.problem(Problem::new(
            Location::file(FileKind::Results.file_name()),
            Reason::Skipped {
                vietnamese: format!(
                    "{skipped_rows} kết quả cần xoá, hoặc miễn hay chưa nộp ở mốc đánh giá tiểu học, không được lưu"
                ),
                english: format!(
                    "{skipped_rows} results marked tobedeleted, or exempt or not submitted at a primary checkpoint, were not stored"
                ),
            },
        ));
    }
    Ok(())
}

/// Writes the results of columns stored before the import: an update where a stored result
/// differs (a comment the row leaves empty stays), an insert where there is none.
async fn compare_with_stored(ctx: &mut Ctx<'_>, wanted: Vec<result::Model>) -> anyhow::Result<()> {
    if wanted.is_empty() {
        return Ok(());
    }
    // An index walk per section; a file lists a section's results together, so a batch
    // names few sections.
    let sections: BTreeSet<i64> = wanted.iter().map(|row| row.section_id).collect();
    let assessments: BTreeSet<i64> = wanted.iter().map(|row| row.assessment_id).collect();
    let stored: HashMap<(i64, i64), result::Model> = result::Entity::find()
        .filter(result::Column::SectionId.is_in(sections))
        .filter(result::Column::AssessmentId.is_in(assessments))
        .all(ctx.store.txn)
        .await
        .context("reading result")?
        .into_iter()
        .map(|row| ((row.student_id, row.assessment_id), row))
        .collect();
    let mut new = Vec::new();
    for mut row in wanted {
        let Some(old) = stored.get(&(row.student_id, row.assessment_id)) else {
            new.push(row);
            continue;
        };
        // A row without a comment does not remove the stored one.
        row.comment = row.comment.or_else(|| old.comment.clone());
        let unchanged = (old.score_tenths, old.passed, old.no_make_up, old.exempt, old.comment.as_deref())
            == (row.score_tenths, row.passed, row.no_make_up, row.exempt, row.comment.as_deref())
            && old.external_id == row.external_id;
        if !unchanged {
            (row.id, row.version) = (old.id, old.version + 1);
            ctx.store.update::<result::Entity>(row).await?;
        }
    }
    if !new.is_empty() {
        ctx.store.count("result").created += u64::try_from(new.len()).unwrap_or(0);
    }
    for statement in inserts(ctx.store.txn.get_database_backend(), new) {
        ctx.store.txn.execute_raw(statement).await.context("inserting into result")?;
    }
    Ok(())
}
