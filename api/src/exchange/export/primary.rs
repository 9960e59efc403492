//! The subject evaluations of the primary summary book (Circular 27) as the import reads
//! them back: per section and checkpoint with evaluations, a line item with
//! `metadata.vn.checkpoint` (in the checkpoint's semester, under the derived mid-term or
//! end-of-term category), and per evaluation a `results.csv` row with the level in
//! `textScore` and the periodic test in `score`. The names are made of the section's,
//! the checkpoint's and the student's, so an export of an imported package names them the
//! same.

use super::classes::Classes;
use super::out::{Writer, date};
use super::scope::{Pages, Scope, student_ids};
use super::structure::Sessions;
use crate::books::primary::{parse_checkpoint, semester_number};
use crate::exchange::names::{checkpoint_line_item, checkpoint_result};
use emis_oneroster::Vocabulary as _;
use emis_oneroster::records::ScoreStatus::FullyGraded;
use entity::{AssessmentKind, primary_evaluation as evaluation};
use sea_orm::{ColumnTrait as _, DatabaseConnection, EntityTrait as _, QueryFilter as _, QuerySelect as _};
use std::collections::BTreeSet;

/// The sections and checkpoints with subject evaluations in the scope.
pub(super) struct CheckpointItems {
    pub pairs: BTreeSet<(i64, String)>,
}

impl CheckpointItems {
    pub async fn read(db: &DatabaseConnection, scope: &Scope) -> anyhow::Result<CheckpointItems> {
        let pairs: Vec<(Option<i64>, String)> = evaluation::Entity::find()
            .select_only()
            .column(evaluation::Column::SectionId)
            .column(evaluation::Column::Checkpoint)
            .distinct()
            .filter(scope.of_school(evaluation::Column::SchoolId))
            .filter(evaluation::Column::SectionId.is_not_null())
            .into_tuple()
            .all(db)
            .await?;
        let pairs = pairs.into_iter().filter_map(|(section, checkpoint)| Some((section?, checkpoint))).collect();
        Ok(CheckpointItems { pairs })
    }

    /// The kinds of the categories the checkpoints' line items name.
    pub fn category_kinds(&self) -> Vec<AssessmentKind> {
        self.pairs.iter().map(|(_, checkpoint)| category_kind(checkpoint)).collect()
    }
}

/// The derived category of a checkpoint's line item: mid-term at mid-semester, end of term
/// at the end of a semester or the year.
pub(super) fn category_kind(checkpoint: &str) -> AssessmentKind {
    if checkpoint.starts_with("mid") { AssessmentKind::Midterm } else { AssessmentKind::Final }
}

/// Writes the checkpoints' line items.
pub(super) fn write_line_items(
    writer: &mut Writer,
    scope: &Scope,
    classes: &Classes,
    sessions: &Sessions,
    items: &CheckpointItems,
) -> anyhow::Result<()> {
    let section_by_id = classes.section_by_id();
    let class_by_id = classes.class_by_id();
    for (section_id, checkpoint) in &items.pairs {
        let (Some(section), Ok(point)) = (section_by_id.get(section_id), parse_checkpoint(checkpoint)) else {
            continue;
        };
        let Some(class) = class_by_id.get(&section.class_id) else { continue };
        let semester = sessions
            .semesters
            .iter()
            .find(|row| row.school_year_id == class.school_year_id && row.number == semester_number(point));
        let subject = classes.subjects.get(&section.subject_id).map_or("", |s| s.name.as_str());
        writer.write(&[
            ("sourcedId", checkpoint_line_item(&section.external_id, checkpoint)),
            ("title", format!("{subject} {} — {checkpoint}", class.name)),
            ("classSourcedId", section.external_id.clone()),
            ("categorySourcedId", format!("emis-category-{}", category_kind(checkpoint).as_str())),
            ("academicSessionSourcedId", semester.map(Sessions::semester_ext).unwrap_or_default()),
            ("schoolSourcedId", scope.org_ext(section.school_id)),
            ("metadata.vn.checkpoint", checkpoint.clone()),
        ])?;
    }
    Ok(())
}

/// Writes the subject evaluations as results.
pub(super) async fn write_results(
    db: &DatabaseConnection,
    writer: &mut Writer,
    scope: &Scope,
    classes: &Classes,
) -> anyhow::Result<()> {
    let section_by_id = classes.section_by_id();
    let condition = scope.of_school(evaluation::Column::SchoolId).add(evaluation::Column::SectionId.is_not_null());
    let mut pages = Pages::<evaluation::Entity>::new(evaluation::Column::Id, condition, |row| row.id);
    while let Some(rows) = pages.next(db).await? {
        let students = student_ids(db, rows.iter().map(|row| row.student_id)).await?;
        for row in rows {
            let section = row.section_id.and_then(|id| section_by_id.get(&id));
            let (Some(section), Some(student)) = (section, students.get(&row.student_id)) else { continue };
            let line_item = checkpoint_line_item(&section.external_id, &row.checkpoint);
            writer.write(&[
                ("sourcedId", checkpoint_result(&line_item, student)),
                ("lineItemSourcedId", line_item),
                ("studentSourcedId", student.clone()),
                ("scoreStatus", FullyGraded.token().to_owned()),
                ("score", row.test_score.map(|score| score.to_string()).unwrap_or_default()),
                ("scoreDate", date(row.updated_at.date_naive())),
                ("comment", row.comment.clone().unwrap_or_default()),
                ("textScore", row.level.clone()),
                ("classSourcedId", section.external_id.clone()),
            ])?;
        }
    }
    Ok(())
}
