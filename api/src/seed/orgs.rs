//! The fixed frame of the demo: the department, the district office abolished in the 2025
//! reform and the commune office that replaced it (dated parent links), the schools, the
//! school years 2025-2026 and 2026-2027 with their semesters, the subject list, and the
//! officers and operator who work above the schools.

use super::person::Ctx;
use super::report::DemoAccount;
use super::staff::{self, Hire};
use super::vocab::{PRIMARY_SCHOOLS, SECONDARY_SCHOOLS, SUBJECTS};
use super::{DEMO_PASSWORD, SeedOptions, date};
use crate::text::fold;
use chrono::NaiveDate;
use entity::{AssessmentMode, OrgKind, RoleKind, SchoolLevel};
use entity::{org, org_parent, school_year, semester, subject};
use std::collections::{BTreeMap, BTreeSet};

const DEPARTMENT: &str = "Sở Giáo dục và Đào tạo Thành phố Hồ Chí Minh";
const DISTRICT_OFFICE: &str = "Phòng Giáo dục và Đào tạo Quận 3";
const COMMUNE_OFFICE: &str = "Phòng Văn hóa - Xã hội Phường Xuân Hòa";

/// The last day of the district offices.
const REFORM_END: NaiveDate = date(2025, 6, 30);
/// The first day of the commune offices.
const REFORM_START: NaiveDate = date(2025, 7, 1);

/// A school of the demo.
pub struct School {
    pub id: i64,
    pub level: SchoolLevel,
    pub name: String,
    /// Short name for usernames, e.g. `lnh` for Lê Ngọc Hân.
    pub short: String,
    pub sector_code: String,
    /// The first THCS school, where the demo accounts work.
    pub is_demo: bool,
    /// The suffix of the few demo accounts of another school: `.th` for the first TH school
    /// (its principal `hieutruong.th` and homeroom teacher `gvcn.th`), `2` for the second
    /// THCS school (its principal `hieutruong2`, who admits a student the demo school
    /// releases).
    pub demo_suffix: Option<&'static str>,
}

/// The frame every school refers to.
pub struct Base {
    pub schools: Vec<School>,
    /// The current school year, 2026-2027.
    pub year_id: i64,
    /// Its first semester, the one with results.
    pub semester_id: i64,
    /// Subject id and assessment mode by code.
    pub subjects: BTreeMap<&'static str, (i64, AssessmentMode)>,
}

/// An officer above the schools, with the demo account that is them.
struct Officer {
    kind: RoleKind,
    username: &'static str,
    en: &'static str,
    vi: &'static str,
}

const DISTRICT_OFFICER: Officer = Officer {
    kind: RoleKind::DistrictOfficer,
    username: "canbo",
    en: "Education officer at the commune office (formerly the district office)",
    vi: "Cán bộ quản lý giáo dục, Phòng Văn hóa - Xã hội Phường Xuân Hòa",
};

const OPERATOR: Officer = Officer {
    kind: RoleKind::Operator,
    username: "vanhanh",
    en: "System operator at the department",
    vi: "Cán bộ vận hành hệ thống, Sở GDĐT",
};

/// Creates the frame; its rows are queued in `ctx`.
pub fn base(ctx: &mut Ctx, opts: &SeedOptions) -> anyhow::Result<Base> {
    let department = add_org(ctx, OrgKind::Department, DEPARTMENT, "SGD79", None);
    let district = add_org(ctx, OrgKind::DistrictOffice, DISTRICT_OFFICE, "PGD79760", None);
    let commune = add_org(ctx, OrgKind::CommuneOffice, COMMUNE_OFFICE, "VHXH26734", None);
    link(ctx, district, department, (date(2000, 1, 1), Some(REFORM_END)));
    link(ctx, commune, department, (REFORM_START, None));
    let schools = schools(ctx, opts, district, commune);
    officer(ctx, commune, &DISTRICT_OFFICER)?;
    officer(ctx, department, &OPERATOR)?;
    let (year_id, semester_id) = years(ctx);
    let subjects = subjects(ctx);
    Ok(Base { schools, year_id, semester_id, subjects })
}

fn add_org(ctx: &mut Ctx, kind: OrgKind, name: &str, external_id: &str, level: Option<SchoolLevel>) -> i64 {
    let id = ctx.next_id("org");
    let sector_code = level.map(|_| external_id.to_owned());
    ctx.rows.orgs.push(org::Model {
        id,
        external_id: external_id.to_owned(),
        kind: kind.as_str().to_owned(),
        name: name.to_owned(),
        school_level: level.map(|level| level.as_str().to_owned()),
        sector_code,
    });
    id
}

