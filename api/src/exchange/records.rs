//! The books' records a package carries: assessment categories (`categories.csv`: the kind
//! of column — from `metadata.vn.assessmentKind`, or from the Circular 22 weight 1, 2 or 3 —
//! and its weight), assessment columns (`lineItems.csv`: a scheduled class's column in a
//! semester), then the results (`results.csv`, in [`super::results`]) and attendance (the
//! `attendance.csv` extension).
//!
//! Attendance is streamed in batches and matched against the database batch by batch (by
//! `sourcedId`), so memory stays flat. An existing column keeps its section, semester, kind
//! and number: servers cache them.

use super::import::{Ctx, by_external_id, rule, skipped, stream, unknown};
use super::people::People;
use super::roster::Roster;
use anyhow::Context as _;
use emis_oneroster::records::{Attendance, Category, LineItem};
use emis_oneroster::{FileKind, Package, Row, Status};
use entity::{
    AssessmentKind, AssessmentMode, assessment, assessment_category, attendance, homeroom_class, section, semester,
    subject,
};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use std::collections::HashMap;
use std::sync::Arc;

/// Rows mapped and written at a time from the long files.
const BATCH: usize = 5_000;

/// Imports categories, line items, results and attendance.
pub async fn import(ctx: &mut Ctx<'_>, package: &Arc<Package>, roster: &Roster, people: &People) -> anyhow::Result<()> {
    let categories = categories(ctx, package).await?;
    let columns = line_items(ctx, package, roster, &categories).await?;
    super::results::import(ctx, package, people, columns).await?;
    attendance_records(ctx, package, roster, people).await
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
    modes: HashMap<i64, AssessmentMode>,
    subject_of: HashMap<i64, i64>,
}

impl Modes {
    async fn read(ctx: &Ctx<'_>, roster: &Roster) -> anyhow::Result<Modes> {
        let modes = subject::Entity::find()
            .all(ctx.store.txn)
            .await
            .context("reading subject")?
            .into_iter()
            .map(|subject| (subject.id, subject.assessment.parse().unwrap_or(AssessmentMode::Scored)))
            .collect();
        let subject_of = roster.sections.values().map(|section| (section.id, section.subject_id)).collect();
        Ok(Modes { modes, subject_of })
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

async fn line_items(
    ctx: &mut Ctx<'_>,
    package: &Package,
    roster: &Roster,
    categories: &HashMap<String, assessment_category::Model>,
) -> anyhow::Result<HashMap<String, Column>> {
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
    for row in ctx.rows::<LineItem>(package)? {
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
    Ok(columns)
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
    let Some(semester) = roster.semesters.get(&record.academic_session) else {
        let session = &record.academic_session;
        ctx.problem(unknown(row, "academicSessionSourcedId", FileKind::AcademicSessions, session));
        return None;
    };
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

async fn attendance_records(
    ctx: &mut Ctx<'_>,
    package: &Arc<Package>,
    roster: &Roster,
    people: &People,
) -> anyhow::Result<()> {
    let (mut batches, reader) = stream::<Attendance>(Arc::clone(package), BATCH);
    ctx.progress.start(FileKind::Attendance);
    while let Some(batch) = batches.recv().await {
        ctx.progress.advance(u64::try_from(batch.len()).unwrap_or(0));
        let ids: Vec<String> = batch.iter().map(|row| row.sourced_id.clone()).collect();
        let existing: HashMap<String, attendance::Model> = attendance::Entity::find()
            .filter(attendance::Column::ExternalId.is_in(ids))
            .all(ctx.store.txn)
            .await
            .context("reading attendance")?
            .into_iter()
            .filter_map(|row| Some((row.external_id.clone()?, row)))
            .collect();
        let mut inserts = Vec::new();
        for row in &batch {
            if row.status == Status::ToBeDeleted {
                ctx.problem(skipped(
                    row,
                    "status",
                    "điểm danh được sửa, không bị xoá; dòng được bỏ qua",
                    "attendance is corrected, not deleted; the row was left out",
                ));
                continue;
            }
            let Some((class, student, period)) = attendance_place(ctx, roster, people, row) else { continue };
            let old = existing.get(&row.sourced_id);
            let model = attendance::Model {
                id: match old {
                    Some(old) => old.id,
                    None => ctx.store.next_id("attendance").await?,
                },
                external_id: Some(row.sourced_id.clone()),
                school_id: class.school_id,
                student_id: student,
                class_id: class.id,
                date: row.record.date,
                session: row.record.session.as_str().to_owned(),
                period,
                status: row.record.status.as_str().to_owned(),
                // A row without a note does not remove the stored one.
                note: row.record.note.clone().or_else(|| old.and_then(|old| old.note.clone())),
            };
            ctx.store.write_or_queue::<attendance::Entity>(old, &model, &mut inserts).await?;
        }
        ctx.store.insert::<attendance::Entity>(inserts).await?;
    }
    ctx.progress.finish();
    let problems = reader.await.context("the attendance reader stopped")?.context("reading attendance.csv")?;
    ctx.problems.extend(problems);
    Ok(())
}

/// An attendance row's homeroom class, student and period; `None` (problem recorded) when a
/// reference does not resolve or the period is not 1–10.
fn attendance_place<'r>(
    ctx: &mut Ctx<'_>,
    roster: &'r Roster,
    people: &People,
    row: &Row<Attendance>,
) -> Option<(&'r homeroom_class::Model, i64, Option<i32>)> {
    let Some(class) = roster.classes.get(&row.record.class) else {
        ctx.problem(unknown(row, "classSourcedId", FileKind::Classes, &row.record.class));
        return None;
    };
    let Some(student) = people.student(&row.record.student) else {
        ctx.problem(unknown(row, "studentSourcedId", FileKind::Users, &row.record.student));
        return None;
    };
    let period = match row.record.period.map(i32::try_from) {
        Some(Ok(period)) if (1..=10).contains(&period) => Some(period),
        Some(_) => {
            ctx.problem(rule(
                row,
                "metadata.vn.period",
                "tiết học phải từ 1 đến 10",
                "the period must be from 1 to 10",
            ));
            return None;
        }
        None => None,
    };
    Some((class, student.id, period))
}
