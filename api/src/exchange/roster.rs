//! The structure a package describes: organisations (`orgs.csv`: state → department,
//! district → district office, local → commune office, school → school, with dated parent
//! links), school years and semesters (`academicSessions.csv`), courses and the subjects they
//! teach (`courses.csv`), homeroom classes and sections (`classes.csv`: `homeroom` and
//! `scheduled`). Each is matched to the database by exchange identifier (school years and
//! semesters also by name and number, so a package can describe a year EMIS already has).

use super::import::{Ctx, rule, skipped, unknown};
use anyhow::Context as _;
use chrono::NaiveDate;
use emis_oneroster::records::{AcademicSession, Class, ClassType, Course, Org, OrgType, SessionType};
use emis_oneroster::{FileKind, Package, Row, Status};
use entity::{
    AssessmentMode, OrgKind, course, homeroom_class, org, org_parent, school_year, section, semester, subject,
};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use std::collections::HashMap;

/// Periods per year of a section whose class gives none (two a week for 35 weeks).
const DEFAULT_PERIODS_PER_YEAR: i32 = 70;

/// What the people's files refer to, by exchange identifier.
#[derive(Default)]
pub struct Roster {
    pub orgs: HashMap<String, org::Model>,
    pub years: HashMap<String, school_year::Model>,
    pub semesters: HashMap<String, semester::Model>,
    pub courses: HashMap<String, course::Model>,
    pub classes: HashMap<String, homeroom_class::Model>,
    pub sections: HashMap<String, section::Model>,
    /// Every school year by id, for the start of a class's year.
    pub years_by_id: HashMap<i64, school_year::Model>,
}

/// The rows of `E` that have an exchange identifier, by it.
async fn by_external_id<E>(
    ctx: &Ctx<'_>,
    key: impl Fn(&E::Model) -> Option<&str>,
) -> anyhow::Result<HashMap<String, E::Model>>
where
    E: sea_orm::EntityTrait,
{
    let rows = E::find().all(ctx.store.txn).await.with_context(|| format!("reading {}", E::default().table_name()))?;
    Ok(rows.into_iter().filter_map(|row| Some((key(&row)?.to_owned(), row))).collect())
}

impl Roster {
    /// Reads and writes the structure files.
    pub async fn import(ctx: &mut Ctx<'_>, package: &Package) -> anyhow::Result<Roster> {
        let mut roster = Roster {
            orgs: by_external_id::<org::Entity>(ctx, |row| Some(&row.external_id)).await?,
            years: by_external_id::<school_year::Entity>(ctx, |row| row.external_id.as_deref()).await?,
            semesters: by_external_id::<semester::Entity>(ctx, |row| row.external_id.as_deref()).await?,
            courses: by_external_id::<course::Entity>(ctx, |row| Some(&row.external_id)).await?,
            classes: by_external_id::<homeroom_class::Entity>(ctx, |row| Some(&row.external_id)).await?,
            sections: by_external_id::<section::Entity>(ctx, |row| Some(&row.external_id)).await?,
            years_by_id: HashMap::new(),
        };
        roster.orgs(ctx, package).await?;
        roster.sessions(ctx, package).await?;
        roster.courses(ctx, package).await?;
        roster.classes(ctx, package).await?;
        Ok(roster)
    }

