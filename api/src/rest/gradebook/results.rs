//! Results (`/results`, `/results/{id}`, and nested: `/classes/{id}/results`,
//! `/classes/{id}/lineItems/{inner}/results`, `/classes/{id}/students/{inner}/results`,
//! `/lineItems/{id}/results`): the scores of assessment columns (the result reader) and the
//! primary subject evaluations (`primary.rs`), one collection (`super::super::union`) — a
//! vendor sees those its agreements share (`gradebook.readonly` and the `result` field
//! group), each naming its line item, its student (as far as the caller may read them) and
//! its scheduled class by the CSV package's `sourcedId`s. A result's `dateLastModified` is
//! when it was last written, so `filter=dateLastModified>'…'` reads what changed. A parent
//! out of reach answers like a missing one.

use super::super::listing::{self, Typed};
use super::super::objects::{self, RESULT_FIELDS};
use super::super::refs::{rows_by_id, student_ids};
use super::super::reply::{self, Refusal};
use super::super::union::{self, Key, SortKeys};
use super::super::{Asked, Reply};
use super::items::line_item_id;
use super::primary;
use super::reach::{Within, reachable_evaluations, reached_item, reached_student, sections_of};
use crate::exchange::names::{checkpoint_of_line_item, ext_sql, named};
use crate::privacy::readers;
use entity::{assessment, primary_evaluation, result, section};
use sea_orm::sea_query::{Expr, ExprTrait as _, SelectStatement};
use sea_orm::{ColumnTrait as _, Condition, QueryFilter as _, QueryTrait as _};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The groups, in their order without a sort.
const SCORES: i64 = 0;
const EVALUATIONS: i64 = 1;

/// What results may be sorted by, and the name each group gives its value.
const SORTS: SortKeys = &[("sourcedId", "sourced"), ("dateLastModified", "modified"), ("scoreDate", "modified")];

fn result_column(field: &str) -> Option<(result::Column, Typed)> {
    match field {
        "sourcedId" => Some((result::Column::ExternalId, Typed::Sourced("result"))),
        "dateLastModified" => Some((result::Column::UpdatedAt, Typed::DateTime)),
        "scoreDate" => Some((result::Column::UpdatedAt, Typed::DateTime)),
        "status" => Some((result::Column::Id, Typed::Constant("active"))),
        _ => None,
    }
}

/// An evaluation's `sourcedId` in SQL, as [`crate::exchange::names::checkpoint_result`]
/// writes it.
fn evaluation_sourced() -> Expr {
    Expr::cust(
        r#"('emis-checkpoint-' || (SELECT "section"."external_id" FROM "section" WHERE "section"."id" = "primary_evaluation"."section_id") || '-' || "primary_evaluation"."checkpoint" || '-' || (SELECT "student"."external_id" FROM "student" WHERE "student"."id" = "primary_evaluation"."student_id"))"#,
    )
}

fn evaluation_column(field: &str) -> Option<(primary_evaluation::Column, Typed)> {
    match field {
        "sourcedId" => Some((primary_evaluation::Column::Id, Typed::Derived(evaluation_sourced))),
        "dateLastModified" => Some((primary_evaluation::Column::UpdatedAt, Typed::DateTime)),
        "scoreDate" => Some((primary_evaluation::Column::UpdatedAt, Typed::DateTime)),
        "status" => Some((primary_evaluation::Column::Id, Typed::Constant("active"))),
        _ => None,
    }
}

/// The objects of scores `rows`, by id: those whose student the caller may read.
async fn score_objects(asked: &Asked, rows: &[result::Model]) -> Result<HashMap<i64, Map<String, Value>>, Refusal> {
    let columns = rows_by_id::<assessment::Entity>(
        asked,
        assessment::Column::Id,
        rows.iter().map(|row| row.assessment_id),
        |c| c.id,
    )
    .await?;
    let sections =
        rows_by_id::<section::Entity>(asked, section::Column::Id, rows.iter().map(|row| row.section_id), |s| s.id)
            .await?;
    let students = student_ids(asked, rows.iter().map(|row| row.student_id)).await?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            let student = students.get(&row.student_id)?;
            let column = columns.get(&row.assessment_id).map(line_item_id).unwrap_or_default();
            let class = sections.get(&row.section_id).map_or("", |section| section.external_id.as_str());
            Some((row.id, objects::result(row, &column, student, class, &asked.here)))
        })
        .collect())
}

