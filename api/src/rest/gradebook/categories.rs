//! Categories (`/categories`, `/categories/{id}`): the stored ones and one EMIS derives per
//! kind of column (`emis-category-regular`, `-midterm`, `-final`, `-retest`), listed only to a
//! caller who may read some results (for a vendor, under `gradebook.readonly` and the `result`
//! group).

use super::super::listing;
use super::super::objects::{self, CATEGORY_FIELDS};
use super::super::reply::{self, Refusal};
use super::super::{Asked, Reply};
use crate::exchange::names::kind_category;
use emis_authz::Kind;
use entity::{AssessmentKind, assessment_category};
use sea_orm::EntityTrait as _;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The stored categories, by id.
pub(super) async fn stored_categories(asked: &Asked) -> Result<HashMap<i64, assessment_category::Model>, Refusal> {
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
