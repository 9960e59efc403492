//! Line items (`/lineItems`, `/lineItems/{id}`, `/classes/{id}/lineItems`,
//! `/schools/{id}/lineItems`): the assessment columns of sections and the checkpoints of
//! primary sections' evaluations (`primary.rs`), one collection (`super::super::union`). A
//! line item names no one, but it is part of the gradebook, so it is listed only to a caller
//! who may read some results (for a vendor, under `gradebook.readonly` and the `result`
//! group) and only in the sections the caller may read, each section checked again before
//! its columns leave; a checkpoint only where the caller may read some of its evaluations.

use super::super::listing::{self, Typed};
use super::super::objects::{self, Column, LINE_ITEM_FIELDS};
use super::super::refs::{org_ids, rows_by_id};
use super::super::reply::{self, Refusal};
use super::super::union::{self, Key, SortKeys};
use super::super::{Asked, Reply};
use super::categories::stored_categories;
use super::primary;
use super::reach::{Item, Within, reachable_columns, reachable_evaluations, reached_item, sections_of};
use crate::exchange::names::{ext, ext_sql, kind_category, section_title};
use crate::privacy::readers;
use entity::{
    AssessmentKind, AssessmentMode, assessment, homeroom_class, primary_evaluation, section, semester, subject,
};
use sea_orm::sea_query::ExprTrait as _;
use sea_orm::sea_query::{Expr, SelectStatement};
use sea_orm::{ColumnTrait as _, Condition, QueryFilter as _, QueryTrait as _};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The groups, in their order without a sort.
const COLUMNS: i64 = 0;
const CHECKPOINTS: i64 = 1;

/// What line items may be sorted by, and the name each group gives its value.
const SORTS: SortKeys = &[("sourcedId", "sourced")];

fn line_item_column(field: &str) -> Option<(assessment::Column, Typed)> {
    match field {
        "sourcedId" => Some((assessment::Column::ExternalId, Typed::Sourced("assessment"))),
        "status" => Some((assessment::Column::Id, Typed::Constant("active"))),
        _ => None,
    }
}

/// A checkpoint's line item's `sourcedId` in SQL, as
/// [`crate::exchange::names::checkpoint_line_item`] writes it.
fn checkpoint_sourced() -> Expr {
    Expr::cust(
        r#"('emis-checkpoint-' || (SELECT "section"."external_id" FROM "section" WHERE "section"."id" = "primary_evaluation"."section_id") || '-' || "primary_evaluation"."checkpoint")"#,
    )
}

fn checkpoint_column(field: &str) -> Option<(primary_evaluation::Column, Typed)> {
    match field {
        "sourcedId" => Some((primary_evaluation::Column::Id, Typed::Derived(checkpoint_sourced))),
        "status" => Some((primary_evaluation::Column::Id, Typed::Constant("active"))),
        _ => None,
    }
}

/// The objects of columns `rows`: those whose section the caller may read.
async fn column_objects(
    asked: &Asked,
    rows: &[assessment::Model],
) -> Result<HashMap<i64, Map<String, Value>>, Refusal> {
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
    let mut found = HashMap::new();
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
            sourced_id: line_item_id(row),
            title,
            class: &section.external_id,
            school: schools.get(&section.school_id).map_or("", String::as_str),
            category: &category,
            semester: &objects::semester_id(term),
            days: (term.starts_on, term.ends_on),
            scored: subject.is_none_or(|s| s.assessment != AssessmentMode::Comment.as_str()),
            metadata: serde_json::json!({ "vn.kind": row.kind, "vn.sequence": row.sequence }),
        };
        found.insert(row.id, objects::line_item(&column, &asked.here));
    }
    Ok(found)
}

