//! The structure a package describes: organisations (`orgs.csv`: state → department,
//! district → district office, local → commune office, school → school, with dated parent
//! links), school years and semesters (`academicSessions.csv`), courses and the subjects they
//! teach (`courses.csv`), homeroom classes and sections (`classes.csv`: `homeroom` and
//! `scheduled`). Each is matched to the database by exchange identifier (school years and
//! semesters also by name and number, so a package can describe a year EMIS already has).
//!
//! Here: what is known by exchange identifier, and the order of the files; each file is
//! written by its module (`orgs.rs`, `sessions.rs`, `courses.rs`, `classes.rs`).

mod classes;
mod courses;
mod levels;
mod orgs;
mod sessions;

use super::import::{Ctx, by_external_id, rule};
use chrono::NaiveDate;
use emis_oneroster::{Package, Row};
use entity::{course, homeroom_class, org, school_year, section, semester};
use std::collections::HashMap;

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

impl Roster {
    /// Reads and writes the structure files.
    pub async fn import(ctx: &mut Ctx<'_>, package: &Package) -> anyhow::Result<Roster> {
        let mut roster = Roster {
            orgs: by_external_id::<org::Entity>(ctx, org::Column::ExternalId, |row| Some(&row.external_id)).await?,
            years: by_external_id::<school_year::Entity>(ctx, school_year::Column::ExternalId, |row| {
                row.external_id.as_deref()
            })
            .await?,
            semesters: by_external_id::<semester::Entity>(ctx, semester::Column::ExternalId, |row| {
                row.external_id.as_deref()
            })
            .await?,
            courses: by_external_id::<course::Entity>(ctx, course::Column::ExternalId, |row| Some(&row.external_id))
                .await?,
            classes: by_external_id::<homeroom_class::Entity>(ctx, homeroom_class::Column::ExternalId, |row| {
                Some(&row.external_id)
            })
            .await?,
            sections: by_external_id::<section::Entity>(ctx, section::Column::ExternalId, |row| Some(&row.external_id))
                .await?,
            years_by_id: HashMap::new(),
        };
        roster.orgs(ctx, package).await?;
        roster.sessions(ctx, package).await?;
        roster.courses(ctx, package).await?;
        roster.classes(ctx, package).await?;
        Ok(roster)
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
