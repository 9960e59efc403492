//! Homeroom classes (`/classes`, `/schools/{id}/classes`), read through the class reader,
//! with the `sourcedId`s of their school, school year and course.

use super::super::listing::{self, Typed};
use super::super::objects::{self, CLASS_FIELDS};
use super::super::refs::org_ids;
use super::super::reply::{self, Refusal};
use super::super::{Asked, Reply};
use super::orgs::school_named;
use crate::privacy::readers;
use entity::{course, homeroom_class, school_year};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use serde_json::{Map, Value};
use std::collections::HashMap;

fn class_column(field: &str) -> Option<(homeroom_class::Column, Typed)> {
    match field {
        "sourcedId" => Some((homeroom_class::Column::ExternalId, Typed::Text)),
        "title" | "classCode" => Some((homeroom_class::Column::Name, Typed::Text)),
        "status" => Some((homeroom_class::Column::Id, Typed::Constant("active"))),
        "classType" => Some((homeroom_class::Column::Id, Typed::Constant("homeroom"))),
        _ => None,
    }
}

async fn class_objects(asked: &Asked, rows: &[homeroom_class::Model]) -> Result<Vec<Map<String, Value>>, Refusal> {
    let db = &asked.state.db;
    let schools = org_ids(asked, rows.iter().map(|row| row.school_id)).await?;
    let years = school_year::Entity::find()
        .filter(school_year::Column::Id.is_in(rows.iter().map(|row| row.school_year_id)))
        .all(db)
        .await?;
    let years: HashMap<i64, String> = years.iter().map(|year| (year.id, objects::year_id(year))).collect();
    let courses = course::Entity::find()
        .filter(course::Column::Id.is_in(rows.iter().filter_map(|row| row.course_id)))
        .all(db)
        .await?;
    let courses: HashMap<i64, String> = courses.into_iter().map(|row| (row.id, row.external_id)).collect();
    Ok(rows
        .iter()
        .map(|row| {
            let school = schools.get(&row.school_id).map_or("", String::as_str);
            let year = years.get(&row.school_year_id).map_or("", String::as_str);
            let course = row.course_id.and_then(|id| courses.get(&id)).map(String::as_str);
            objects::class(row, school, year, course, &asked.here)
        })
        .collect())
}

async fn class_page(asked: &Asked, school: Option<&str>) -> Reply {
    asked.query.check_fields(CLASS_FIELDS)?;
    let school = school_named(asked, school).await?;
    let (rows, total) = listing::page(
        &asked.state.db,
        &asked.access,
        &readers::CLASS,
        |read| match school {
            Some(school) => read.narrow(homeroom_class::Column::SchoolId, |column| column.eq(school)),
            None => read,
        },
        &asked.query,
        class_column,
    )
    .await?;
    let found = class_objects(asked, &rows).await?;
    Ok(reply::page("classes", found, total, &asked.path, &asked.query, &asked.raw))
}

/// The class `id` (a `sourcedId`) the caller may read.
pub(super) async fn reached_class(asked: &Asked, id: &str) -> Result<homeroom_class::Model, Refusal> {
    let read = asked.access.read(&readers::CLASS).narrow(homeroom_class::Column::ExternalId, |column| column.eq(id));
    read.one(&asked.state.db).await?.ok_or_else(|| Refusal::unknown("class", id))
}

pub(super) async fn classes(asked: &Asked) -> Reply {
    class_page(asked, None).await
}

pub(super) async fn classes_of_school(asked: &Asked) -> Reply {
    class_page(asked, Some(&asked.id)).await
}

pub(super) async fn class_by_id(asked: &Asked) -> Reply {
    asked.query.check_fields(CLASS_FIELDS)?;
    let row = reached_class(asked, &asked.id).await?;
    let object = class_objects(asked, std::slice::from_ref(&row)).await?.pop().unwrap_or_default();
    Ok(reply::one("class", object, asked.query.fields.as_deref()))
}
