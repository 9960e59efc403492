//! One school's teaching for 2026-2027: its staff, classes and sections, and who teaches
//! what — subject teachers with 2–4 sections across classes, one homeroom teacher per class
//! who also teaches it, and a teacher who left mid-semester and was replaced.

use super::allocation::{Load, allocate};
use super::orgs::{Base, School};
use super::person::Ctx;
use super::report::DemoAccount;
use super::staff::{self, Hire, Usernames};
use super::vocab::SUBJECTS;
use super::{DEMO_PASSWORD, SeedOptions, date};
use crate::books::year::curriculum;
use chrono::NaiveDate;
use entity::{AssessmentMode, StaffStatus, TeachingKind};
use entity::{homeroom_class, section, teaching_assignment};

/// The first day of 2026-2027.
pub const YEAR_START: NaiveDate = date(2026, 9, 5);
/// The last day of the teacher who left, and the first of the replacement.
const LEFT_ON: NaiveDate = date(2026, 10, 31);
const REPLACED_ON: NaiveDate = date(2026, 11, 2);

/// A class as planned: its sections in curriculum order.
pub struct ClassPlan {
    pub id: i64,
    pub grade: i16,
    pub name: String,
    pub sections: Vec<SectionPlan>,
}

/// One section of a class.
pub struct SectionPlan {
    pub id: i64,
    pub code: &'static str,
    pub mode: AssessmentMode,
    pub periods: i32,
}

/// Creates the school's staff, classes, sections and assignments.
pub fn school(ctx: &mut Ctx, base: &Base, school: &School, opts: &SeedOptions) -> anyhow::Result<Vec<ClassPlan>> {
    let mut usernames = Usernames::new(school);
    staff::admins(ctx, school, &mut usernames)?;
    let classes = classes(ctx, base, school, opts)?;
    let loads = allocate(ctx, school.level, &classes);
    hire_teachers(ctx, school, &classes, &loads, &mut usernames)?;
    Ok(classes)
}

fn classes(ctx: &mut Ctx, base: &Base, school: &School, opts: &SeedOptions) -> anyhow::Result<Vec<ClassPlan>> {
    let mut classes = Vec::new();
    for grade in opts.grades(school.level) {
        for number in 1..=opts.classes_per_grade {
            let id = ctx.next_id("homeroom_class");
            let name = format!("{grade}A{number}");
            let external_id = format!("{}-2627-{name}", school.sector_code);
            let sections = sections(ctx, base, school, (id, &external_id), grade)?;
            ctx.rows.classes.push(homeroom_class::Model {
                id,
                course_id: None,
                external_id,
                school_id: school.id,
                school_year_id: base.year_id,
                grade_level: grade,
                name: name.clone(),
            });
            classes.push(ClassPlan { id, grade, name, sections });
        }
    }
    Ok(classes)
}

fn sections(
    ctx: &mut Ctx,
    base: &Base,
    school: &School,
    (class_id, class_ext): (i64, &str),
    grade: i16,
) -> anyhow::Result<Vec<SectionPlan>> {
    let mut plans = Vec::new();
    for (code, periods) in curriculum(school.level, grade) {
        let (subject_id, mode) = *base.subjects.get(code).ok_or_else(|| anyhow::anyhow!("unknown subject {code}"))?;
        let id = ctx.next_id("section");
        ctx.rows.sections.push(section::Model {
            id,
            course_id: None,
            external_id: format!("{class_ext}-{code}"),
            school_id: school.id,
            class_id,
            subject_id,
            school_year_id: base.year_id,
            periods_per_year: periods,
        });
        plans.push(SectionPlan { id, code, mode, periods });
    }
    Ok(plans)
}

/// Hires a teacher per load and records the assignments; the last load's first section had
/// a teacher who left on 2026-10-31 and whose replacement started on 2026-11-02.
fn hire_teachers(
    ctx: &mut Ctx,
    school: &School,
    classes: &[ClassPlan],
    loads: &[Load],
    usernames: &mut Usernames,
) -> anyhow::Result<()> {
    let demo_names = demo_names(school, loads)?;
    let replaced = loads.last().and_then(|load| load.sections.first().copied());
    for (index, load) in loads.iter().enumerate() {
        let demo_name = demo_names.iter().find(|(at, _)| *at == index).map(|(_, name)| name.clone());
        let username = match (&demo_name, school.is_demo) {
            (Some(name), false) => name.clone(),
            _ => usernames.next(demo_name.as_deref()),
        };
        let hired = staff::add(ctx, Hire::active(school.id, username))?;
        assign_load(ctx, (school.id, hired.id), classes, load, replaced);
        if let Some(name) = demo_name {
            let account = teacher_account(school, classes, load, &name, &hired.full_name);
            ctx.add_account(account);
        }
    }
    if let Some((ci, si)) = replaced {
        let hire = Hire {
            org_id: school.id,
            username: usernames.next(None),
            status: StaffStatus::Left,
            status_since: Some(LEFT_ON),
        };
        let left = staff::add(ctx, hire)?;
        let place = Place::Section(classes[ci].sections[si].id);
        assign(ctx, (school.id, left.id), place, (YEAR_START, LEFT_ON.pred_opt()));
    }
    Ok(())
}

