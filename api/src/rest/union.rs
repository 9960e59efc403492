//! A collection made of several groups of records, each its own privacy-checked read (the
//! users: students, teachers, guardians; the classes: homeroom classes and sections;
//! enrollments; line items; results): each group's read is reduced to its keys — the
//! group's number, the row's id, and the values a sort may use. Without a sort the groups
//! come in their order, each counted and paged on its own in the order it was registered;
//! a sort pages them together in one statement (a `UNION ALL` of the reads, each under its
//! own privacy condition). The page's rows are then read back through each group's own
//! read, so every row leaves through its per-record check.

use super::listing::{self, Columns};
use super::reply::Refusal;
use super::{Asked, listing::not_sortable};
use crate::privacy::{Reader, Visible};
use emis_oneroster::rest::Direction;
use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait as _, Order, Query, SelectStatement, UnionType};
use sea_orm::{ConnectionTrait as _, EntityTrait, QueryTrait as _};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The names under which each group gives the values a sort may use.
pub type SortKeys = &'static [(&'static str, &'static str)];

/// A record's key within its group: its id, and for a record made of two rows (a student's
/// enrollment in a section: the homeroom enrollment and the section) the second row's id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub group: i64,
    pub id: i64,
    pub inner: i64,
}

impl Key {
    /// The key of row `id` of `group`, a record of one row.
    pub fn of(group: i64, id: i64) -> Key {
        Key { group, id, inner: 0 }
    }
}

/// The ids of the rows of `group` in `listed`.
pub fn ids_of(listed: &[Key], group: i64) -> Vec<i64> {
    listed.iter().filter(|key| key.group == group).map(|key| key.id).collect()
}

/// Objects of `group` read back by row id, under their keys.
pub fn in_group(
    group: i64,
    objects: HashMap<i64, Map<String, Value>>,
) -> impl Iterator<Item = (Key, Map<String, Value>)> {
    objects.into_iter().map(move |(id, object)| (Key::of(group, id), object))
}

/// The objects read back of `listed`, in its order; a record its read back left out (its
/// per-record check refused it) is left out of the page.
pub fn in_order(listed: &[Key], mut found: HashMap<Key, Map<String, Value>>) -> Vec<Map<String, Value>> {
    listed.iter().filter_map(|key| found.remove(key)).collect()
}

/// `select` reduced to its group's keys: `group`, the row's `id` (and `inner`, the second
/// row's, where a record is made of two), and each sort key's value (`keys`, one expression
/// per name of the collection's [`SortKeys`], in their order).
pub fn keyed(
    mut select: SelectStatement,
    group: i64,
    [id, inner]: [Option<Expr>; 2],
    sorts: SortKeys,
    keys: Vec<Expr>,
) -> SelectStatement {
    let number = |value: i64| Expr::cust(format!("CAST({value} AS BIGINT)"));
    select
        .clear_selects()
        .expr_as(number(group), Alias::new("grp"))
        .expr_as(id.unwrap_or_else(|| number(0)), Alias::new("id"))
        .expr_as(inner.unwrap_or_else(|| number(0)), Alias::new("inner"));
    for ((_, alias), key) in sorts.iter().zip(keys) {
        select.expr_as(key, Alias::new(*alias));
    }
    select
}

/// The statement of a group read through a reader: `read` under the query's filter (its
/// rows are checked when they are read back).
pub fn group_of<'a, E>(
    asked: &'a Asked,
    read: Visible<'a, E>,
    reader: &'static Reader<E>,
    columns: Columns<E::Column>,
) -> Result<SelectStatement, Refusal>
where
    E: EntityTrait,
    E::Model: Send + Sync,
{
    let (select, _) = listing::filtered(read, reader, &asked.access, &asked.query, columns)?.into_statement();
    Ok(select.into_query())
}