    async fn orgs(&mut self, ctx: &mut Ctx<'_>, package: &Package) -> anyhow::Result<()> {
        let rows = ctx.rows::<Org>(package)?;
        let mut mapped = Vec::new();
        for row in &rows {
            if row.status == Status::ToBeDeleted {
                ctx.problem(skipped(
                    row,
                    "status",
                    "tổ chức không bị xoá khi nhập dữ liệu; dòng được bỏ qua",
                    "an import does not remove organisations; the row was left out",
                ));
                continue;
            }
            let kind = match row.record.kind {
                OrgType::State => OrgKind::Department,
                OrgType::District => OrgKind::DistrictOffice,
                OrgType::Local => OrgKind::CommuneOffice,
                OrgType::School => OrgKind::School,
                OrgType::Department | OrgType::National => {
                    ctx.problem(rule(
                        row,
                        "type",
                        "EMIS dùng các loại state (Sở), district (Phòng), local (cấp xã) và school (trường)",
                        "EMIS takes the types state (department), district (district office), local (commune office) and school",
                    ));
                    continue;
                }
            };
            if kind == OrgKind::School && row.record.school_level.is_none() {
                ctx.problem(rule(
                    row,
                    "metadata.vn.schoolLevel",
                    "trường cần cấp học (TH, THCS hoặc THPT)",
                    "a school needs its level (TH, THCS or THPT)",
                ));
                continue;
            }
            let existing = self.orgs.get(&row.sourced_id);
            let id = match existing {
                Some(existing) => existing.id,
                None => ctx.store.next_id("org").await?,
            };
            let model = org::Model {
                id,
                external_id: row.sourced_id.clone(),
                kind: kind.as_str().to_owned(),
                name: row.record.name.clone(),
                school_level: row.record.school_level.map(|level| level.as_str().to_owned()),
                // A row without an identifier does not remove the stored one.
                sector_code: row.record.identifier.clone().or_else(|| existing.and_then(|old| old.sector_code.clone())),
            };
            ctx.store.write::<org::Entity>(existing, &model).await?;
            self.orgs.insert(row.sourced_id.clone(), model);
            mapped.push(row);
        }
        // Parents may come after their children in the file.
        for row in mapped {
            let Some(parent) = &row.record.parent else { continue };
            let Some(parent) = self.orgs.get(parent).map(|parent| parent.id) else {
                ctx.problem(unknown(row, "parentSourcedId", FileKind::Orgs, parent));
                continue;
            };
            let child = self.orgs[&row.sourced_id].id;
            let since = row.record.parent_since.unwrap_or(ctx.today);
            link_parent(ctx, child, parent, since).await?;
        }
        Ok(())
    }

