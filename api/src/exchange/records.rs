//! The books' records a package carries: assessment categories (`categories.csv`: the kind
//! of column — from `metadata.vn.assessmentKind`, or from the Circular 22 weight 1, 2 or 3 —
//! and its weight), assessment columns (`lineItems.csv`: a scheduled class's column in a
//! semester), then the results (`results.csv`, in [`super::results`]) and attendance (the
//! `attendance.csv` extension). A line item with `metadata.vn.checkpoint` is a primary
//! class's subject evaluation at that checkpoint, not a column ([`super::results`]).
//!
//! An existing column keeps its section, semester, kind and number: servers cache them.

use super::import::{Ctx, by_external_id, rule, unknown};
use super::people::People;
use super::results::{CheckpointColumn, checkpoint_column};
use super::roster::Roster;
use anyhow::Context as _;
use emis_oneroster::records::{Category, LineItem};
use emis_oneroster::{FileKind, Package, Row};
use entity::{AssessmentKind, AssessmentMode, assessment, assessment_category, section, semester, subject};
use sea_orm::EntityTrait as _;
use std::collections::HashMap;
use std::sync::Arc;

/// Imports categories, line items, results and attendance.
pub async fn import(ctx: &mut Ctx<'_>, package: &Arc<Package>, roster: &Roster, people: &People) -> anyhow::Result<()> {
    let categories = categories(ctx, package).await?;
    let (columns, checkpoints) = line_items(ctx, package, roster, &categories).await?;
    super::results::import(ctx, package, people, columns, checkpoints).await?;
    super::attendance::import(ctx, package, roster, people).await
}

async fn categories(
    ctx: &mut Ctx<'_>,
    package: &Package,
) -> anyhow::Result<HashMap<String, assessment_category::Model>> {
    let mut known: HashMap<String, assessment_category::Model> = assessment_category::Entity::find()
        .all(ctx.store.txn)
        .await
        .context("reading assessment_category")?
        .into_iter()
        .map(|row| (row.external_id.clone(), row))
        .collect();
    for row in ctx.rows::<Category>(package)? {
        let kind = row.record.assessment_kind.or(match row.record.weight {
            Some(1.0) => Some(AssessmentKind::Regular),
            Some(2.0) => Some(AssessmentKind::Midterm),
            Some(3.0) => Some(AssessmentKind::Final),
            _ => None,
        });
        let Some(kind) = kind else {
            ctx.problem(rule(
                &row,
                "metadata.vn.assessmentKind",
                "cần loại đánh giá (regular, midterm, final) hoặc trọng số 1, 2, 3 theo Thông tư 22",
                "needs the kind of assessment (regular, midterm, final) or the Circular 22 weight 1, 2 or 3",
            ));
            continue;
        };
        let existing = known.get(&row.sourced_id).cloned();
        let id = match &existing {
            Some(existing) => existing.id,
            None => ctx.store.next_id("assessment_category").await?,
        };
        let model = assessment_category::Model {
            id,
            external_id: row.sourced_id.clone(),
            title: row.record.title.clone(),
            kind: kind.as_str().to_owned(),
            weight: row.record.weight,
        };
        ctx.store.write::<assessment_category::Entity>(existing.as_ref(), &model).await?;
        known.insert(row.sourced_id.clone(), model);
    }
    Ok(known)
}

/// An assessment column and what a result of it needs.
#[derive(Clone)]
pub struct Column {
    pub model: assessment::Model,
    pub mode: AssessmentMode,
    /// Created by this import: no result of it is stored yet.
    pub created: bool,
}

/// The assessment mode of each section's subject.
struct Modes {
    subjects: HashMap<i64, subject::Model>,
    modes: HashMap<i64, AssessmentMode>,
    subject_of: HashMap<i64, i64>,
}

impl Modes {
    async fn read(ctx: &Ctx<'_>, roster: &Roster) -> anyhow::Result<Modes> {
        let subjects: HashMap<i64, subject::Model> = subject::Entity::find()
            .all(ctx.store.txn)
            .await
            .context("reading subject")?
            .into_iter()
            .map(|subject| (subject.id, subject))
            .collect();
        let modes = subjects
            .values()
            .map(|subject| (subject.id, subject.assessment.parse().unwrap_or(AssessmentMode::Scored)))
            .collect();
        let subject_of = roster.sections.values().map(|section| (section.id, section.subject_id)).collect();
        Ok(Modes { subjects, modes, subject_of })
    }

    /// The mode of the results of section `section` (scored, when unknown).
    fn of(&self, section: i64) -> AssessmentMode {
        self.subject_of
            .get(&section)
            .and_then(|subject| self.modes.get(subject))
            .copied()
            .unwrap_or(AssessmentMode::Scored)
    }
}

/// Where a line item belongs: its section, category, semester, kind and number.
struct Place<'r> {
    section: &'r section::Model,
    category: &'r assessment_category::Model,
    semester: &'r semester::Model,
    kind: AssessmentKind,
    sequence: i16,
}

