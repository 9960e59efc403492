//! `orgs.csv` (every organisation, or the school and those above it) and
//! `academicSessions.csv` (school years and their semesters).

use super::out::{Out, date, ext, roman};
use super::scope::Scope;
use chrono::Datelike as _;
use emis_oneroster::FileKind;
use emis_oneroster::writer::list;
use entity::{school_year, semester};
use sea_orm::{DatabaseConnection, EntityTrait as _, QueryOrder as _};
use std::collections::HashMap;

/// Writes `orgs.csv`.
pub(super) fn write_orgs(out: &mut Out<'_>, scope: &Scope) -> anyhow::Result<()> {
    let mut org_ids: Vec<i64> = match scope.school {
        None => scope.orgs.keys().copied().collect(),
        Some(school) => {
            let mut chain = vec![school];
            while let Some(parent) = chain.last().and_then(|id| scope.parents.get(id)).map(|link| link.parent_id) {
                if chain.contains(&parent) {
                    break;
                }
                chain.push(parent);
            }
            chain
        }
    };
    org_ids.sort_unstable();
    let mut writer = out.file(FileKind::Orgs)?;
    for id in &org_ids {
        let row = &scope.orgs[id];
        let kind = crate::exchange::names::org_type(&row.kind);
        let parent = scope.parents.get(id).filter(|link| org_ids.contains(&link.parent_id));
        writer.write(&[
            ("sourcedId", row.external_id.clone()),
            ("name", row.name.clone()),
            ("type", kind.to_owned()),
            ("identifier", row.sector_code.clone().unwrap_or_default()),
            ("parentSourcedId", parent.map(|link| scope.org_ext(link.parent_id)).unwrap_or_default()),
            ("metadata.vn.schoolLevel", row.school_level.clone().unwrap_or_default()),
            ("metadata.vn.parentSince", parent.map(|link| date(link.valid_from)).unwrap_or_default()),
        ])?;
    }
    out.done(FileKind::Orgs, writer)
}

/// School years and semesters, and their exchange identifiers.
pub(super) struct Sessions {
    years: HashMap<i64, school_year::Model>,
    /// In the order they start.
    pub semesters: Vec<semester::Model>,
}

impl Sessions {
    pub async fn read(db: &DatabaseConnection) -> anyhow::Result<Sessions> {
        let years = school_year::Entity::find().all(db).await?.into_iter().map(|row| (row.id, row)).collect();
        let semesters = semester::Entity::find().order_by_asc(semester::Column::StartsOn).all(db).await?;
        Ok(Sessions { years, semesters })
    }

    /// The exchange identifier of school year `id` (empty when unknown).
    pub fn year_ext(&self, id: i64) -> String {
        self.years.get(&id).map(|y| ext("school_year", y.id, y.external_id.as_deref())).unwrap_or_default()
    }

    /// The exchange identifier of a semester.
    pub fn semester_ext(row: &semester::Model) -> String {
        ext("semester", row.id, row.external_id.as_deref())
    }

    /// The semesters of school year `year`, as a list cell.
    pub fn year_terms(&self, year: i64) -> String {
        list(self.semesters.iter().filter(|row| row.school_year_id == year).map(Self::semester_ext).collect::<Vec<_>>())
    }

    /// Writes `academicSessions.csv`.
    pub fn write(&self, out: &mut Out<'_>) -> anyhow::Result<()> {
        let mut writer = out.file(FileKind::AcademicSessions)?;
        let mut year_list: Vec<&school_year::Model> = self.years.values().collect();
        year_list.sort_by_key(|year| year.starts_on);
        for year in &year_list {
            writer.write(&[
                ("sourcedId", self.year_ext(year.id)),
                ("title", year.name.clone()),
                ("type", "schoolYear".to_owned()),
                ("startDate", date(year.starts_on)),
                ("endDate", date(year.ends_on)),
                ("schoolYear", year.ends_on.year().to_string()),
            ])?;
        }
        for row in &self.semesters {
            let Some(year) = self.years.get(&row.school_year_id) else { continue };
            writer.write(&[
                ("sourcedId", Self::semester_ext(row)),
                ("title", format!("Học kỳ {} {}", roman(row.number), year.name)),
                ("type", "semester".to_owned()),
                ("startDate", date(row.starts_on)),
                ("endDate", date(row.ends_on)),
                ("parentSourcedId", self.year_ext(year.id)),
                ("schoolYear", year.ends_on.year().to_string()),
                ("metadata.vn.semester", row.number.to_string()),
            ])?;
        }
        out.done(FileKind::AcademicSessions, writer)
    }
}
