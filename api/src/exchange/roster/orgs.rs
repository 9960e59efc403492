//! `orgs.csv`: state → department, district → district office, local → commune office,
//! school → school (its level from `metadata.vn.schoolLevel`, `metadata.vn.level`, or else
//! its name or grades: `levels.rs`); each organisation's dated parent link follows its row
//! (a parent may come after its children in the file).

use super::Roster;
use super::levels::{grades_by_school, inferred_level};
use crate::exchange::import::{Ctx, rule, skipped, unknown};
use anyhow::Context as _;
use chrono::NaiveDate;
use emis_oneroster::records::{Org, OrgType};
use emis_oneroster::{FileKind, Package, Row, Status};
use entity::{OrgKind, SchoolLevel, org, org_parent};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use std::collections::{BTreeSet, HashMap};

impl Roster {
    pub(super) async fn orgs(&mut self, ctx: &mut Ctx<'_>, package: &Package) -> anyhow::Result<()> {
        let rows = ctx.rows::<Org>(package)?;
        let grades = grades_by_school(package, &rows)?;
        let mut mapped = Vec::new();
        for row in &rows {
            let Some((kind, school_level)) = org_kind(ctx, row, &grades) else { continue };
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
                school_level: school_level.map(|level| level.as_str().to_owned()),
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
}

/// What an organisation row is in EMIS, and a school's level (from its name or `grades` when
/// no column gives it, with a warning); `None` (problem recorded) for a row an import does
/// not take.
fn org_kind(
    ctx: &mut Ctx<'_>,
    row: &Row<Org>,
    grades: &HashMap<String, BTreeSet<i16>>,
) -> Option<(OrgKind, Option<SchoolLevel>)> {
    if row.status == Status::ToBeDeleted {
        ctx.problem(skipped(
            row,
            "status",
            "tổ chức không bị xoá khi nhập dữ liệu; dòng được bỏ qua",
            "an import does not remove organisations; the row was left out",
        ));
        return None;
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
            return None;
        }
    };
    if kind != OrgKind::School {
        return Some((kind, row.record.school_level));
    }
    let level = row.record.school_level.or_else(|| inferred_level(ctx, row, grades));
    if level.is_none() {
        ctx.problem(rule(
            row,
            "metadata.vn.schoolLevel",
            "trường cần cấp học (TH, THCS hoặc THPT): metadata.vn.schoolLevel, metadata.vn.level, tên trường hoặc các khối lớp",
            "a school needs its level (TH, THCS or THPT): metadata.vn.schoolLevel, metadata.vn.level, its name or its grades",
        ));
        return None;
    }
    Some((kind, level))
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