/// The page the query asks for of the groups `groups` (keyed alike), as keys in order, and
/// how many records match in all. A sort must name one of `sorts`.
///
/// Without a sort — how a sync job walks a collection — each group is counted and paged on
/// its own, in its order by id (an index walk, as for a collection of one kind); only a
/// sort reads the groups together in one `UNION ALL`, ordered by the sort's value.
pub async fn page(asked: &Asked, groups: Vec<SelectStatement>, sorts: SortKeys) -> Result<(Vec<Key>, u64), Refusal> {
    match &asked.query.sort {
        Some(field) => {
            let found = sorts.iter().find(|(name, _)| name == field);
            let order = found.ok_or_else(|| not_sortable(field))?.1;
            sorted_page(asked, groups, order).await
        }
        None => group_by_group(asked, groups).await,
    }
}

/// How many rows `group` selects.
async fn count(asked: &Asked, group: SelectStatement) -> Result<u64, Refusal> {
    let count = Query::select()
        .expr_as(Expr::col(Asterisk).count(), Alias::new("total"))
        .from_subquery(group, Alias::new("grouped"))
        .to_owned();
    let total = asked.state.db.query_one(&count).await?.map(|row| row.try_get::<i64>("", "total")).transpose()?;
    Ok(u64::try_from(total.unwrap_or_default()).unwrap_or_default())
}

/// The keys of `select` (a group, or the groups together) in `order`.
async fn keys(
    asked: &Asked,
    select: SelectStatement,
    order: Vec<(&str, Order)>,
    window: (u64, u64),
) -> Result<Vec<Key>, Refusal> {
    let mut page = Query::select()
        .columns([Alias::new("grp"), Alias::new("id"), Alias::new("inner")])
        .from_subquery(select, Alias::new("grouped"))
        .to_owned();
    for (column, direction) in order {
        page.order_by(Alias::new(column), direction);
    }
    page.offset(window.0).limit(window.1);
    let mut listed = Vec::new();
    for row in asked.state.db.query_all(&page).await? {
        let (group, id, inner) = (row.try_get("", "grp")?, row.try_get("", "id")?, row.try_get("", "inner")?);
        listed.push(Key { group, id, inner });
    }
    Ok(listed)
}

/// The page of the groups in their order, each group in its order by id.
async fn group_by_group(asked: &Asked, groups: Vec<SelectStatement>) -> Result<(Vec<Key>, u64), Refusal> {
    let mut totals = Vec::with_capacity(groups.len());
    for group in &groups {
        totals.push(count(asked, group.clone()).await?);
    }
    let (mut skip, mut wanted) = (asked.query.offset, asked.query.limit);
    let mut listed = Vec::new();
    for (group, total) in groups.into_iter().zip(&totals) {
        if wanted == 0 {
            break;
        }
        if skip >= *total {
            skip -= total;
            continue;
        }
        let order = vec![("id", Order::Asc), ("inner", Order::Asc)];
        let found = keys(asked, group, order, (skip, wanted)).await?;
        wanted = wanted.saturating_sub(found.len() as u64);
        skip = 0;
        listed.extend(found);
    }
    Ok((listed, totals.iter().sum()))
}

/// The page of the groups together, sorted by `order` (one of the sort keys' names).
async fn sorted_page(asked: &Asked, groups: Vec<SelectStatement>, order: &str) -> Result<(Vec<Key>, u64), Refusal> {
    let mut groups = groups.into_iter();
    let Some(mut all) = groups.next() else { return Ok((Vec::new(), 0)) };
    for group in groups {
        all.union(UnionType::All, group);
    }
    let total = count(asked, all.clone()).await?;
    let direction = if asked.query.direction == Direction::Desc { Order::Desc } else { Order::Asc };
    let order = vec![(order, direction), ("grp", Order::Asc), ("id", Order::Asc), ("inner", Order::Asc)];
    let listed = keys(asked, all, order, (asked.query.offset, asked.query.limit)).await?;
    Ok((listed, total))
}
