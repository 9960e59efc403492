//! `courses.csv`: a course of an organisation and school year, for a grade, teaching the
//! subject of its first subject code, identified through the Ministry's subject list —
//! created from the course when EMIS does not have it.

use super::{Roster, grade};
use crate::exchange::import::{Ctx, unknown};
use anyhow::Context as _;
use emis_oneroster::records::Course;
use emis_oneroster::vocabulary::subjects::identify;
use emis_oneroster::{FileKind, Package, Reason, Row};
use entity::{AssessmentMode, course, subject};
use sea_orm::EntityTrait as _;
use std::collections::HashMap;

impl Roster {
    pub(super) async fn courses(&mut self, ctx: &mut Ctx<'_>, package: &Package) -> anyhow::Result<()> {
        let rows = ctx.rows::<Course>(package)?;
        let mut subjects: HashMap<String, subject::Model> = subject::Entity::find()
            .all(ctx.store.txn)
            .await
            .context("reading subject")?
            .into_iter()
            .map(|subject| (subject.code.clone(), subject))
            .collect();
        for row in &rows {
            let Some(org) = self.orgs.get(&row.record.org).map(|org| org.id) else {
                ctx.problem(unknown(row, "orgSourcedId", FileKind::Orgs, &row.record.org));
                continue;
            };
            let year = match &row.record.school_year {
                Some(year) => match self.years.get(year) {
                    Some(year) => Some(year.id),
                    None => {
                        ctx.problem(unknown(row, "schoolYearSourcedId", FileKind::AcademicSessions, year));
                        continue;
                    }
                },
                None => None,
            };
            let Some(grade_level) = grade(ctx, row, "grades", row.record.grades.first()) else { continue };
            let subject = match row.record.subject_codes.first() {
                Some(code) => Some(subject_for(ctx, &mut subjects, row, code).await?),
                None => None,
            };
            let existing = self.courses.get(&row.sourced_id).cloned();
            let id = match &existing {
                Some(existing) => existing.id,
                None => ctx.store.next_id("course").await?,
            };
            let model = course::Model {
                id,
                external_id: row.sourced_id.clone(),
                org_id: org,
                school_year_id: year,
                title: row.record.title.clone(),
                code: row.record.code.clone(),
                grade_level,
                subject_id: subject,
            };
            ctx.store.write::<course::Entity>(existing.as_ref(), &model).await?;
            self.courses.insert(row.sourced_id.clone(), model);
        }
        Ok(())
    }
}

/// The subject a course's code `code` (or its subject name) names: identified through the
/// Ministry's subject list, so `TOAN`, `toan` and `Toán` are EMIS's `toan` (mapped with a
/// warning); a code the list does not know is a school's own subject, kept as written. Created
/// from the course when EMIS does not have it yet.
async fn subject_for(
    ctx: &mut Ctx<'_>,
    subjects: &mut HashMap<String, subject::Model>,
    row: &Row<Course>,
    code: &str,
) -> anyhow::Result<i64> {
    let ministry = identify(code).or_else(|| row.record.subjects.first().and_then(|name| identify(name)));
    if let Some(ministry) = ministry.filter(|ministry| ministry.code != code) {
        ctx.problem(row.problem("subjectCodes", Reason::Mapped { value: code.to_owned(), canonical: ministry.code }));
    }
    let canonical = ministry.map_or(code, |ministry| ministry.code);
    if let Some(subject) = subjects.get(canonical).or_else(|| subjects.get(code)) {
        return Ok(subject.id);
    }
    let id = ctx.store.next_id("subject").await?;
    let name = match ministry {
        Some(ministry) => ministry.name.to_owned(),
        None => row.record.subjects.first().cloned().unwrap_or_else(|| row.record.title.clone()),
    };
    let model = subject::Model {
        id,
        code: canonical.to_owned(),
        name,
        assessment: row.record.assessment.unwrap_or(AssessmentMode::Scored).as_str().to_owned(),
        sort_order: row
            .record
            .sort_order
            .and_then(|order| i32::try_from(order).ok())
            .unwrap_or_else(|| i32::try_from(subjects.len() + 1).unwrap_or(i32::MAX)),
    };
    ctx.store.insert::<subject::Entity>(vec![model.clone()]).await?;
    subjects.insert(canonical.to_owned(), model);
    Ok(id)
}
