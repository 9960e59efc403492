//! `attendance.csv` (EMIS's extension): streamed in batches and matched against the
//! database batch by batch (by `sourcedId`), so memory stays flat; a roll-call entry is
//! corrected, never deleted.

use super::import::{Ctx, rule, skipped, stream, unknown};
use super::people::People;
use super::roster::Roster;
use anyhow::Context as _;
use emis_oneroster::records::Attendance;
use emis_oneroster::{FileKind, Package, Row, Status};
use entity::{attendance, homeroom_class};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use std::collections::HashMap;
use std::sync::Arc;

/// Rows mapped and written at a time.
const BATCH: usize = 5_000;

/// Imports `attendance.csv`.
pub async fn import(ctx: &mut Ctx<'_>, package: &Arc<Package>, roster: &Roster, people: &People) -> anyhow::Result<()> {
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
