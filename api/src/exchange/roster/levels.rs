//! A school's level when `orgs.csv` gives none: from its name (`Trường Tiểu học…` → TH),
//! else from the grades its courses and classes teach (read ahead from `courses.csv` and
//! `classes.csv`), when they all belong to one level. Either is a warning, counted as a
//! mapping.

use crate::exchange::import::Ctx;
use anyhow::Context as _;
use emis_oneroster::records::{Class, Course, Org, OrgType};
use emis_oneroster::vocabulary::tables::school_level_in_name;
use emis_oneroster::{Package, Reason, Row, read_file};
use entity::SchoolLevel;
use std::collections::{BTreeSet, HashMap};

/// The grades each organisation's courses and classes teach, by the organisation's
/// `sourcedId`; empty when every school of `rows` states its level. The files' problems are
/// reported when they are read in their turn.
pub(super) fn grades_by_school(package: &Package, rows: &[Row<Org>]) -> anyhow::Result<HashMap<String, BTreeSet<i16>>> {
    let mut grades: HashMap<String, BTreeSet<i16>> = HashMap::new();
    if rows.iter().all(|row| row.record.kind != OrgType::School || row.record.school_level.is_some()) {
        return Ok(grades);
    }
    let mut add = |org: &str, codes: &[String]| {
        let levels = codes.iter().filter_map(|code| code.parse::<i16>().ok()).filter(|grade| (1..=12).contains(grade));
        grades.entry(org.to_owned()).or_default().extend(levels);
    };
    let mut ignored = Vec::new();
    read_file::<Course>(package, &mut ignored, |row| add(&row.record.org, &row.record.grades))
        .context("reading courses.csv ahead")?;
    read_file::<Class>(package, &mut ignored, |row| add(&row.record.school, &row.record.grades))
        .context("reading classes.csv ahead")?;
    Ok(grades)
}

/// The level of the school of `row`, which gives none: from its name, else its `grades`;
/// `None` when neither tells one level.
pub(super) fn inferred_level(
    ctx: &mut Ctx<'_>,
    row: &Row<Org>,
    grades: &HashMap<String, BTreeSet<i16>>,
) -> Option<SchoolLevel> {
    if let Some(level) = school_level_in_name(&row.record.name) {
        ctx.problem(row.problem("name", Reason::Mapped { value: row.record.name.clone(), canonical: level }));
        return level.parse().ok();
    }
    let taught = grades.get(&row.sourced_id).filter(|taught| !taught.is_empty())?;
    let level = *SchoolLevel::ALL.iter().find(|level| taught.iter().all(|grade| level.grades().contains(grade)))?;
    let listed: Vec<String> = taught.iter().map(i16::to_string).collect();
    let value = format!("grades {}", listed.join(", "));
    ctx.problem(row.problem("metadata.vn.schoolLevel", Reason::Mapped { value, canonical: level.as_str() }));
    Some(level)
}
