//! `/users` and `/users/{id}`: the students, teachers and guardians the caller may read, as
//! one collection. Each group is its own privacy-checked read (students and teachers through
//! their readers, guardians through their readable links); the groups' ids are paged,
//! counted and sorted together in one statement (a `UNION ALL` of the three reads, each under
//! its own privacy condition), and the rows of a page are then read back through the same
//! reads, so every row leaves through its per-record check. Without a `sort`, students come
//! first, then teachers, then guardians, each in the order they were registered.

use super::super::listing::{self, Typed};
use super::super::objects::USER_FIELDS;
use super::super::refs::org_ids;
use super::super::reply::{self, Refusal};
use super::super::{Asked, Reply};
use super::guardians::guardian_objects;
use super::people::{student_column, student_objects};
use super::teachers::{teacher_column, teaching};
use crate::privacy::{Reader, Visible, readers};
use emis_authz::Kind;
use emis_oneroster::rest::Direction;
use entity::{guardian, staff, student};
use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait as _, Order, Query, SelectStatement, UnionType};
use sea_orm::{
    ColumnTrait as _, ConnectionTrait as _, EntityTrait, QueryFilter as _, QuerySelect as _, QueryTrait as _,
};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The groups of users, in their order without a sort.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Group {
    Students = 0,
    Teachers = 1,
    Guardians = 2,
}

impl Group {
    fn of(number: i64) -> Option<Group> {
        [Group::Students, Group::Teachers, Group::Guardians].into_iter().find(|group| *group as i64 == number)
    }
}

fn guardian_column(field: &str) -> Option<(guardian::Column, Typed)> {
    match field {
        "sourcedId" => Some((guardian::Column::ExternalId, Typed::Text)),
        "givenName" => Some((guardian::Column::GivenName, Typed::Text)),
        "status" => Some((guardian::Column::Id, Typed::Constant("active"))),
        _ => None,
    }
}

/// The column each group's rows are sorted by when the query sorts on `field`.
fn sort_key(field: &str) -> Option<&'static str> {
    match field {
        "sourcedId" => Some("sourced_id"),
        "givenName" => Some("given_name"),
        _ => None,
    }
}

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

/// `select` reduced to a group's keys: the group, the id, and the columns a sort may use.
fn keyed<E: EntityTrait>(
    select: sea_orm::Select<E>,
    group: Group,
    [id, sourced, given]: [E::Column; 3],
) -> SelectStatement {
    let mut select = select.into_query();
    select
        .clear_selects()
        .expr_as(Expr::cust(format!("CAST({} AS BIGINT)", group as i64)), Alias::new("grp"))
        .expr_as(Expr::col((E::default(), id)), Alias::new("id"))
        .expr_as(Expr::col((E::default(), sourced)), Alias::new("sourced_id"))
        .expr_as(Expr::col((E::default(), given)), Alias::new("given_name"));
    select
}

/// The keys of the users a group read selects: `read` under the query's filter.
fn group_of<'a, E>(
    asked: &'a Asked,
    read: Visible<'a, E>,
    reader: &'static Reader<E>,
    columns: listing::Columns<E::Column>,
    group: Group,
    keys: [E::Column; 3],
) -> Result<SelectStatement, Refusal>
where
    E: EntityTrait,
    E::Model: Send + Sync,
{
    let (select, _) = listing::filtered(read, reader, &asked.access, &asked.query, columns)?.into_statement();
    Ok(keyed(select, group, keys))
}

/// The keys of each group's users the query selects.
fn groups(asked: &Asked) -> Result<[SelectStatement; 3], Refusal> {
    use {guardian::Column as G, staff::Column as T, student::Column as S};
    let access = &asked.access;
    let students = access.read(&readers::STUDENT).narrow(S::SchoolId, |column| column.is_not_null());
    let students = group_of(
        asked,
        students,
        &readers::STUDENT,
        student_column,
        Group::Students,
        [S::Id, S::ExternalId, S::GivenName],
    )?;
    let teachers = access.read(&readers::STAFF).through(teaching());
    let teachers = group_of(
        asked,
        teachers,
        &readers::STAFF,
        teacher_column,
        Group::Teachers,
        [T::Id, T::ExternalId, T::GivenName],
    )?;
    let guardians = guardian::Entity::find()
        .filter(access.guardians_reached())
        .filter(listing::filter_condition(&asked.query, guardian_column)?);
    let guardians = keyed(guardians, Group::Guardians, [G::Id, G::ExternalId, G::GivenName]);
    Ok([students, teachers, guardians])
}

