//! `/demographics` and `/demographics/{id}`: a student's birth date, sex, ethnicity and
//! religion, listed only for the students whose background (`student.background`) the caller
//! may read — for a vendor, under the `roster-demographics.readonly` scope and an agreement
//! that shares that group. Each row's background is decided again per record before its
//! sealed values are opened (and the read noted for the disclosure log).

use super::super::listing::{self, Typed};
use super::super::objects::{self, DEMOGRAPHICS_FIELDS};
use super::super::refs::preload_keys;
use super::super::reply::{self, Refusal};
use super::super::{Asked, Reply};
use crate::privacy::{Target, readers};
use emis_authz::Kind;
use entity::student;
use sea_orm::ColumnTrait as _;
use serde_json::{Map, Value};

fn demographics_column(field: &str) -> Option<(student::Column, Typed)> {
    match field {
        "sourcedId" => Some((student::Column::ExternalId, Typed::Text)),
        "birthDate" => Some((student::Column::BirthDate, Typed::Date)),
        "sex" => Some((student::Column::Gender, Typed::Text)),
        "status" => Some((student::Column::Id, Typed::Constant("active"))),
        _ => None,
    }
}

/// The demographics of `rows`, each only if its background shows.
async fn demographics_objects(asked: &Asked, rows: &[student::Model]) -> Result<Vec<Map<String, Value>>, Refusal> {
    let vault = &asked.state.vault;
    let sealed: Vec<&Vec<u8>> = rows.iter().flat_map(|row| [&row.ethnicity_enc, &row.religion_enc]).flatten().collect();
    preload_keys(asked, &sealed).await?;
    let mut found = Vec::with_capacity(rows.len());
    for row in rows {
        if !asked.access.shows(Kind::StudentBackground, &[Target::student(row.id, row.school_id)]).await {
            continue;
        }
        let open = |column: &str, value: &Option<Vec<u8>>| {
            value.as_deref().and_then(|sealed| vault.open_field("student", column, row.id, sealed))
        };
        let (ethnicity, religion) =
            (open("ethnicity_enc", &row.ethnicity_enc), open("religion_enc", &row.religion_enc));
        found.push(objects::demographics(row, ethnicity, religion, &asked.here));
    }
    Ok(found)
}

pub(super) async fn demographics(asked: &Asked) -> Reply {
    asked.query.check_fields(DEMOGRAPHICS_FIELDS)?;
    let (rows, total) = listing::page(
        &asked.state.db,
        &asked.access,
        &readers::STUDENT,
        |read| read.showing(Kind::StudentBackground),
        &asked.query,
        demographics_column,
    )
    .await?;
    let found = demographics_objects(asked, &rows).await?;
    Ok(reply::page("demographics", found, total, &asked.path, &asked.query, &asked.raw))
}

pub(super) async fn demographics_by_id(asked: &Asked) -> Reply {
    asked.query.check_fields(DEMOGRAPHICS_FIELDS)?;
    let id = asked.id.as_str();
    let row = asked
        .access
        .read(&readers::STUDENT)
        .showing(Kind::StudentBackground)
        .narrow(student::Column::ExternalId, |column| column.eq(id))
        .one(&asked.state.db)
        .await?;
    let row = row.ok_or_else(|| Refusal::unknown("demographics", id))?;
    let object = demographics_objects(asked, std::slice::from_ref(&row)).await?.pop();
    let object = object.ok_or_else(|| Refusal::unknown("demographics", id))?;
    Ok(reply::one("demographics", object, asked.query.fields.as_deref()))
}
