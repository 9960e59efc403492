//! `academicSessions.csv`: school years, matched by exchange identifier or name, then their
//! semesters, matched by exchange identifier or by year and number (numbered in date order
//! when the row gives none); other kinds of session are left out.

use super::Roster;
use crate::exchange::import::{Ctx, rule, skipped, unknown};
use anyhow::Context as _;
use emis_oneroster::records::{AcademicSession, SessionType};
use emis_oneroster::{FileKind, Package, Row};
use entity::{school_year, semester};
use sea_orm::EntityTrait as _;
use std::collections::HashMap;

impl Roster {
    pub(super) async fn sessions(&mut self, ctx: &mut Ctx<'_>, package: &Package) -> anyhow::Result<()> {
        let rows = ctx.rows::<AcademicSession>(package)?;
        self.school_years(ctx, &rows).await?;
        self.semesters(ctx, &rows).await?;
        for row in rows.iter().filter(|row| !matches!(row.record.kind, SessionType::SchoolYear | SessionType::Semester))
        {
            ctx.problem(skipped(
                row,
                "type",
                "EMIS chỉ lưu năm học và học kỳ; dòng được bỏ qua",
                "EMIS keeps school years and semesters only; the row was left out",
            ));
        }
        Ok(())
    }

    async fn school_years(&mut self, ctx: &mut Ctx<'_>, rows: &[Row<AcademicSession>]) -> anyhow::Result<()> {
        let years = school_year::Entity::find().all(ctx.store.txn).await.context("reading school_year")?;
        let mut by_name: HashMap<String, school_year::Model> =
            years.iter().map(|year| (year.name.clone(), year.clone())).collect();
        self.years_by_id = years.into_iter().map(|year| (year.id, year)).collect();
        for row in rows.iter().filter(|row| row.record.kind == SessionType::SchoolYear) {
            if !dates_in_order(ctx, row) {
                continue;
            }
            let existing = self.years.get(&row.sourced_id).or_else(|| by_name.get(&row.record.title)).cloned();
            let id = match &existing {
                Some(existing) => existing.id,
                None => ctx.store.next_id("school_year").await?,
            };
            let model = school_year::Model {
                id,
                external_id: Some(row.sourced_id.clone()),
                name: row.record.title.clone(),
                starts_on: row.record.start,
                ends_on: row.record.end,
            };
            ctx.store.write::<school_year::Entity>(existing.as_ref(), &model).await?;
            by_name.insert(model.name.clone(), model.clone());
            self.years_by_id.insert(model.id, model.clone());
            self.years.insert(row.sourced_id.clone(), model);
        }
        Ok(())
    }

    async fn semesters(&mut self, ctx: &mut Ctx<'_>, rows: &[Row<AcademicSession>]) -> anyhow::Result<()> {
        let existing_semesters = semester::Entity::find().all(ctx.store.txn).await.context("reading semester")?;
        let mut semesters = rows.iter().filter(|row| row.record.kind == SessionType::Semester).collect::<Vec<_>>();
        semesters.sort_by_key(|row| row.record.start);
        let mut numbered: HashMap<i64, i16> = HashMap::new();
        for row in semesters {
            if !dates_in_order(ctx, row) {
                continue;
            }
            let Some(year) = row.record.parent.as_ref().and_then(|parent| self.years.get(parent)).cloned() else {
                let parent = row.record.parent.clone().unwrap_or_default();
                ctx.problem(if parent.is_empty() {
                    rule(row, "parentSourcedId", "học kỳ cần năm học của nó", "a semester needs its school year")
                } else {
                    unknown(row, "parentSourcedId", FileKind::AcademicSessions, &parent)
                });
                continue;
            };
            let counter = numbered.entry(year.id).or_default();
            *counter += 1;
            let number = row.record.semester.and_then(|number| i16::try_from(number).ok()).unwrap_or(*counter);
            let existing = self.semesters.get(&row.sourced_id).cloned().or_else(|| {
                existing_semesters.iter().find(|old| old.school_year_id == year.id && old.number == number).cloned()
            });
            let id = match &existing {
                Some(existing) => existing.id,
                None => ctx.store.next_id("semester").await?,
            };
            let model = semester::Model {
                id,
                external_id: Some(row.sourced_id.clone()),
                school_year_id: year.id,
                number,
                starts_on: row.record.start,
                ends_on: row.record.end,
            };
            ctx.store.write::<semester::Entity>(existing.as_ref(), &model).await?;
            self.semesters.insert(row.sourced_id.clone(), model);
        }
        Ok(())
    }
}

/// Whether a session ends on or after its start (a problem recorded when not).
fn dates_in_order(ctx: &mut Ctx<'_>, row: &Row<AcademicSession>) -> bool {
    if row.record.start <= row.record.end {
        return true;
    }
    ctx.problem(rule(row, "endDate", "ngày kết thúc trước ngày bắt đầu", "the end date is before the start date"));
    false
}
