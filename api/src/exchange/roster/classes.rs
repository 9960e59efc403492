//! `classes.csv`: homeroom classes first (sections name theirs), then scheduled classes —
//! EMIS's sections, a subject taught to a homeroom class; each placed in its school, course
//! and school year. An existing section keeps its subject and homeroom class.

use super::{Roster, grade};
use crate::exchange::import::{Ctx, rule, unknown};
use emis_oneroster::records::{Class, ClassType};
use emis_oneroster::{FileKind, Package, Row};
use entity::{OrgKind, course, homeroom_class, section};

/// Periods per year of a section whose class gives none (two a week for 35 weeks).
const DEFAULT_PERIODS_PER_YEAR: i32 = 70;

/// What a section row gives once checked: its subject, homeroom class and periods per year.
struct SectionPlace {
    subject: i64,
    class: i64,
    periods: i32,
}

impl Roster {
    pub(super) async fn classes(&mut self, ctx: &mut Ctx<'_>, package: &Package) -> anyhow::Result<()> {
        let rows = ctx.rows::<Class>(package)?;
        // Homeroom classes first: sections name theirs.
        for row in rows.iter().filter(|row| row.record.kind == ClassType::Homeroom) {
            self.homeroom_class(ctx, row).await?;
        }
        for row in rows.iter().filter(|row| row.record.kind == ClassType::Scheduled) {
            self.section(ctx, row).await?;
        }
        Ok(())
    }

    async fn homeroom_class(&mut self, ctx: &mut Ctx<'_>, row: &Row<Class>) -> anyhow::Result<()> {
        let Some((school, course, year)) = self.class_context(ctx, row) else { return Ok(()) };
        let grade_level = match grade(ctx, row, "grades", row.record.grades.first()) {
            Some(Some(level)) => level,
            Some(None) => match course.grade_level {
                Some(level) => level,
                None => {
                    ctx.problem(rule(row, "grades", "lớp chủ nhiệm cần khối lớp", "a homeroom class needs its grade"));
                    return Ok(());
                }
            },
            None => return Ok(()),
        };
        let existing = self.classes.get(&row.sourced_id).cloned();
        let id = match &existing {
            Some(existing) => existing.id,
            None => ctx.store.next_id("homeroom_class").await?,
        };
        let model = homeroom_class::Model {
            id,
            external_id: row.sourced_id.clone(),
            school_id: school,
            school_year_id: year,
            grade_level,
            name: row.record.title.clone(),
            course_id: Some(course.id),
        };
        ctx.store.write::<homeroom_class::Entity>(existing.as_ref(), &model).await?;
        self.classes.insert(row.sourced_id.clone(), model);
        Ok(())
    }

    async fn section(&mut self, ctx: &mut Ctx<'_>, row: &Row<Class>) -> anyhow::Result<()> {
        let Some((school, course, year)) = self.class_context(ctx, row) else { return Ok(()) };
        let Some(place) = self.section_place(ctx, row, &course) else { return Ok(()) };
        let existing = self.sections.get(&row.sourced_id).cloned();
        if existing.as_ref().is_some_and(|old| old.subject_id != place.subject || old.class_id != place.class) {
            // Assessment columns are cached with their section's subject for the life of
            // a server; a section keeps its subject and class.
            ctx.problem(rule(
                row,
                "courseSourcedId",
                "lớp học phần đã có không đổi được môn học hay lớp chủ nhiệm",
                "an existing section cannot change its subject or homeroom class",
            ));
            return Ok(());
        }
        let id = match &existing {
            Some(existing) => existing.id,
            None => ctx.store.next_id("section").await?,
        };
        let model = section::Model {
            id,
            external_id: row.sourced_id.clone(),
            school_id: school,
            class_id: place.class,
            subject_id: place.subject,
            school_year_id: year,
            periods_per_year: place.periods,
            course_id: Some(course.id),
        };
        ctx.store.write::<section::Entity>(existing.as_ref(), &model).await?;
        self.sections.insert(row.sourced_id.clone(), model);
        Ok(())
    }

    /// A section's subject (its course's), homeroom class and periods per year; `None`
    /// (problem recorded) when one is missing or wrong.
    fn section_place(&self, ctx: &mut Ctx<'_>, row: &Row<Class>, course: &course::Model) -> Option<SectionPlace> {
        let Some(subject) = course.subject_id else {
            ctx.problem(rule(
                row,
                "courseSourcedId",
                "lớp học phần cần một khoá học có môn học (subjectCodes)",
                "a scheduled class needs a course with a subject (subjectCodes)",
            ));
            return None;
        };
        let Some(homeroom) = &row.record.homeroom_class else {
            ctx.problem(rule(
                row,
                "metadata.vn.homeroomClassSourcedId",
                "lớp học phần cần lớp chủ nhiệm mà nó dạy",
                "a scheduled class needs the homeroom class it teaches",
            ));
            return None;
        };
        let Some(class) = self.classes.get(homeroom).map(|class| class.id) else {
            ctx.problem(unknown(row, "metadata.vn.homeroomClassSourcedId", FileKind::Classes, homeroom));
            return None;
        };
        let periods = match row.record.periods_per_year.map(i32::try_from) {
            Some(Ok(periods)) if periods > 0 => periods,
            Some(_) => {
                ctx.problem(rule(
                    row,
                    "metadata.vn.periodsPerYear",
                    "số tiết mỗi năm phải là số dương",
                    "periods per year must be a positive number",
                ));
                return None;
            }
            None => DEFAULT_PERIODS_PER_YEAR,
        };
        Some(SectionPlace { subject, class, periods })
    }

    /// A class's school (an org of kind school), course and school year (from its terms: a
    /// school year, or a semester's year).
    fn class_context(&self, ctx: &mut Ctx<'_>, row: &Row<Class>) -> Option<(i64, course::Model, i64)> {
        let school = match self.orgs.get(&row.record.school) {
            Some(school) if school.kind == OrgKind::School.as_str() => school.id,
            Some(_) => {
                ctx.problem(rule(
                    row,
                    "schoolSourcedId",
                    "tổ chức này không phải là trường",
                    "this organisation is not a school",
                ));
                return None;
            }
            None => {
                ctx.problem(unknown(row, "schoolSourcedId", FileKind::Orgs, &row.record.school));
                return None;
            }
        };
        let Some(course) = self.courses.get(&row.record.course).cloned() else {
            ctx.problem(unknown(row, "courseSourcedId", FileKind::Courses, &row.record.course));
            return None;
        };
        let mut year = None;
        for term in &row.record.terms {
            let found = self
                .years
                .get(term)
                .map(|year| year.id)
                .or_else(|| self.semesters.get(term).map(|semester| semester.school_year_id));
            match found {
                Some(found) => year = year.or(Some(found)),
                None => {
                    ctx.problem(unknown(row, "termSourcedIds", FileKind::AcademicSessions, term));
                    return None;
                }
            }
        }
        let Some(year) = year else {
            ctx.problem(rule(
                row,
                "termSourcedIds",
                "lớp cần năm học hoặc học kỳ",
                "a class needs its school year or semester",
            ));
            return None;
        };
        Some((school, course, year))
    }
}