/// The keys of the columns and checkpoints `within` keeps that the query selects.
fn groups(asked: &Asked, within: &Within) -> Result<Vec<SelectStatement>, Refusal> {
    let mut found = Vec::new();
    if let Some(columns) = reachable_columns(asked, within.sections.clone()) {
        let mut columns =
            columns.filter(listing::filter_condition(&asked.query, line_item_column, Some(assessment::Column::Id))?);
        if let Some(Item::Checkpoint { .. }) = &within.item {
            columns = columns.filter(assessment::Column::Id.is_null());
        }
        let sourced = Expr::cust(ext_sql("assessment"));
        let id = Expr::col((assessment::Entity, assessment::Column::Id));
        found.push(union::keyed(columns.into_query(), COLUMNS, [Some(id), None], SORTS, vec![sourced]));
    }
    if let Some(evaluations) = reachable_evaluations(asked, within) {
        use primary_evaluation::Column as E;
        let evaluations = evaluations.filter(listing::filter_condition(&asked.query, checkpoint_column, Some(E::Id))?);
        // One key per section and checkpoint: the first evaluation stands for them.
        let id = Expr::col((primary_evaluation::Entity, E::Id)).min();
        let mut checkpoints =
            union::keyed(evaluations.into_query(), CHECKPOINTS, [Some(id), None], SORTS, vec![checkpoint_sourced()]);
        checkpoints.group_by_columns([
            (primary_evaluation::Entity, E::SectionId),
            (primary_evaluation::Entity, E::Checkpoint),
        ]);
        found.push(checkpoints);
    }
    Ok(found)
}

/// The line items `listed`, read back through their readers.
async fn listed_objects(asked: &Asked, listed: &[Key]) -> Result<Vec<Map<String, Value>>, Refusal> {
    let mut found: HashMap<Key, Map<String, Value>> = HashMap::new();
    let ids = union::ids_of(listed, COLUMNS);
    if !ids.is_empty() {
        let rows = rows_by_id::<assessment::Entity>(asked, assessment::Column::Id, ids, |row| row.id).await?;
        let rows: Vec<assessment::Model> = rows.into_values().collect();
        found.extend(union::in_group(COLUMNS, column_objects(asked, &rows).await?));
    }
    let rows = primary::evaluations(asked, &union::ids_of(listed, CHECKPOINTS)).await?;
    found.extend(union::in_group(CHECKPOINTS, primary::line_item_objects(asked, &rows).await?));
    Ok(union::in_order(listed, found))
}

async fn line_item_page(asked: &Asked, within: Within) -> Reply {
    asked.query.check_fields(LINE_ITEM_FIELDS)?;
    let groups = groups(asked, &within)?;
    let (listed, total) = union::page(asked, groups, SORTS).await?;
    let found = listed_objects(asked, &listed).await?;
    Ok(reply::page("lineItems", found, total, &asked.path, &asked.query, &asked.raw))
}

pub(super) async fn line_items(asked: &Asked) -> Reply {
    line_item_page(asked, Within::default()).await
}

pub(super) async fn line_items_of_class(asked: &Asked) -> Reply {
    let sections = sections_of(asked, &asked.id).await?;
    line_item_page(asked, Within { sections: Some(sections), ..Within::default() }).await
}

pub(super) async fn line_items_of_school(asked: &Asked) -> Reply {
    let school = super::super::rostering::reached_school(asked, &asked.id).await?;
    let sections = Condition::all().add(section::Column::SchoolId.eq(school));
    line_item_page(asked, Within { sections: Some(sections), ..Within::default() }).await
}

pub(super) async fn line_item_by_id(asked: &Asked) -> Reply {
    asked.query.check_fields(LINE_ITEM_FIELDS)?;
    let id = asked.id.as_str();
    let unknown = || Refusal::unknown("lineItem", id);
    let key = match reached_item(asked, id, None).await? {
        (Item::Column(_), column) => Key::of(COLUMNS, column),
        (Item::Checkpoint { .. }, evaluation) => Key::of(CHECKPOINTS, evaluation),
    };
    let object = listed_objects(asked, &[key]).await?.pop().ok_or_else(unknown)?;
    Ok(reply::one("lineItem", object, asked.query.fields.as_deref()))
}

/// The `sourcedId` of a column, as a result names it.
pub(super) fn line_item_id(row: &assessment::Model) -> String {
    ext("assessment", row.id, row.external_id.as_deref())
}
