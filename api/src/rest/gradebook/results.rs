//! Results (`/results`, `/results/{id}`, and nested: `/classes/{id}/results`,
//! `/classes/{id}/lineItems/{inner}/results`, `/classes/{id}/students/{inner}/results`,
//! `/lineItems/{id}/results`), read through the result reader — a vendor sees the results
//! its agreements share (`gradebook.readonly` and the `result` field group), each naming its
//! assessment column, its student (as far as the caller may read them) and its scheduled
//! class by the CSV package's `sourcedId`s. A result's `dateLastModified` is when it was last
//! written, so `filter=dateLastModified>'…'` reads what changed. A parent out of reach answers
//! like a missing one.

use super::super::listing::{self, Typed};
use super::super::objects::{self, RESULT_FIELDS};
use super::super::refs::student_ids;
use super::super::reply::{self, Refusal};
use super::super::{Asked, Reply};
use super::items::{line_item_id, reached_line_item, sections_of};
use crate::exchange::names::named;
use crate::privacy::readers;
use entity::{assessment, result, section, student};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait as _, Condition, EntityTrait as _, QueryFilter as _};
use serde_json::{Map, Value};
use std::collections::HashMap;

fn result_column(field: &str) -> Option<(result::Column, Typed)> {
    match field {
        "sourcedId" => Some((result::Column::ExternalId, Typed::Sourced("result"))),
        "dateLastModified" => Some((result::Column::UpdatedAt, Typed::DateTime)),
        "scoreDate" => Some((result::Column::UpdatedAt, Typed::DateTime)),
        "status" => Some((result::Column::Id, Typed::Constant("active"))),
        _ => None,
    }
}

/// The objects of results `rows`: those whose student the caller may read.
async fn result_objects(asked: &Asked, rows: &[result::Model]) -> Result<Vec<Map<String, Value>>, Refusal> {
    let db = &asked.state.db;
    let columns: HashMap<i64, String> = assessment::Entity::find()
        .filter(assessment::Column::Id.is_in(rows.iter().map(|row| row.assessment_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.id, line_item_id(&row)))
        .collect();
    let sections: HashMap<i64, String> = section::Entity::find()
        .filter(section::Column::Id.is_in(rows.iter().map(|row| row.section_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.id, row.external_id))
        .collect();
    let students = student_ids(asked, rows.iter().map(|row| row.student_id)).await?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            let student = students.get(&row.student_id)?;
            let column = columns.get(&row.assessment_id).map_or("", String::as_str);
            let class = sections.get(&row.section_id).map_or("", String::as_str);
            Some(objects::result(row, column, student, class, &asked.here))
        })
        .collect())
}

/// A page of the results that meet `within` (conditions on the result's own columns, naming
/// only records the caller already reached).
async fn result_page(asked: &Asked, within: Condition) -> Reply {
    asked.query.check_fields(RESULT_FIELDS)?;
    let (rows, total) = listing::page(
        &asked.state.db,
        &asked.access,
        &readers::RESULT,
        |read| read.through(within),
        &asked.query,
        result_column,
    )
    .await?;
    let found = result_objects(asked, &rows).await?;
    Ok(reply::page("results", found, total, &asked.path, &asked.query, &asked.raw))
}

pub(super) async fn results(asked: &Asked) -> Reply {
    result_page(asked, Condition::all()).await
}

/// The results in the sections of a class the path names (`sections`, a condition on
/// `section`).
fn in_sections(sections: Condition) -> Condition {
    let ids = Query::select().column(section::Column::Id).from(section::Entity).cond_where(sections).to_owned();
    Condition::all().add(result::Column::SectionId.in_subquery(ids))
}

pub(super) async fn results_of_class(asked: &Asked) -> Reply {
    let sections = sections_of(asked, &asked.id).await?;
    result_page(asked, in_sections(sections)).await
}

pub(super) async fn results_of_line_item(asked: &Asked) -> Reply {
    let column = reached_line_item(asked, &asked.id, Condition::all()).await?;
    result_page(asked, Condition::all().add(result::Column::AssessmentId.eq(column.id))).await
}

pub(super) async fn results_of_line_item_in_class(asked: &Asked) -> Reply {
    let sections = sections_of(asked, &asked.id).await?;
    let column = reached_line_item(asked, &asked.inner, sections).await?;
    result_page(asked, Condition::all().add(result::Column::AssessmentId.eq(column.id))).await
}

pub(super) async fn results_of_student_in_class(asked: &Asked) -> Reply {
    let sections = sections_of(asked, &asked.id).await?;
    let id = asked.inner.as_str();
    let learner = asked
        .access
        .read(&readers::STUDENT)
        .narrow(student::Column::ExternalId, |column| column.eq(id))
        .one(&asked.state.db)
        .await?
        .ok_or_else(|| Refusal::unknown("student", id))?;
    result_page(asked, in_sections(sections).add(result::Column::StudentId.eq(learner.id))).await
}

pub(super) async fn result_by_id(asked: &Asked) -> Reply {
    asked.query.check_fields(RESULT_FIELDS)?;
    let id = asked.id.as_str();
    let which = named("result", result::Column::Id, result::Column::ExternalId, id);
    let row = asked
        .access
        .read(&readers::RESULT)
        .through(which)
        .one(&asked.state.db)
        .await?
        .ok_or_else(|| Refusal::unknown("result", id))?;
    let object = result_objects(asked, std::slice::from_ref(&row)).await?.pop();
    let object = object.ok_or_else(|| Refusal::unknown("result", id))?;
    Ok(reply::one("result", object, asked.query.fields.as_deref()))
}