/// The assignments of one load, from the start of the year (or from the replacement day).
fn assign_load(
    ctx: &mut Ctx,
    (school_id, staff_id): (i64, i64),
    classes: &[ClassPlan],
    load: &Load,
    replaced: Option<(usize, usize)>,
) {
    if let Some(ci) = load.homeroom {
        let place = Place::Class(classes[ci].id);
        assign(ctx, (school_id, staff_id), place, (YEAR_START, None));
    }
    for &(ci, si) in &load.sections {
        let starts_on = if Some((ci, si)) == replaced { REPLACED_ON } else { YEAR_START };
        let place = Place::Section(classes[ci].sections[si].id);
        assign(ctx, (school_id, staff_id), place, (starts_on, None));
    }
}

/// Which loads the demo accounts `gvcn` (homeroom of the first class) and `gvbm` (Toán in two
/// classes, homeroom of none) take; in the first TH school, `gvcn.th` (homeroom of the first
/// class).
fn demo_names(school: &School, loads: &[Load]) -> anyhow::Result<Vec<(usize, String)>> {
    if school.demo_suffix == Some(".th") {
        let gvcn = loads.iter().position(|load| load.homeroom == Some(0));
        return Ok(gvcn.map(|at| (at, "gvcn.th".to_owned())).into_iter().collect());
    }
    if !school.is_demo {
        return Ok(Vec::new());
    }
    let gvcn = loads.iter().position(|load| load.homeroom == Some(0));
    let gvbm =
        loads.iter().position(|load| load.homeroom.is_none() && load.subject == "toan" && load.sections.len() >= 2);
    match (gvcn, gvbm) {
        (Some(gvcn), Some(gvbm)) => Ok(vec![(gvcn, "gvcn".to_owned()), (gvbm, "gvbm".to_owned())]),
        _ => anyhow::bail!("{} has no teacher for the gvcn or gvbm demo account", school.name),
    }
}

#[derive(Clone, Copy)]
enum Place {
    Class(i64),
    Section(i64),
}

fn assign(
    ctx: &mut Ctx,
    (school_id, staff_id): (i64, i64),
    place: Place,
    (starts_on, ends_on): (NaiveDate, Option<NaiveDate>),
) {
    let id = ctx.next_id("teaching_assignment");
    let (kind, section_id, class_id) = match place {
        Place::Class(class) => (TeachingKind::Homeroom, None, Some(class)),
        Place::Section(section) => (TeachingKind::Subject, Some(section), None),
    };
    ctx.rows.assignments.push(teaching_assignment::Model {
        id,
        external_id: None,
        school_id,
        staff_id,
        kind: kind.as_str().to_owned(),
        section_id,
        class_id,
        starts_on,
        ends_on,
        is_primary: None,
    });
}

fn teacher_account(
    school: &School,
    classes: &[ClassPlan],
    load: &Load,
    username: &str,
    full_name: &str,
) -> DemoAccount {
    let subject = SUBJECTS.iter().find(|def| def.code == load.subject).map_or(load.subject, |def| def.name);
    let mut taught: Vec<usize> = load.sections.iter().map(|(ci, _)| *ci).collect();
    taught.sort_unstable();
    // A class is named once, however many of its sections the teacher has.
    taught.dedup();
    let taught: Vec<&str> = taught.into_iter().map(|ci| classes[ci].name.as_str()).collect();
    let taught = taught.join(", ");
    let (role, en, vi) = match load.homeroom {
        Some(ci) => (
            "homeroom_teacher",
            format!("Homeroom teacher of {} who also teaches {subject} in {taught}", classes[ci].name),
            format!("Giáo viên chủ nhiệm lớp {}, dạy {subject} lớp {taught}", classes[ci].name),
        ),
        None => (
            "subject_teacher",
            format!("Subject teacher of {subject} in {taught}, homeroom of no class"),
            format!("Giáo viên bộ môn {subject} lớp {taught}, không chủ nhiệm"),
        ),
    };
    DemoAccount {
        role,
        username: username.to_owned(),
        phone: None,
        password: DEMO_PASSWORD,
        description_en: format!("{en}, {}: {full_name}", school.name),
        description_vi: format!("{vi}, {}: {full_name}", school.name),
    }
}
