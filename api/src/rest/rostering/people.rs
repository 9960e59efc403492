//! Students as users (`/students`, a school's, a class's roster) and their enrollments in
//! homeroom classes, read through the student and enrollment readers: a student is listed
//! only where the caller may read where they are, and an enrollment names its student only
//! as far as the caller may read them.

use super::super::listing::{self, Typed};
use super::super::objects::{self, ENROLLMENT_FIELDS, USER_FIELDS};
use super::super::refs::{org_ids, student_ids};
use super::super::reply::{self, Refusal};
use super::super::{Asked, Reply};
use super::classes::reached_class;
use super::orgs::{reached_org, school_named};
use crate::exchange::names::named;
use crate::privacy::{When, readers};
use entity::{enrollment, homeroom_class, student};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
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

fn enrollment_column(field: &str) -> Option<(enrollment::Column, Typed)> {
    match field {
        "beginDate" => Some((enrollment::Column::StartsOn, Typed::Date)),
        "endDate" => Some((enrollment::Column::EndsOn, Typed::Date)),
        "status" => Some((enrollment::Column::Id, Typed::Constant("active"))),
        "role" => Some((enrollment::Column::Id, Typed::Constant("student"))),
        _ => None,
    }
}

async fn enrollment_objects(asked: &Asked, rows: &[enrollment::Model]) -> Result<Vec<Map<String, Value>>, Refusal> {
    let db = &asked.state.db;
    let schools = org_ids(asked, rows.iter().map(|row| row.school_id)).await?;
    let classes = homeroom_class::Entity::find()
        .filter(homeroom_class::Column::Id.is_in(rows.iter().map(|row| row.class_id)))
        .all(db)
        .await?;
    let classes: HashMap<i64, String> = classes.into_iter().map(|row| (row.id, row.external_id)).collect();
    let students = student_ids(asked, rows.iter().map(|row| row.student_id)).await?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            let user = students.get(&row.student_id)?;
            let class = classes.get(&row.class_id).map_or("", String::as_str);
            let school = schools.get(&row.school_id).map_or("", String::as_str);
            Some(objects::enrollment(row, user, class, school, &asked.here))
        })
        .collect())
}

async fn enrollment_page(asked: &Asked, school: Option<&str>) -> Reply {
    asked.query.check_fields(ENROLLMENT_FIELDS)?;
    let school = school_named(asked, school).await?;
    let (rows, total) = listing::page(
        &asked.state.db,
        &asked.access,
        &readers::ENROLLMENT,
        |read| match school {
            Some(school) => read.narrow(enrollment::Column::SchoolId, |column| column.eq(school)),
            None => read,
        },
        &asked.query,
        enrollment_column,
    )
    .await?;
    let found = enrollment_objects(asked, &rows).await?;
    Ok(reply::page("enrollments", found, total, &asked.path, &asked.query, &asked.raw))
}

pub(super) async fn enrollments(asked: &Asked) -> Reply {
    enrollment_page(asked, None).await
}

pub(super) async fn enrollments_of_school(asked: &Asked) -> Reply {
    enrollment_page(asked, Some(&asked.id)).await
}

pub(super) async fn enrollment_by_id(asked: &Asked) -> Reply {
    asked.query.check_fields(ENROLLMENT_FIELDS)?;
    let id = asked.id.as_str();
    let which = named("enrollment", enrollment::Column::Id, enrollment::Column::ExternalId, id);
    let row = asked.access.read(&readers::ENROLLMENT).through(which).one(&asked.state.db).await?;
    let row = row.ok_or_else(|| Refusal::unknown("enrollment", id))?;
    let object = enrollment_objects(asked, std::slice::from_ref(&row)).await?.pop();
    let object = object.ok_or_else(|| Refusal::unknown("enrollment", id))?;
    Ok(reply::one("enrollment", object, asked.query.fields.as_deref()))
}
