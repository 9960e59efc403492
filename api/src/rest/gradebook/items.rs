//! Line items and categories (`/lineItems`, `/lineItems/{id}`, `/classes/{id}/lineItems`,
//! `/schools/{id}/lineItems`; `/categories`, `/categories/{id}`). A line item is an
//! assessment column of a section: it names no one, but it is part of the gradebook, so it
//! is listed only to a caller who may read some results (for a vendor, under
//! `gradebook.readonly` and the `result` group) and only in the sections the caller may read,
//! each section checked again before its columns leave. Categories are the stored ones and
//! the one EMIS derives per kind of column, under the same condition.

use super::super::listing::{self, Typed};
use super::super::objects::{self, CATEGORY_FIELDS, Column, LINE_ITEM_FIELDS};
use super::super::refs::{org_ids, rows_by_id};
use super::super::reply::{self, Refusal};
use super::super::rostering::{Reached, reached_class};
use super::super::{Asked, Reply};
use crate::exchange::names::{ext, kind_category, named, section_title};
use crate::privacy::readers;
use emis_authz::Kind;
use entity::{
    AssessmentKind, AssessmentMode, assessment, assessment_category, homeroom_class, section, semester, subject,
};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, QuerySelect as _, QueryTrait as _};
use serde_json::{Map, Value};
use std::collections::HashMap;

fn line_item_column(field: &str) -> Option<(assessment::Column, Typed)> {
    match field {
        "sourcedId" => Some((assessment::Column::ExternalId, Typed::Sourced("assessment"))),
        "title" => Some((assessment::Column::Title, Typed::Text)),
        "status" => Some((assessment::Column::Id, Typed::Constant("active"))),
        _ => None,
    }
}

/// The assessment columns of the sections the caller may read (narrowed by `sections`, a
/// condition on `section`), or none when the caller may read no result.
fn reachable(asked: &Asked, sections: sea_orm::Condition) -> Option<sea_orm::Select<assessment::Entity>> {
    if !asked.access.may_read_some(Kind::Result) {
        return None;
    }
    let (readable, _) = asked.access.read(&readers::SECTION).through(sections).into_statement();
    let readable = readable.select_only().column(section::Column::Id).into_query();
    Some(assessment::Entity::find().filter(assessment::Column::SectionId.in_subquery(readable)))
}