fn link(ctx: &mut Ctx, org_id: i64, parent_id: i64, (valid_from, valid_to): (NaiveDate, Option<NaiveDate>)) {
    let id = ctx.next_id("org_parent");
    ctx.rows.org_parents.push(org_parent::Model { id, org_id, parent_id, valid_from, valid_to });
}

/// Schools alternate TH and THCS; each answered to the district office until the reform and
/// to the commune office since.
fn schools(ctx: &mut Ctx, opts: &SeedOptions, district: i64, commune: i64) -> Vec<School> {
    let mut shorts = BTreeSet::new();
    let mut schools = Vec::with_capacity(opts.schools);
    for index in 0..opts.schools {
        let level = SeedOptions::level(index);
        let (prefix, names) = match level {
            SchoolLevel::Th => ("Trường Tiểu học", PRIMARY_SCHOOLS),
            _ => ("Trường THCS", SECONDARY_SCHOOLS),
        };
        let round = index / (2 * names.len());
        let base_name = names[(index / 2) % names.len()];
        let patron = if round == 0 { base_name.to_owned() } else { format!("{base_name} {}", round + 1) };
        let mut short = initials(&patron);
        if !shorts.insert(short.clone()) {
            short = format!("{short}{}", index + 1);
            shorts.insert(short.clone());
        }
        let name = format!("{prefix} {patron}");
        let sector_code = format!("797604{:02}", index + 1);
        let id = add_org(ctx, OrgKind::School, &name, &sector_code, Some(level));
        link(ctx, id, district, (date(2000, 1, 1), Some(REFORM_END)));
        link(ctx, id, commune, (REFORM_START, None));
        let demo_suffix = match index {
            0 => Some(".th"),
            3 => Some("2"),
            _ => None,
        };
        schools.push(School { id, level, name, short, sector_code, is_demo: index == 1, demo_suffix });
    }
    schools
}

/// `lnh` for "Lê Ngọc Hân"; a one-word name stays whole ("colette").
fn initials(name: &str) -> String {
    let folded = fold(name);
    let words: Vec<&str> = folded.split(' ').filter(|word| !word.is_empty()).collect();
    if words.len() == 1 {
        return words[0].to_owned();
    }
    words.iter().filter_map(|word| word.chars().next()).filter(char::is_ascii_alphanumeric).collect()
}

fn officer(ctx: &mut Ctx, org_id: i64, officer: &Officer) -> anyhow::Result<()> {
    let hired = staff::add(ctx, Hire::active(org_id, officer.username.to_owned()))?;
    staff::role(ctx, hired.id, org_id, officer.kind, (REFORM_START, None));
    ctx.add_account(DemoAccount {
        role: officer.kind.as_str(),
        username: officer.username.to_owned(),
        phone: None,
        password: DEMO_PASSWORD,
        description_en: format!("{}: {}", officer.en, hired.full_name),
        description_vi: format!("{}: {}", officer.vi, hired.full_name),
    });
    Ok(())
}

/// 2025-2026 (past, no classes) and 2026-2027 (current); returns the current year's id and
/// its first semester's id.
fn years(ctx: &mut Ctx) -> (i64, i64) {
    let spans = [
        ("2025-2026", [(date(2025, 9, 5), date(2026, 1, 15)), (date(2026, 1, 19), date(2026, 5, 31))]),
        ("2026-2027", [(date(2026, 9, 5), date(2027, 1, 15)), (date(2027, 1, 18), date(2027, 5, 31))]),
    ];
    let mut current = (0, 0);
    for (name, semesters) in spans {
        let year_id = ctx.next_id("school_year");
        let (starts_on, ends_on) = (semesters[0].0, semesters[1].1);
        ctx.rows.school_years.push(school_year::Model {
            id: year_id,
            external_id: None,
            name: name.to_owned(),
            starts_on,
            ends_on,
        });
        for (number, (starts_on, ends_on)) in (1..).zip(semesters) {
            let id = ctx.next_id("semester");
            ctx.rows.semesters.push(semester::Model {
                id,
                external_id: None,
                school_year_id: year_id,
                number,
                starts_on,
                ends_on,
            });
            if number == 1 {
                current = (year_id, id);
            }
        }
    }
    current
}

fn subjects(ctx: &mut Ctx) -> BTreeMap<&'static str, (i64, AssessmentMode)> {
    let mut by_code = BTreeMap::new();
    for (order, def) in (1..).zip(SUBJECTS) {
        let id = ctx.next_id("subject");
        ctx.rows.subjects.push(subject::Model {
            id,
            code: def.code.to_owned(),
            name: def.name.to_owned(),
            assessment: def.mode.as_str().to_owned(),
            sort_order: order * 10,
        });
        by_code.insert(def.code, (id, def.mode));
    }
    by_code
}
