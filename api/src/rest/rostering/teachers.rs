//! Teachers as users (`/teachers`, `/teachers/{id}`, `/schools/{id}/teachers`,
//! `/classes/{id}/teachers`): the staff
//! members with a teaching assignment (a homeroom class or a section), read through the
//! staff reader — for a vendor, the staff of the whole schools its agreements cover, never
//! their contact.

use super::super::listing::{self, Typed};
use super::super::objects::{self, USER_FIELDS};
use super::super::refs::org_ids;
use super::super::reply::{self, Refusal};
use super::super::{Asked, Reply};
use super::classes::{Reached, reached_class};
use super::orgs::school_named;
use crate::privacy::readers;
use entity::{staff, teaching_assignment};
use sea_orm::ColumnTrait as _;
use sea_orm::sea_query::Query;

pub(super) fn teacher_column(field: &str) -> Option<(staff::Column, Typed)> {
    match field {
        "sourcedId" => Some((staff::Column::ExternalId, Typed::Text)),
        "givenName" => Some((staff::Column::GivenName, Typed::Text)),
        "status" => Some((staff::Column::Id, Typed::Constant("active"))),
        _ => None,
    }
}

/// The staff members with a teaching assignment, by id: who teaches is a fact of the
/// assignments, which name no person's data.
pub(super) fn teaching() -> sea_orm::Condition {
    teaching_where(sea_orm::Condition::all())
}

/// The staff members with a teaching assignment that meets `assignment`.
fn teaching_where(assignment: sea_orm::Condition) -> sea_orm::Condition {
    let assigned = Query::select()
        .column(teaching_assignment::Column::StaffId)
        .from(teaching_assignment::Entity)
        .cond_where(assignment)
        .to_owned();
    sea_orm::Condition::all().add(staff::Column::Id.in_subquery(assigned))
}

async fn teacher_page(asked: &Asked, school: Option<&str>, teaching: sea_orm::Condition) -> Reply {
    asked.query.check_fields(USER_FIELDS)?;
    let school = school_named(asked, school).await?;
    let (rows, total) = listing::page(
        &asked.state.db,
        &asked.access,
        &readers::STAFF,
        |read| match school {
            Some(school) => read.through(teaching).narrow(staff::Column::SchoolId, |column| column.eq(school)),
            None => read.through(teaching),
        },
        &asked.query,
        teacher_column,
    )
    .await?;
    let schools = org_ids(asked, rows.iter().map(|row| row.school_id)).await?;
    let found = rows
        .iter()
        .map(|row| objects::teacher(row, schools.get(&row.school_id).map_or("", String::as_str), &asked.here))
        .collect();
    Ok(reply::page("users", found, total, &asked.path, &asked.query, &asked.raw))
}

pub(super) async fn teachers(asked: &Asked) -> Reply {
    teacher_page(asked, None, teaching()).await
}

pub(super) async fn teachers_of_school(asked: &Asked) -> Reply {
    teacher_page(asked, Some(&asked.id), teaching()).await
}

/// The teachers of a homeroom class (its homeroom teacher) or of a section.
pub(super) async fn teachers_of_class(asked: &Asked) -> Reply {
    use teaching_assignment::Column as A;
    let assignment = match reached_class(asked, &asked.id).await? {
        Reached::Homeroom(class) => sea_orm::Condition::all().add(A::ClassId.eq(class.id)),
        Reached::Section(section) => sea_orm::Condition::all().add(A::SectionId.eq(section.id)),
    };
    teacher_page(asked, None, teaching_where(assignment)).await
}

pub(super) async fn teacher_by_id(asked: &Asked) -> Reply {
    asked.query.check_fields(USER_FIELDS)?;
    let id = asked.id.as_str();
    let row = asked
        .access
        .read(&readers::STAFF)
        .through(teaching())
        .narrow(staff::Column::ExternalId, |column| column.eq(id))
        .one(&asked.state.db)
        .await?
        .ok_or_else(|| Refusal::unknown("teacher", id))?;
    let schools = org_ids(asked, [row.school_id]).await?;
    let school = schools.get(&row.school_id).map_or("", String::as_str);
    Ok(reply::one("user", objects::teacher(&row, school, &asked.here), asked.query.fields.as_deref()))
}