pub(super) async fn users(asked: &Asked) -> Reply {
    asked.query.check_fields(USER_FIELDS)?;
    refuse_contact_filters(asked)?;
    let order = match &asked.query.sort {
        Some(field) => Some(sort_key(field).ok_or_else(|| listing::not_sortable(field))?),
        None => None,
    };
    let [students, teachers, guardians] = groups(asked)?;
    let mut all = students;
    all.union(UnionType::All, teachers).union(UnionType::All, guardians);
    let users = Alias::new("users");
    let db = &asked.state.db;
    let count = Query::select()
        .expr_as(Expr::col(Asterisk).count(), Alias::new("total"))
        .from_subquery(all.clone(), users.clone())
        .to_owned();
    let total = db.query_one(&count).await?.map(|row| row.try_get::<i64>("", "total")).transpose()?;
    let total = u64::try_from(total.unwrap_or_default()).unwrap_or_default();
    let mut page = Query::select().columns([Alias::new("grp"), Alias::new("id")]).from_subquery(all, users).to_owned();
    if let Some(column) = order {
        let direction = if asked.query.direction == Direction::Desc { Order::Desc } else { Order::Asc };
        page.order_by(Alias::new(column), direction);
    }
    page.order_by(Alias::new("grp"), Order::Asc)
        .order_by(Alias::new("id"), Order::Asc)
        .limit(asked.query.limit)
        .offset(asked.query.offset);
    let mut listed = Vec::new();
    for row in db.query_all(&page).await? {
        let group = Group::of(row.try_get::<i64>("", "grp")?);
        listed.extend(group.map(|group| (group, row.try_get::<i64>("", "id"))));
    }
    let listed: Vec<(Group, i64)> =
        listed.into_iter().map(|(group, id)| id.map(|id| (group, id))).collect::<Result<_, _>>()?;
    let mut found = user_objects(asked, &listed).await?;
    let objects = listed.iter().filter_map(|key| found.remove(key)).collect();
    Ok(reply::page("users", objects, total, &asked.path, &asked.query, &asked.raw))
}

/// The users `listed`, read back through each group's own read (and its check).
async fn user_objects(
    asked: &Asked,
    listed: &[(Group, i64)],
) -> Result<HashMap<(Group, i64), Map<String, Value>>, Refusal> {
    let db = &asked.state.db;
    let of = |wanted: Group| listed.iter().filter(move |(group, _)| *group == wanted).map(|(_, id)| *id);
    let mut found = HashMap::new();
    let ids: Vec<i64> = of(Group::Students).collect();
    if !ids.is_empty() {
        let rows = asked
            .access
            .read(&readers::STUDENT)
            .narrow(student::Column::SchoolId, |column| column.is_not_null())
            .narrow(student::Column::Id, |column| column.is_in(ids))
            .all(db)
            .await?;
        let objects = student_objects(asked, &rows).await?;
        found.extend(rows.iter().map(|row| (Group::Students, row.id)).zip(objects));
    }
    let ids: Vec<i64> = of(Group::Teachers).collect();
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
            ((Group::Teachers, row.id), super::super::objects::teacher(row, school, &asked.here))
        }));
    }
    let ids: Vec<i64> = of(Group::Guardians).collect();
    if !ids.is_empty() {
        let objects = guardian_objects(asked, &ids).await?;
        found.extend(objects.into_iter().map(|(id, object)| ((Group::Guardians, id), object)));
    }
    Ok(found)
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
        (Group::Students, row.id)
    } else if let Some(row) = asked
        .access
        .read(&readers::STAFF)
        .through(teaching())
        .narrow(staff::Column::ExternalId, |column| column.eq(id))
        .one(db)
        .await?
    {
        (Group::Teachers, row.id)
    } else {
        let row = guardian::Entity::find()
            .select_only()
            .column(guardian::Column::Id)
            .filter(asked.access.guardians_reached())
            .filter(guardian::Column::ExternalId.eq(id))
            .into_tuple::<i64>()
            .one(db)
            .await?;
        (Group::Guardians, row.ok_or_else(|| Refusal::unknown("user", id))?)
    };
    let object = user_objects(asked, &[listed]).await?.remove(&listed);
    let object = object.ok_or_else(|| Refusal::unknown("user", id))?;
    Ok(reply::one("user", object, asked.query.fields.as_deref()))
}
