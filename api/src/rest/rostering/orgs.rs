//! Organisations (`/orgs`, `/schools`), each with its parent of today, read through the
//! school reader; and the academic sessions, the national calendar, which is nobody's data.

use super::super::listing::{self, Typed};
use super::super::objects::{self, ORG_FIELDS, SESSION_FIELDS};
use super::super::refs::org_ids;
use super::super::reply::{self, Refusal};
use super::super::{Asked, Reply};
use crate::auth::principal::active_on;
use crate::privacy::readers;
use entity::{org, org_parent, school_year, semester};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, QueryOrder as _};
use serde_json::{Map, Value};
use std::collections::HashMap;

fn org_column(field: &str) -> Option<(org::Column, Typed)> {
    match field {
        "sourcedId" => Some((org::Column::ExternalId, Typed::Text)),
        "name" => Some((org::Column::Name, Typed::Text)),
        "identifier" => Some((org::Column::SectorCode, Typed::Text)),
        "status" => Some((org::Column::Id, Typed::Constant("active"))),
        _ => None,
    }
}

/// The objects of organisations `rows`, each with its parent of today.
async fn org_objects(asked: &Asked, rows: &[org::Model]) -> Result<Vec<Map<String, Value>>, Refusal> {
    let today = asked.access.principal().today;
    let links = org_parent::Entity::find()
        .filter(org_parent::Column::OrgId.is_in(rows.iter().map(|row| row.id)))
        .filter(active_on(org_parent::Column::ValidFrom, org_parent::Column::ValidTo, today))
        .all(&asked.state.db)
        .await?;
    let names = org_ids(asked, links.iter().map(|link| link.parent_id)).await?;
    let parent_of: HashMap<i64, &String> =
        links.iter().filter_map(|link| names.get(&link.parent_id).map(|name| (link.org_id, name))).collect();
    Ok(rows.iter().map(|row| objects::org(row, parent_of.get(&row.id).map(|p| p.as_str()), &asked.here)).collect())
}

async fn org_page(asked: &Asked, schools_only: bool) -> Reply {
    asked.query.check_fields(ORG_FIELDS)?;
    let (rows, total) = listing::page(
        &asked.state.db,
        &asked.access,
        &readers::SCHOOL,
        |read| {
            if schools_only {
                read.narrow(org::Column::Kind, |column| column.eq(entity::OrgKind::School.as_str()))
            } else {
                read
            }
        },
        &asked.query,
        org_column,
    )
    .await?;
    let found = org_objects(asked, &rows).await?;
    Ok(reply::page("orgs", found, total, &asked.path, &asked.query, &asked.raw))
}

/// The organisation `id` (a `sourcedId`) the caller may read; a school only, if `school`.
pub(super) async fn reached_org(asked: &Asked, id: &str, school: bool) -> Result<org::Model, Refusal> {
    let mut read = asked.access.read(&readers::SCHOOL).narrow(org::Column::ExternalId, |column| column.eq(id));
    if school {
        read = read.narrow(org::Column::Kind, |column| column.eq(entity::OrgKind::School.as_str()));
    }
    read.one(&asked.state.db).await?.ok_or_else(|| Refusal::unknown(if school { "school" } else { "org" }, id))
}

/// The school `id` names, when a collection is nested under one the caller may read.
pub(super) async fn school_named(asked: &Asked, id: Option<&str>) -> Result<Option<i64>, Refusal> {
    match id {
        Some(id) => Ok(Some(reached_org(asked, id, true).await?.id)),
        None => Ok(None),
    }
}

async fn org_one(asked: &Asked, id: &str, school: bool) -> Reply {
    asked.query.check_fields(ORG_FIELDS)?;
    let row = reached_org(asked, id, school).await?;
    let object = org_objects(asked, std::slice::from_ref(&row)).await?.pop().unwrap_or_default();
    Ok(reply::one("org", object, asked.query.fields.as_deref()))
}

pub(super) async fn orgs(asked: &Asked) -> Reply {
    org_page(asked, false).await
}

