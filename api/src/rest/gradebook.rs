//! The gradebook service's reads under `/ims/oneroster/gradebook/v1p2/`: results
//! (`/results`, `/results/{id}`), read through the result reader — a vendor sees the results
//! its agreements share (`gradebook.readonly` and the `result` field group), each naming its
//! assessment column, its student (as far as the caller may read them) and its scheduled
//! class by the CSV package's `sourcedId`s. A result's `dateLastModified` is when it was last
//! written, so `filter=dateLastModified>'…'` reads what changed.

use super::listing::{self, Typed};
use super::objects::{self, GRADEBOOK, RESULT_FIELDS};
use super::refs::student_ids;
use super::reply::{self, Refusal};
use super::{Asked, Reply, served};
use crate::exchange::names::{ext, named};
use crate::privacy::readers;
use crate::state::AppState;
use axum::Router;
use entity::{assessment, result, section};
use futures::FutureExt as _;
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// The gradebook routes.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route(&format!("{GRADEBOOK}/results"), served(|asked| results(asked).boxed()))
        .route(&format!("{GRADEBOOK}/results/{{id}}"), served(|asked| result_by_id(asked).boxed()))
}

fn result_column(field: &str) -> Option<(result::Column, Typed)> {
    match field {
        "sourcedId" => Some((result::Column::ExternalId, Typed::Text)),
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
        .map(|row| (row.id, ext("assessment", row.id, row.external_id.as_deref())))
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

async fn results(asked: &Asked) -> Reply {
    asked.query.check_fields(RESULT_FIELDS)?;
    let (rows, total) =
        listing::page(&asked.state.db, &asked.access, &readers::RESULT, |read| read, &asked.query, result_column)
            .await?;
    let found = result_objects(asked, &rows).await?;
    Ok(reply::page("results", found, total, &asked.path, &asked.query, &asked.raw))
}

async fn result_by_id(asked: &Asked) -> Reply {
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