    async fn sessions(&mut self, ctx: &mut Ctx<'_>, package: &Package) -> anyhow::Result<()> {
        let rows = ctx.rows::<AcademicSession>(package)?;
        let years = school_year::Entity::find().all(ctx.store.txn).await.context("reading school_year")?;
        let mut by_name: HashMap<String, school_year::Model> =
            years.iter().map(|year| (year.name.clone(), year.clone())).collect();
        self.years_by_id = years.into_iter().map(|year| (year.id, year)).collect();
        for row in rows.iter().filter(|row| row.record.kind == SessionType::SchoolYear) {
            if !self.dates_in_order(ctx, row) {
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
        let existing_semesters = semester::Entity::find().all(ctx.store.txn).await.context("reading semester")?;
        let mut semesters = rows.iter().filter(|row| row.record.kind == SessionType::Semester).collect::<Vec<_>>();
        semesters.sort_by_key(|row| row.record.start);
        let mut numbered: HashMap<i64, i16> = HashMap::new();
        for row in semesters {
            if !self.dates_in_order(ctx, row) {
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

    fn dates_in_order(&self, ctx: &mut Ctx<'_>, row: &Row<AcademicSession>) -> bool {
        if row.record.start <= row.record.end {
            return true;
        }
        ctx.problem(rule(row, "endDate", "ngày kết thúc trước ngày bắt đầu", "the end date is before the start date"));
        false
    }

    async fn courses(&mut self, ctx: &mut Ctx<'_>, package: &Package) -> anyhow::Result<()> {
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

    async fn classes(&mut self, ctx: &mut Ctx<'_>, package: &Package) -> anyhow::Result<()> {
        let rows = ctx.rows::<Class>(package)?;
        // Homeroom classes first: sections name theirs.
        for row in rows.iter().filter(|row| row.record.kind == ClassType::Homeroom) {
            let Some((school, course, year)) = self.class_context(ctx, row) else { continue };
            let grade_level = match grade(ctx, row, "grades", row.record.grades.first()) {
                Some(Some(level)) => level,
                Some(None) => match course.grade_level {
                    Some(level) => level,
                    None => {
                        ctx.problem(rule(
                            row,
                            "grades",
                            "lớp chủ nhiệm cần khối lớp",
                            "a homeroom class needs its grade",
                        ));
                        continue;
                    }
                },
                None => continue,
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
        }
        for row in rows.iter().filter(|row| row.record.kind == ClassType::Scheduled) {
            let Some((school, course, year)) = self.class_context(ctx, row) else { continue };
            let Some(subject) = course.subject_id else {
                ctx.problem(rule(
                    row,
                    "courseSourcedId",
                    "lớp học phần cần một khoá học có môn học (subjectCodes)",
                    "a scheduled class needs a course with a subject (subjectCodes)",
                ));
                continue;
            };
            let Some(homeroom) = &row.record.homeroom_class else {
                ctx.problem(rule(
                    row,
                    "metadata.vn.homeroomClassSourcedId",
                    "lớp học phần cần lớp chủ nhiệm mà nó dạy",
                    "a scheduled class needs the homeroom class it teaches",
                ));
                continue;
            };
            let Some(class) = self.classes.get(homeroom).map(|class| class.id) else {
                ctx.problem(unknown(row, "metadata.vn.homeroomClassSourcedId", FileKind::Classes, homeroom));
                continue;
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
                    continue;
                }
                None => DEFAULT_PERIODS_PER_YEAR,
            };
            let existing = self.sections.get(&row.sourced_id).cloned();
            if existing.as_ref().is_some_and(|old| old.subject_id != subject || old.class_id != class) {
                // Assessment columns are cached with their section's subject for the life of
                // a server; a section keeps its subject and class.
                ctx.problem(rule(
                    row,
                    "courseSourcedId",
                    "lớp học phần đã có không đổi được môn học hay lớp chủ nhiệm",
                    "an existing section cannot change its subject or homeroom class",
                ));
                continue;
            }
            let id = match &existing {
                Some(existing) => existing.id,
                None => ctx.store.next_id("section").await?,
            };
            let model = section::Model {
                id,
                external_id: row.sourced_id.clone(),
                school_id: school,
                class_id: class,
                subject_id: subject,
                school_year_id: year,
                periods_per_year: periods,
                course_id: Some(course.id),
            };
            ctx.store.write::<section::Entity>(existing.as_ref(), &model).await?;
            self.sections.insert(row.sourced_id.clone(), model);
        }
        Ok(())
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

    /// The first day of school year `id`.
    pub fn year_start(&self, id: i64) -> Option<NaiveDate> {
        self.years_by_id.get(&id).map(|year| year.starts_on)
    }
}

/// A grade code (`01`–`12`, or `KG`…) as a grade level: `Ok(None)` on failure (problem
/// recorded), `Ok(Some(None))` when there is none.
fn grade<T: emis_oneroster::Record>(
    ctx: &mut Ctx<'_>,
    row: &Row<T>,
    column: &str,
    code: Option<&String>,
) -> Option<Option<i16>> {
    let Some(code) = code else { return Some(None) };
    match code.parse::<i16>() {
        Ok(level) if (1..=12).contains(&level) => Some(Some(level)),
        _ => {
            ctx.problem(rule(
                row,
                column,
                &format!("\"{code}\" không phải là khối lớp 01–12"),
                &format!("\"{code}\" is not a grade from 01 to 12"),
            ));
            None
        }
    }
}

/// The subject of code `code`, created from the course when EMIS does not have it yet.
async fn subject_for(
    ctx: &mut Ctx<'_>,
    subjects: &mut HashMap<String, subject::Model>,
    row: &Row<Course>,
    code: &str,
) -> anyhow::Result<i64> {
    if let Some(subject) = subjects.get(code) {
        return Ok(subject.id);
    }
    let id = ctx.store.next_id("subject").await?;
    let name = row.record.subjects.first().cloned().unwrap_or_else(|| row.record.title.clone());
    let model = subject::Model {
        id,
        code: code.to_owned(),
        name,
        assessment: row.record.assessment.unwrap_or(AssessmentMode::Scored).as_str().to_owned(),
        sort_order: row
            .record
            .sort_order
            .and_then(|order| i32::try_from(order).ok())
            .unwrap_or_else(|| i32::try_from(subjects.len() + 1).unwrap_or(i32::MAX)),
    };
    ctx.store.insert::<subject::Entity>(vec![model.clone()]).await?;
    subjects.insert(code.to_owned(), model);
    Ok(id)
}

/// Makes `parent` the current parent of `child` from `since`, closing a different current link
/// the day before.
async fn link_parent(ctx: &mut Ctx<'_>, child: i64, parent: i64, since: NaiveDate) -> anyhow::Result<()> {
    let current = org_parent::Entity::find()
        .filter(org_parent::Column::OrgId.eq(child))
        .filter(org_parent::Column::ValidTo.is_null())
        .all(ctx.store.txn)
        .await
        .context("reading org_parent")?;
    if current.iter().any(|link| link.parent_id == parent) {
        return Ok(());
    }
    for mut link in current {
        link.valid_to = Some(since.pred_opt().unwrap_or(since).max(link.valid_from));
        ctx.store.end::<org_parent::Entity>(link).await?;
    }
    let id = ctx.store.next_id("org_parent").await?;
    let link = org_parent::Model { id, org_id: child, parent_id: parent, valid_from: since, valid_to: None };
    ctx.store.insert::<org_parent::Entity>(vec![link]).await
}