pub(super) async fn schools(asked: &Asked) -> Reply {
    org_page(asked, true).await
}

pub(super) async fn org_by_id(asked: &Asked) -> Reply {
    org_one(asked, &asked.id, false).await
}

pub(super) async fn school_by_id(asked: &Asked) -> Reply {
    org_one(asked, &asked.id, true).await
}

async fn session_objects(asked: &Asked) -> Result<Vec<Map<String, Value>>, Refusal> {
    let db = &asked.state.db;
    let years = school_year::Entity::find().order_by_asc(school_year::Column::StartsOn).all(db).await?;
    let semesters = semester::Entity::find().order_by_asc(semester::Column::StartsOn).all(db).await?;
    let mut found = Vec::new();
    for year in &years {
        let own: Vec<&semester::Model> = semesters.iter().filter(|s| s.school_year_id == year.id).collect();
        found.push(objects::school_year(year, &own, &asked.here));
        found.extend(own.iter().map(|row| objects::semester(row, year, &asked.here)));
    }
    Ok(found)
}

/// Which sessions a collection lists: every one, or those of one type.
#[derive(Clone, Copy)]
pub(super) enum Sessions {
    All,
    /// The terms EMIS keeps: the semesters (type `semester`).
    Terms,
    /// Grading periods, which EMIS does not keep: an assessment belongs to a semester.
    GradingPeriods,
}

impl Sessions {
    fn keeps(self, object: &Map<String, Value>) -> bool {
        match self {
            Sessions::All => true,
            Sessions::Terms => object["type"] == "semester",
            Sessions::GradingPeriods => object["type"] == "gradingPeriod",
        }
    }
}

async fn session_page(asked: &Asked, which: Sessions) -> Reply {
    asked.query.check_fields(SESSION_FIELDS)?;
    let all = session_objects(asked).await?.into_iter().filter(|object| which.keeps(object)).collect();
    let (found, total) = listing::in_memory(all, &asked.query)?;
    Ok(reply::page("academicSessions", found, total, &asked.path, &asked.query, &asked.raw))
}

async fn session_one(asked: &Asked, which: Sessions) -> Reply {
    asked.query.check_fields(SESSION_FIELDS)?;
    let id = asked.id.as_str();
    let found =
        session_objects(asked).await?.into_iter().find(|object| object["sourcedId"] == id && which.keeps(object));
    let found = found.ok_or_else(|| Refusal::unknown("academicSession", id))?;
    Ok(reply::one("academicSession", found, asked.query.fields.as_deref()))
}

pub(super) async fn sessions(asked: &Asked) -> Reply {
    session_page(asked, Sessions::All).await
}

pub(super) async fn session_by_id(asked: &Asked) -> Reply {
    session_one(asked, Sessions::All).await
}

pub(super) async fn terms(asked: &Asked) -> Reply {
    session_page(asked, Sessions::Terms).await
}

/// A school's terms: the national calendar's, once the caller may read the school.
pub(super) async fn terms_of_school(asked: &Asked) -> Reply {
    reached_org(asked, &asked.id, true).await?;
    session_page(asked, Sessions::Terms).await
}

pub(super) async fn term_by_id(asked: &Asked) -> Reply {
    session_one(asked, Sessions::Terms).await
}

pub(super) async fn grading_periods(asked: &Asked) -> Reply {
    session_page(asked, Sessions::GradingPeriods).await
}

pub(super) async fn grading_period_by_id(asked: &Asked) -> Reply {
    session_one(asked, Sessions::GradingPeriods).await
}

/// A term's grading periods: none, once the term exists.
pub(super) async fn grading_periods_of_term(asked: &Asked) -> Reply {
    let id = asked.id.as_str();
    let terms = session_objects(asked).await?;
    if !terms.iter().any(|object| object["sourcedId"] == id && Sessions::Terms.keeps(object)) {
        return Err(Refusal::unknown("term", id));
    }
    session_page(asked, Sessions::GradingPeriods).await
}
