//! A collection made of several groups of records, each its own privacy-checked read (the
//! users: students, teachers, guardians; the classes: homeroom classes and sections): each
//! group's read is reduced to its keys — the group's number, the row's id, and the values a
//! sort may use — and the groups are paged, counted and sorted together in one statement (a
//! `UNION ALL` of the reads, each under its own privacy condition). The page's rows are then
//! read back through each group's own read, so every row leaves through its per-record check.
//! Without a sort, the groups come in their order, each in the order it was registered.

use super::listing::{self, Columns};
use super::reply::Refusal;
use super::{Asked, listing::not_sortable};
use crate::privacy::{Reader, Visible};
use emis_oneroster::rest::Direction;
use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait as _, Order, Query, SelectStatement, UnionType};
use sea_orm::{ConnectionTrait as _, EntityTrait, QueryTrait as _};

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
pub async fn page(asked: &Asked, groups: Vec<SelectStatement>, sorts: SortKeys) -> Result<(Vec<Key>, u64), Refusal> {
    let order = match &asked.query.sort {
        Some(field) => {
            let found = sorts.iter().find(|(name, _)| name == field);
            Some(found.ok_or_else(|| not_sortable(field))?.1)
        }
        None => None,
    };
    let mut groups = groups.into_iter();
    let Some(mut all) = groups.next() else { return Ok((Vec::new(), 0)) };
    for group in groups {
        all.union(UnionType::All, group);
    }
    let db = &asked.state.db;
    let named = Alias::new("grouped");
    let count = Query::select()
        .expr_as(Expr::col(Asterisk).count(), Alias::new("total"))
        .from_subquery(all.clone(), named.clone())
        .to_owned();
    let total = db.query_one(&count).await?.map(|row| row.try_get::<i64>("", "total")).transpose()?;
    let total = u64::try_from(total.unwrap_or_default()).unwrap_or_default();
    let mut page = Query::select()
        .columns([Alias::new("grp"), Alias::new("id"), Alias::new("inner")])
        .from_subquery(all, named)
        .to_owned();
    if let Some(column) = order {
        let direction = if asked.query.direction == Direction::Desc { Order::Desc } else { Order::Asc };
        page.order_by(Alias::new(column), direction);
    }
    page.order_by(Alias::new("grp"), Order::Asc)
        .order_by(Alias::new("id"), Order::Asc)
        .order_by(Alias::new("inner"), Order::Asc)
        .limit(asked.query.limit)
        .offset(asked.query.offset);
    let mut listed = Vec::new();
    for row in db.query_all(&page).await? {
        let (group, id, inner) = (row.try_get("", "grp")?, row.try_get("", "id")?, row.try_get("", "inner")?);
        listed.push(Key { group, id, inner });
    }
    Ok((listed, total))
}
