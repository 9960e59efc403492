//! The primary summary book (Circular 27) in the gradebook, as the CSV package writes it: a
//! section's subject evaluations at a checkpoint are a line item
//! (`emis-checkpoint-<section>-<checkpoint>`, in the checkpoint's semester, under the derived
//! mid-term or end-of-term category), and each student's evaluation a result (the level in
//! `textScore`, the periodic test in `score`). The evaluations are read through their reader
//! (`PRIMARY_ITEM`, as results of the section), so a checkpoint is shown only where the
//! caller may read some of its evaluations.

use super::super::Asked;
use super::super::objects::{self, Column};
use super::super::refs::{org_ids, rows_by_id, student_ids};
use super::super::reply::Refusal;
use crate::books::primary::{parse_checkpoint, semester_number};
use crate::exchange::names::{checkpoint_line_item, kind_category, section_title};
use crate::privacy::readers;
use emis_authz::Action;
use entity::{AssessmentKind, homeroom_class, primary_evaluation, section, semester, subject};
use sea_orm::{ColumnTrait as _, Condition, EntityTrait as _, QueryFilter as _};
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// The evaluations `ids`, read back through their reader.
pub(super) async fn evaluations(asked: &Asked, ids: &[i64]) -> Result<Vec<primary_evaluation::Model>, Refusal> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let read = asked.access.read_mixed(&readers::PRIMARY_ITEM, Action::Read);
    let which = Condition::all().add(primary_evaluation::Column::Id.is_in(ids.iter().copied()));
    Ok(read.through(which).all(&asked.state.db).await?)
}

/// The `sourcedId`s of the sections `ids`: names of places, which the evaluations read already
/// let the caller see.
async fn section_names(
    asked: &Asked,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, section::Model>, Refusal> {
    rows_by_id::<section::Entity>(asked, section::Column::Id, ids, |row| row.id).await
}

/// The results of evaluations `rows`, by evaluation id: those whose student the caller may
/// read.
pub(super) async fn result_objects(
    asked: &Asked,
    rows: &[primary_evaluation::Model],
) -> Result<HashMap<i64, Map<String, Value>>, Refusal> {
    let sections = section_names(asked, rows.iter().filter_map(|row| row.section_id)).await?;
    let students = student_ids(asked, rows.iter().map(|row| row.student_id)).await?;
    let mut found = HashMap::new();
    for row in rows {
        let (Some(section), Some(student)) =
            (row.section_id.and_then(|id| sections.get(&id)), students.get(&row.student_id))
        else {
            continue;
        };
        let line_item = checkpoint_line_item(&section.external_id, &row.checkpoint);
        found.insert(row.id, objects::evaluation(row, &line_item, student, &section.external_id, &asked.here));
    }
    Ok(found)
}

/// The category kind of a checkpoint's line item: mid-term at mid-semester, end of term at the
/// end of a semester or the year.
fn category_kind(checkpoint: &str) -> AssessmentKind {
    if checkpoint.starts_with("mid") { AssessmentKind::Midterm } else { AssessmentKind::Final }
}

/// The line items of the checkpoints of `rows` (one evaluation standing for each section and
/// checkpoint), by evaluation id.
pub(super) async fn line_item_objects(
    asked: &Asked,
    rows: &[primary_evaluation::Model],
) -> Result<HashMap<i64, Map<String, Value>>, Refusal> {
    let db = &asked.state.db;
    let read = asked.access.read(&readers::SECTION);
    let sections: HashMap<i64, section::Model> = read
        .narrow(section::Column::Id, |column| column.is_in(rows.iter().filter_map(|row| row.section_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.id, row))
        .collect();
    let classes = rows_by_id::<homeroom_class::Entity>(
        asked,
        homeroom_class::Column::Id,
        sections.values().map(|row| row.class_id),
        |row| row.id,
    )
    .await?;
    let subjects =
        rows_by_id::<subject::Entity>(asked, subject::Column::Id, sections.values().map(|row| row.subject_id), |s| {
            s.id
        })
        .await?;
    let semesters = semester::Entity::find()
        .filter(semester::Column::SchoolYearId.is_in(classes.values().map(|class| class.school_year_id)))
        .all(db)
        .await?;
    let schools = org_ids(asked, sections.values().map(|row| row.school_id)).await?;
    let mut found = HashMap::new();
    for row in rows {
        let Some(section) = row.section_id.and_then(|id| sections.get(&id)) else { continue };
        let (Some(class), Ok(point)) = (classes.get(&section.class_id), parse_checkpoint(&row.checkpoint)) else {
            continue;
        };
        let number = semester_number(point);
        let Some(term) = semesters.iter().find(|s| s.school_year_id == class.school_year_id && s.number == number)
        else {
            continue;
        };
        let subject = subjects.get(&section.subject_id).map_or("", |s| s.name.as_str());
        let category = kind_category(category_kind(&row.checkpoint)).0;
        let column = Column {
            sourced_id: checkpoint_line_item(&section.external_id, &row.checkpoint),
            title: format!("{} — {}", section_title(subject, &class.name), row.checkpoint),
            class: &section.external_id,
            school: schools.get(&section.school_id).map_or("", String::as_str),
            category: &category,
            semester: &objects::semester_id(term),
            days: (term.starts_on, term.ends_on),
            scored: false,
            metadata: json!({ "vn.checkpoint": row.checkpoint }),
        };
        found.insert(row.id, objects::line_item(&column, &asked.here));
    }
    Ok(found)
}
