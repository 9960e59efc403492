//! Students as users (`/students`, `/students/{id}`, a school's, a class's roster), read
//! through the student reader: a student is listed only where the caller may read where they
//! are.

use super::super::listing::{self, Typed};
use super::super::objects::{self, USER_FIELDS};
use super::super::refs::org_ids;
use super::super::reply::{self, Refusal};
use super::super::{Asked, Reply};
use super::classes::reached_class;
use super::orgs::reached_org;
use crate::privacy::{When, readers};
use entity::student;
use sea_orm::ColumnTrait as _;
use serde_json::{Map, Value};

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
    Ok(rows
        .iter()
        .map(|row| objects::student(row, schools.get(&row.school_id).map_or("", String::as_str), &asked.here))
        .collect())
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
