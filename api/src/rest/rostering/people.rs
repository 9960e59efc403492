//! Students as users (`/students`, `/students/{id}`, a school's, a class's roster), read
//! through the student reader: a student is listed only where the caller may read where they
//! are, with the guardians the caller may read through the student's links as `agents`.

use super::super::listing::{self, Typed};
use super::super::objects::{self, USER_FIELDS};
use super::super::refs::org_ids;
use super::super::reply::{self, Refusal};
use super::super::{Asked, Reply};
use super::classes::reached_class;
use super::orgs::reached_org;
use crate::privacy::{Target, When, readers};
use entity::{guardian, guardianship, student};
use sea_orm::{ColumnTrait as _, FromQueryResult, QueryOrder as _, QuerySelect as _};
use serde_json::{Map, Value};
use std::collections::HashMap;

pub(super) fn student_column(field: &str) -> Option<(student::Column, Typed)> {
    match field {
        "sourcedId" => Some((student::Column::ExternalId, Typed::Text)),
        "givenName" => Some((student::Column::GivenName, Typed::Text)),
        "status" => Some((student::Column::Id, Typed::Constant("active"))),
        _ => None,
    }
}

/// Where the students of a page are read from.
enum Among {
    /// Every student the caller may read where they are.
    All,
    School(i64),
    /// On the roster of a class today.
    Class(i64),
}

async fn student_page(asked: &Asked, among: Among) -> Reply {
    asked.query.check_fields(USER_FIELDS)?;
    // A OneRoster user always names their school: students whose school the caller may not
    // read (the `enrollment` kind) are not listed.
    let (rows, total) = listing::page(
        &asked.state.db,
        &asked.access,
        &readers::STUDENT,
        |read| match among {
            Among::All => read.narrow(student::Column::SchoolId, |column| column.is_not_null()),
            Among::School(school) => read.narrow(student::Column::SchoolId, |column| column.eq(school)),
            Among::Class(class) => read
                .narrow(student::Column::SchoolId, |column| column.is_not_null())
                .enrolled_in_class(class, When::Today),
        },
        &asked.query,
        student_column,
    )
    .await?;
    let found = student_objects(asked, &rows).await?;
    Ok(reply::page("users", found, total, &asked.path, &asked.query, &asked.raw))
}

pub(super) async fn student_objects(
    asked: &Asked,
    rows: &[student::Model],
) -> Result<Vec<Map<String, Value>>, Refusal> {
    let schools = org_ids(asked, rows.iter().map(|row| row.school_id)).await?;
    // A caller who may read no guardianship (a vendor sharing the roster only) has none.
    let agents = if asked.wants("agents") && asked.access.may_read_some(emis_authz::Kind::Guardianship) {
        agents_of(asked, rows).await?
    } else {
        HashMap::new()
    };
    Ok(rows
        .iter()
        .map(|row| {
            let school = schools.get(&row.school_id).map_or("", String::as_str);
            let agents = agents.get(&row.id).map(Vec::as_slice).unwrap_or_default();
            objects::student(row, school, agents, &asked.here)
        })
        .collect())
}

/// A student's guardian, as far as an agent needs them.
#[derive(FromQueryResult)]
struct Agent {
    student_id: i64,
    school_id: i64,
    external_id: String,
}

/// The `sourcedId`s of the guardians of each of `rows` that the caller may read through their
/// links (for a vendor, only under an agreement that shares guardianships and guardians).
async fn agents_of(asked: &Asked, rows: &[student::Model]) -> Result<HashMap<i64, Vec<String>>, Refusal> {
    let (select, checker) = asked.access.guardian_links(rows.iter().map(|row| row.id), |select| {
        select
            .columns([guardianship::Column::StudentId, guardianship::Column::SchoolId])
            .column(guardian::Column::ExternalId)
    });
    let links = select.order_by_asc(guardian::Column::ExternalId).into_model::<Agent>().all(&asked.state.db).await?;
    let links = checker.admit(links, |link| Target::student(link.student_id, link.school_id)).await?;
    let mut agents: HashMap<i64, Vec<String>> = HashMap::new();
    for link in links {
        agents.entry(link.student_id).or_default().push(link.external_id);
    }
    Ok(agents)
}

pub(super) async fn students(asked: &Asked) -> Reply {
    student_page(asked, Among::All).await
}

pub(super) async fn students_of_school(asked: &Asked) -> Reply {
    let school = reached_org(asked, &asked.id, true).await?;
    student_page(asked, Among::School(school.id)).await
}

pub(super) async fn students_of_class(asked: &Asked) -> Reply {
    let class = reached_class(asked, &asked.id).await?;
    student_page(asked, Among::Class(class.homeroom())).await
}

pub(super) async fn student_by_id(asked: &Asked) -> Reply {
    asked.query.check_fields(USER_FIELDS)?;
    let id = asked.id.as_str();
    let row = asked
        .access
        .read(&readers::STUDENT)
        .narrow(student::Column::SchoolId, |column| column.is_not_null())
        .narrow(student::Column::ExternalId, |column| column.eq(id))
        .one(&asked.state.db)
        .await?
        .ok_or_else(|| Refusal::unknown("student", id))?;
    let object = student_objects(asked, std::slice::from_ref(&row)).await?.pop().unwrap_or_default();
    Ok(reply::one("user", object, asked.query.fields.as_deref()))
}
