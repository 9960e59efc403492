//! `/users` and `/users/{id}`: the students, teachers and guardians the caller may read, as
//! one collection (`super::super::union`): students and teachers through their readers,
//! guardians through their readable links. Without a `sort`, students come first, then
//! teachers, then guardians.

use super::super::listing::{self, Typed};
use super::super::objects::USER_FIELDS;
use super::super::refs::org_ids;
use super::super::reply::{self, Refusal};
use super::super::union::{self, Key, SortKeys};
use super::super::{Asked, Reply};
use super::guardians::guardian_objects;
use super::people::{student_column, student_objects};
use super::teachers::{teacher_column, teaching};
use crate::privacy::readers;
use emis_authz::Kind;
use entity::{guardian, staff, student};
use sea_orm::sea_query::{Alias, Expr, SelectStatement};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, QuerySelect as _, QueryTrait as _};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The groups of users, in their order without a sort.
const STUDENTS: i64 = 0;
const TEACHERS: i64 = 1;
const GUARDIANS: i64 = 2;

fn guardian_column(field: &str) -> Option<(guardian::Column, Typed)> {
    match field {
        "sourcedId" => Some((guardian::Column::ExternalId, Typed::Text)),
        "givenName" => Some((guardian::Column::GivenName, Typed::Text)),
        "status" => Some((guardian::Column::Id, Typed::Constant("active"))),
        _ => None,
    }
}

/// What `/users` may be sorted by, and the name each group gives its value.
const SORTS: SortKeys = &[("sourcedId", "sourced_id"), ("givenName", "given_name")];

/// A filter on a user's e-mail or phone, which EMIS keeps encrypted: refused as not shared
/// when the caller may never read a guardian's contact, and otherwise as a field no
/// statement can compare.
fn refuse_contact_filters(asked: &Asked) -> Result<(), Refusal> {
    let Some(filter) = &asked.query.filter else { return Ok(()) };
    for predicate in &filter.predicates {
        if matches!(predicate.field.as_str(), "email" | "phone" | "sms") {
            return Err(if asked.access.may_read_some(Kind::GuardianContact) {
                Refusal::sealed(&predicate.field)
            } else {
                Refusal::not_shared(&predicate.field)
            });
        }
    }
    Ok(())
}

/// The keys of each group's users the query selects.
fn groups(asked: &Asked) -> Result<Vec<SelectStatement>, Refusal> {
    let access = &asked.access;
    let keys = |table: Alias, [id, sourced, given]: [&str; 3]| {
        let col = |name: &str| Expr::col((table.clone(), Alias::new(name)));
        (col(id), vec![col(sourced), col(given)])
    };
    let students = access.read(&readers::STUDENT).narrow(student::Column::SchoolId, |column| column.is_not_null());
    let students = union::group_of(asked, students, &readers::STUDENT, student_column)?;
    let (id, sorted) = keys(Alias::new("student"), ["id", "external_id", "given_name"]);
    let students = union::keyed(students, STUDENTS, [Some(id), None], SORTS, sorted);
    let teachers = access.read(&readers::STAFF).through(teaching());
    let teachers = union::group_of(asked, teachers, &readers::STAFF, teacher_column)?;
    let (id, sorted) = keys(Alias::new("staff"), ["id", "external_id", "given_name"]);
    let teachers = union::keyed(teachers, TEACHERS, [Some(id), None], SORTS, sorted);
    let guardians = guardian::Entity::find()
        .filter(access.guardians_reached())
        .filter(listing::filter_condition(&asked.query, guardian_column, Some(guardian::Column::Id))?)
        .into_query();
    let (id, sorted) = keys(Alias::new("guardian"), ["id", "external_id", "given_name"]);
    let guardians = union::keyed(guardians, GUARDIANS, [Some(id), None], SORTS, sorted);
    Ok(vec![students, teachers, guardians])
}

pub(super) async fn users(asked: &Asked) -> Reply {
    asked.query.check_fields(USER_FIELDS)?;
    refuse_contact_filters(asked)?;
    let (listed, total) = union::page(asked, groups(asked)?, SORTS).await?;
    let objects = user_objects(asked, &listed).await?;
    Ok(reply::page("users", objects, total, &asked.path, &asked.query, &asked.raw))
}

/// The users `listed`, read back through each group's own read (and its check), in order.
async fn user_objects(asked: &Asked, listed: &[Key]) -> Result<Vec<Map<String, Value>>, Refusal> {
    let db = &asked.state.db;
    let mut found = HashMap::new();
    let ids = union::ids_of(listed, STUDENTS);
    if !ids.is_empty() {
        let rows = asked
            .access
            .read(&readers::STUDENT)
            .narrow(student::Column::SchoolId, |column| column.is_not_null())
            .narrow(student::Column::Id, |column| column.is_in(ids))
            .all(db)
            .await?;
        let objects = student_objects(asked, &rows).await?;
        found.extend(rows.iter().map(|row| Key::of(STUDENTS, row.id)).zip(objects));
    }
    let ids = union::ids_of(listed, TEACHERS);
    if !ids.is_empty() {
        let rows = asked
            .access
            .read(&readers::STAFF)
            .through(teaching())
            .narrow(staff::Column::Id, |column| column.is_in(ids))
            .all(db)
            .await?;
        let schools = org_ids(asked, rows.iter().map(|row| row.school_id)).await?;
        found.extend(rows.iter().map(|row| {
            let school = schools.get(&row.school_id).map_or("", String::as_str);
            (Key::of(TEACHERS, row.id), super::super::objects::teacher(row, school, &asked.here))
        }));
    }
    let ids = union::ids_of(listed, GUARDIANS);
    if !ids.is_empty() {
        found.extend(union::in_group(GUARDIANS, guardian_objects(asked, &ids).await?));
    }
    Ok(union::in_order(listed, found))
}

/// `/users/{id}`: the student, teacher or guardian with that `sourcedId`, if the caller may
/// read them.
pub(super) async fn user_by_id(asked: &Asked) -> Reply {
    asked.query.check_fields(USER_FIELDS)?;
    let id = asked.id.as_str();
    let db = &asked.state.db;
    let student = asked
        .access
        .read(&readers::STUDENT)
        .narrow(student::Column::SchoolId, |column| column.is_not_null())
        .narrow(student::Column::ExternalId, |column| column.eq(id))
        .one(db)
        .await?;
    let listed = if let Some(row) = student {
        Key::of(STUDENTS, row.id)
    } else if let Some(row) = asked
        .access
        .read(&readers::STAFF)
        .through(teaching())
        .narrow(staff::Column::ExternalId, |column| column.eq(id))
        .one(db)
        .await?
    {
        Key::of(TEACHERS, row.id)
    } else {
        let row = guardian::Entity::find()
            .select_only()
            .column(guardian::Column::Id)
            .filter(asked.access.guardians_reached())
            .filter(guardian::Column::ExternalId.eq(id))
            .into_tuple::<i64>()
            .one(db)
            .await?;
        Key::of(GUARDIANS, row.ok_or_else(|| Refusal::unknown("user", id))?)
    };
    let object = user_objects(asked, &[listed]).await?.pop();
    let object = object.ok_or_else(|| Refusal::unknown("user", id))?;
    Ok(reply::one("user", object, asked.query.fields.as_deref()))
}