/// The assessment columns (the package's line items and the stored ones), and the line
/// items that are primary classes' checkpoints.
async fn line_items(
    ctx: &mut Ctx<'_>,
    package: &Package,
    roster: &Roster,
    categories: &HashMap<String, assessment_category::Model>,
) -> anyhow::Result<(HashMap<String, Column>, HashMap<String, CheckpointColumn>)> {
    let modes = Modes::read(ctx, roster).await?;
    let existing =
        by_external_id::<assessment::Entity>(ctx, assessment::Column::ExternalId, |row| row.external_id.as_deref())
            .await?;
    let mut columns: HashMap<String, Column> = existing
        .iter()
        .map(|(external_id, model)| {
            (external_id.clone(), Column { model: model.clone(), mode: modes.of(model.section_id), created: false })
        })
        .collect();
    let mut regular_numbers: HashMap<(i64, i64), i16> = HashMap::new();
    let mut new_columns = Vec::new();
    let mut checkpoints = HashMap::new();
    for row in ctx.rows::<LineItem>(package)? {
        if let Some(checkpoint) = row.record.checkpoint {
            let column = checkpoint_column(ctx, roster, categories, &modes.subjects, &row, checkpoint);
            checkpoints.extend(column.map(|column| (row.sourced_id.clone(), column)));
            continue;
        }
        let Some(place) = place_of(ctx, roster, categories, &row, &mut regular_numbers) else { continue };
        let Place { section, category, semester, kind, sequence } = place;
        let old = existing.get(&row.sourced_id);
        if old.is_some_and(|old| {
            (old.section_id, old.semester_id, old.kind.as_str(), old.sequence)
                != (section.id, semester.id, kind.as_str(), sequence)
        }) {
            ctx.problem(rule(
                &row,
                "sourcedId",
                "cột điểm đã có không đổi được lớp học phần, học kỳ, loại hay số thứ tự",
                "an existing line item cannot change its class, semester, kind or number",
            ));
            continue;
        }
        let id = match old {
            Some(old) => old.id,
            None => ctx.store.next_id("assessment").await?,
        };
        let model = assessment::Model {
            id,
            external_id: Some(row.sourced_id.clone()),
            title: Some(row.record.title.clone()),
            category_id: Some(category.id),
            school_id: section.school_id,
            section_id: section.id,
            semester_id: semester.id,
            kind: kind.as_str().to_owned(),
            sequence,
            // Whether the teacher marked it held stays as it is.
            held: old.is_some_and(|old| old.held),
        };
        ctx.store.write_or_queue::<assessment::Entity>(old, &model, &mut new_columns).await?;
        let column = Column { mode: modes.of(model.section_id), created: old.is_none(), model };
        columns.insert(row.sourced_id.clone(), column);
    }
    ctx.store.insert::<assessment::Entity>(new_columns).await?;
    Ok((columns, checkpoints))
}

/// Where a line item belongs; `None` (problem recorded) when a reference does not resolve or
/// its number is wrong. Regular columns without a number are numbered in file order per
/// section and semester (`regular_numbers`).
fn place_of<'r>(
    ctx: &mut Ctx<'_>,
    roster: &'r Roster,
    categories: &'r HashMap<String, assessment_category::Model>,
    row: &Row<LineItem>,
    regular_numbers: &mut HashMap<(i64, i64), i16>,
) -> Option<Place<'r>> {
    let record = &row.record;
    let Some(section) = roster.sections.get(&record.class) else {
        ctx.problem(if roster.classes.contains_key(&record.class) {
            rule(
                row,
                "classSourcedId",
                "cột điểm thuộc lớp học phần, không thuộc lớp chủ nhiệm",
                "a line item belongs to a scheduled class, not a homeroom class",
            )
        } else {
            unknown(row, "classSourcedId", FileKind::Classes, &record.class)
        });
        return None;
    };
    let Some(category) = categories.get(&record.category) else {
        ctx.problem(unknown(row, "categorySourcedId", FileKind::Categories, &record.category));
        return None;
    };
    let semester = semester_of(ctx, roster, row)?;
    let kind: AssessmentKind = category.kind.parse().unwrap_or(AssessmentKind::Regular);
    let sequence = match record.sequence.map(i16::try_from) {
        Some(Ok(sequence)) if sequence >= 1 => sequence,
        Some(_) => {
            ctx.problem(rule(row, "metadata.vn.sequence", "số thứ tự phải từ 1", "the number must be 1 or more"));
            return None;
        }
        None if kind == AssessmentKind::Regular => {
            let counter = regular_numbers.entry((section.id, semester.id)).or_default();
            *counter += 1;
            *counter
        }
        None => 1,
    };
    Some(Place { section, category, semester, kind, sequence })
}

/// The semester of line item `row`; `None` (problem recorded) when its academic session is
/// not one of the package's semesters.
pub(super) fn semester_of<'r>(
    ctx: &mut Ctx<'_>,
    roster: &'r Roster,
    row: &Row<LineItem>,
) -> Option<&'r semester::Model> {
    let session = &row.record.academic_session;
    let found = roster.semesters.get(session);
    if found.is_none() {
        ctx.problem(unknown(row, "academicSessionSourcedId", FileKind::AcademicSessions, session));
    }
    found
}