/// The objects of columns `rows`: those whose section the caller may read.
async fn line_item_objects(asked: &Asked, rows: &[assessment::Model]) -> Result<Vec<Map<String, Value>>, Refusal> {
    let db = &asked.state.db;
    let sections: HashMap<i64, section::Model> = asked
        .access
        .read(&readers::SECTION)
        .narrow(section::Column::Id, |column| column.is_in(rows.iter().map(|row| row.section_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.id, row))
        .collect();
    let subjects =
        rows_by_id::<subject::Entity>(asked, subject::Column::Id, sections.values().map(|row| row.subject_id), |s| {
            s.id
        })
        .await?;
    let classes = rows_by_id::<homeroom_class::Entity>(
        asked,
        homeroom_class::Column::Id,
        sections.values().map(|row| row.class_id),
        |class| class.id,
    )
    .await?;
    let semesters =
        rows_by_id::<semester::Entity>(asked, semester::Column::Id, rows.iter().map(|row| row.semester_id), |s| s.id)
            .await?;
    let stored = stored_categories(asked).await?;
    let schools = org_ids(asked, sections.values().map(|row| row.school_id)).await?;
    let mut found = Vec::with_capacity(rows.len());
    for row in rows {
        let (Some(section), Some(term)) = (sections.get(&row.section_id), semesters.get(&row.semester_id)) else {
            continue;
        };
        let subject = subjects.get(&section.subject_id);
        let class = classes.get(&section.class_id).map_or("", |class| class.name.as_str());
        let category = match row.category_id.and_then(|id| stored.get(&id)) {
            Some(category) => category.external_id.clone(),
            None => kind_category(row.kind.parse().unwrap_or(AssessmentKind::Regular)).0,
        };
        let title = row.title.clone().unwrap_or_else(|| {
            let subject = subject.map_or("", |s| s.name.as_str());
            format!("{} — {} {}", section_title(subject, class), row.kind, row.sequence)
        });
        let column = Column {
            title,
            class: &section.external_id,
            school: schools.get(&section.school_id).map_or("", String::as_str),
            category: &category,
            semester: &objects::semester_id(term),
            days: (term.starts_on, term.ends_on),
            scored: subject.is_none_or(|s| s.assessment != AssessmentMode::Comment.as_str()),
        };
        found.push(objects::line_item(row, &column, &asked.here));
    }
    Ok(found)
}

async fn line_item_page(asked: &Asked, sections: sea_orm::Condition) -> Reply {
    asked.query.check_fields(LINE_ITEM_FIELDS)?;
    let (rows, total) = match reachable(asked, sections) {
        Some(select) => {
            listing::table_page(&asked.state.db, select, &asked.query, line_item_column, assessment::Column::Id).await?
        }
        None => (Vec::new(), 0),
    };
    let found = line_item_objects(asked, &rows).await?;
    Ok(reply::page("lineItems", found, total, &asked.path, &asked.query, &asked.raw))
}

pub(super) async fn line_items(asked: &Asked) -> Reply {
    line_item_page(asked, sea_orm::Condition::all()).await
}

/// The sections of a class the path names: the section itself, or a homeroom class's.
pub(super) async fn sections_of(asked: &Asked, id: &str) -> Result<sea_orm::Condition, Refusal> {
    Ok(sea_orm::Condition::all().add(match reached_class(asked, id).await? {
        Reached::Homeroom(class) => section::Column::ClassId.eq(class.id),
        Reached::Section(row) => section::Column::Id.eq(row.id),
    }))
}

pub(super) async fn line_items_of_class(asked: &Asked) -> Reply {
    let sections = sections_of(asked, &asked.id).await?;
    line_item_page(asked, sections).await
}

pub(super) async fn line_items_of_school(asked: &Asked) -> Reply {
    let school = super::super::rostering::reached_school(asked, &asked.id).await?;
    line_item_page(asked, sea_orm::Condition::all().add(section::Column::SchoolId.eq(school))).await
}

/// The column `id` (a `sourcedId`) in the sections `sections` the caller may read.
pub(super) async fn reached_line_item(
    asked: &Asked,
    id: &str,
    sections: sea_orm::Condition,
) -> Result<assessment::Model, Refusal> {
    let select = reachable(asked, sections).ok_or_else(|| Refusal::unknown("lineItem", id))?;
    let row = select.filter(named("assessment", assessment::Column::Id, assessment::Column::ExternalId, id));
    let row = row.one(&asked.state.db).await?.ok_or_else(|| Refusal::unknown("lineItem", id))?;
    Ok(row)
}

pub(super) async fn line_item_by_id(asked: &Asked) -> Reply {
    asked.query.check_fields(LINE_ITEM_FIELDS)?;
    let row = reached_line_item(asked, &asked.id, sea_orm::Condition::all()).await?;
    let object = line_item_objects(asked, std::slice::from_ref(&row)).await?.pop();
    let object = object.ok_or_else(|| Refusal::unknown("lineItem", &asked.id))?;
    Ok(reply::one("lineItem", object, asked.query.fields.as_deref()))
}

async fn stored_categories(asked: &Asked) -> Result<HashMap<i64, assessment_category::Model>, Refusal> {
    let rows = assessment_category::Entity::find().all(&asked.state.db).await?;
    Ok(rows.into_iter().map(|row| (row.id, row)).collect())
}

/// Every category: the stored ones, then one derived per kind of column; none to a caller
/// who may read no result.
async fn category_objects(asked: &Asked) -> Result<Vec<Map<String, Value>>, Refusal> {
    if !asked.access.may_read_some(Kind::Result) {
        return Ok(Vec::new());
    }
    let mut stored: Vec<assessment_category::Model> = stored_categories(asked).await?.into_values().collect();
    stored.sort_by_key(|row| row.id);
    let mut found: Vec<Map<String, Value>> = stored
        .iter()
        .map(|row| objects::category(&row.external_id, &row.title, row.weight, &row.kind, &asked.here))
        .collect();
    for kind in [AssessmentKind::Regular, AssessmentKind::Midterm, AssessmentKind::Final, AssessmentKind::Retest] {
        let (id, title, weight) = kind_category(kind);
        if !found.iter().any(|object| object["sourcedId"] == id.as_str()) {
            found.push(objects::category(&id, title, Some(weight), kind.as_str(), &asked.here));
        }
    }
    Ok(found)
}

pub(super) async fn categories(asked: &Asked) -> Reply {
    asked.query.check_fields(CATEGORY_FIELDS)?;
    let (found, total) = listing::in_memory(category_objects(asked).await?, &asked.query)?;
    Ok(reply::page("categories", found, total, &asked.path, &asked.query, &asked.raw))
}

pub(super) async fn category_by_id(asked: &Asked) -> Reply {
    asked.query.check_fields(CATEGORY_FIELDS)?;
    let id = asked.id.as_str();
    let found = category_objects(asked).await?.into_iter().find(|object| object["sourcedId"] == id);
    let found = found.ok_or_else(|| Refusal::unknown("category", id))?;
    Ok(reply::one("category", found, asked.query.fields.as_deref()))
}

/// The `sourcedId` of a column, as a result names it.
pub(super) fn line_item_id(row: &assessment::Model) -> String {
    ext("assessment", row.id, row.external_id.as_deref())
}