/// The keys of the scores and evaluations `within` keeps that the query selects.
fn groups(asked: &Asked, within: &Within) -> Result<Vec<SelectStatement>, Refusal> {
    let scores = asked.access.read(&readers::RESULT).through(within.results());
    let scores = union::group_of(asked, scores, &readers::RESULT, result_column)?;
    let id = Expr::col((result::Entity, result::Column::Id));
    let keys = vec![Expr::cust(ext_sql("result")), Expr::col((result::Entity, result::Column::UpdatedAt))];
    let mut found = vec![union::keyed(scores, SCORES, [Some(id), None], SORTS, keys)];
    if let Some(evaluations) = reachable_evaluations(asked, within) {
        let key = Some(primary_evaluation::Column::Id);
        let evaluations = evaluations.filter(listing::filter_condition(&asked.query, evaluation_column, key)?);
        let id = Expr::col((primary_evaluation::Entity, primary_evaluation::Column::Id));
        let keys =
            vec![evaluation_sourced(), Expr::col((primary_evaluation::Entity, primary_evaluation::Column::UpdatedAt))];
        found.push(union::keyed(evaluations.into_query(), EVALUATIONS, [Some(id), None], SORTS, keys));
    }
    Ok(found)
}

/// The results `listed`, read back through their readers.
async fn listed_objects(asked: &Asked, listed: &[Key]) -> Result<Vec<Map<String, Value>>, Refusal> {
    let mut found: HashMap<Key, Map<String, Value>> = HashMap::new();
    let ids = union::ids_of(listed, SCORES);
    if !ids.is_empty() {
        let read = asked.access.read(&readers::RESULT).narrow(result::Column::Id, |column| column.is_in(ids));
        let rows = read.all(&asked.state.db).await?;
        found.extend(union::in_group(SCORES, score_objects(asked, &rows).await?));
    }
    let rows = primary::evaluations(asked, &union::ids_of(listed, EVALUATIONS)).await?;
    found.extend(union::in_group(EVALUATIONS, primary::result_objects(asked, &rows).await?));
    Ok(union::in_order(listed, found))
}

/// A page of the results `within` keeps.
async fn result_page(asked: &Asked, within: Within) -> Reply {
    asked.query.check_fields(RESULT_FIELDS)?;
    let (listed, total) = union::page(asked, groups(asked, &within)?, SORTS).await?;
    let found = listed_objects(asked, &listed).await?;
    Ok(reply::page("results", found, total, &asked.path, &asked.query, &asked.raw))
}

pub(super) async fn results(asked: &Asked) -> Reply {
    result_page(asked, Within::default()).await
}

pub(super) async fn results_of_class(asked: &Asked) -> Reply {
    let sections = sections_of(asked, &asked.id).await?;
    result_page(asked, Within { sections: Some(sections), ..Within::default() }).await
}

pub(super) async fn results_of_line_item(asked: &Asked) -> Reply {
    let (item, _) = reached_item(asked, &asked.id, None).await?;
    result_page(asked, Within { item: Some(item), ..Within::default() }).await
}

pub(super) async fn results_of_line_item_in_class(asked: &Asked) -> Reply {
    let sections = sections_of(asked, &asked.id).await?;
    let (item, _) = reached_item(asked, &asked.inner, Some(sections.clone())).await?;
    result_page(asked, Within { sections: Some(sections), item: Some(item), student: None }).await
}

pub(super) async fn results_of_student_in_class(asked: &Asked) -> Reply {
    let sections = sections_of(asked, &asked.id).await?;
    let student = reached_student(asked, &asked.inner).await?;
    result_page(asked, Within { sections: Some(sections), item: None, student: Some(student) }).await
}

/// `/results/{id}`: a score, or an evaluation as its `sourcedId` names it
/// (`<checkpoint's line item>-<student>`).
pub(super) async fn result_by_id(asked: &Asked) -> Reply {
    asked.query.check_fields(RESULT_FIELDS)?;
    let id = asked.id.as_str();
    let unknown = || Refusal::unknown("result", id);
    let which = named("result", result::Column::Id, result::Column::ExternalId, id);
    let score = asked.access.read(&readers::RESULT).through(which).one(&asked.state.db).await?;
    let key = match score {
        Some(row) => Key::of(SCORES, row.id),
        None => Key::of(EVALUATIONS, evaluation_named(asked, id).await?.ok_or_else(unknown)?),
    };
    let object = listed_objects(asked, &[key]).await?.pop().ok_or_else(unknown)?;
    Ok(reply::one("result", object, asked.query.fields.as_deref()))
}

/// The evaluation a result's `sourcedId` names, among those the caller may read.
async fn evaluation_named(asked: &Asked, id: &str) -> Result<Option<i64>, Refusal> {
    if checkpoint_of_line_item(id).is_none() {
        return Ok(None);
    }
    let Some(select) = reachable_evaluations(asked, &Within::default()) else { return Ok(None) };
    let which = Condition::all().add(evaluation_sourced().eq(id));
    Ok(select.filter(which).one(&asked.state.db).await?.map(|row| row.id))
}
