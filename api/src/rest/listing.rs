//! A collection read of the REST binding over a [`Visible`] read: the query's `filter`
//! becomes conditions on the columns its fields name (a field that names no column, or
//! whose kind the caller may never read, is refused, never applied or silently dropped),
//! `sort` a column the read shows, and the page is counted (`X-Total-Count`) and read under
//! the privacy condition like every other read.

use super::reply::Refusal;
use crate::privacy::{Access, Reader, Visible};
use chrono::NaiveDate;
use emis_oneroster::rest::{Direction, Logic, Op, Predicate, Query};
use sea_orm::sea_query::{Expr, ExprTrait as _, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order};

/// How a field's values compare.
#[derive(Clone, Copy, Debug)]
pub enum Typed {
    Text,
    Date,
    /// A moment, given as `YYYY-MM-DDTHH:MM:SS(.sss)Z` (or a date: its midnight, UTC).
    DateTime,
    /// Always the given text (`status` is `active` for every record EMIS shows).
    Constant(&'static str),
    /// Text the record's row derives (a section's title, from its subject and class), not a
    /// column of its own: the expression is compared instead of the column.
    Derived(fn() -> Expr),
    /// The record's `sourcedId`: its stored identifier, or `emis-<table>-<id>` for a record
    /// that has none ([`crate::exchange::names::named`]); `=` and `!=` find either.
    Sourced(&'static str),
}

/// The column (and how its values compare) a resource's field is filtered and sorted on.
pub type Columns<C> = fn(&str) -> Option<(C, Typed)>;

/// A page of `reader`'s rows the caller may read, narrowed by `narrowing` (the parent of a
/// nested collection) and `query`, and how many rows match in all.
pub async fn page<'a, E>(
    db: &impl ConnectionTrait,
    access: &'a Access,
    reader: &'static Reader<E>,
    narrowing: impl FnOnce(Visible<'a, E>) -> Visible<'a, E>,
    query: &Query,
    columns: Columns<E::Column>,
) -> Result<(Vec<E::Model>, u64), Refusal>
where
    E: EntityTrait,
    E::Model: Send + Sync,
{
    let mut read = filtered(narrowing(access.read(reader)), reader, access, query, columns)?;
    let total = read.matching().count(db).await?;
    if let Some(sort) = &query.sort {
        let column = sort_column(reader, sort, columns)?;
        let order = if query.direction == Direction::Desc { Order::Desc } else { Order::Asc };
        read = read.order_by(column, order);
    }
    let rows = read.order_by(reader.key, Order::Asc).offset(query.offset).limit(query.limit).all(db).await?;
    Ok((rows, total))
}

/// `read` narrowed by the query's filter, each field on the column `columns` names: a field
/// that names no column is refused, and so is one whose kind the caller may never read.
pub fn filtered<'a, E>(
    read: Visible<'a, E>,
    reader: &'static Reader<E>,
    access: &Access,
    query: &Query,
    columns: Columns<E::Column>,
) -> Result<Visible<'a, E>, Refusal>
where
    E: EntityTrait,
    E::Model: Send + Sync,
{
    let Some(filter) = &query.filter else { return Ok(read) };
    let mut tests = Vec::new();
    for predicate in &filter.predicates {
        let Some((column, typed)) = columns(&predicate.field) else {
            return Err(not_filterable(&predicate.field));
        };
        if let Some(kind) = (reader.guarded)(column)
            && !access.may_read_some(kind)
        {
            return Err(Refusal::not_shared(&predicate.field));
        }
        tests.push((column, test(column, Some(reader.key), typed, predicate)?));
    }
    Ok(read.narrow_each(filter.logic == Logic::Or, tests))
}

/// The column a sort on `field` orders by: one the record's own read shows.
pub fn sort_column<E: EntityTrait>(
    reader: &'static Reader<E>,
    field: &str,
    columns: Columns<E::Column>,
) -> Result<E::Column, Refusal> {
    let column = columns(field).map(|(column, _)| column).filter(|column| (reader.guarded)(*column).is_none());
    column.ok_or_else(|| not_sortable(field))
}

/// The condition a query's filter puts on a table read outside a [`Visible`] (whose rows
/// then leave through a check of their own): every field must name one of `columns`, none
/// of them guarded.
pub fn filter_condition<C: ColumnTrait>(
    query: &Query,
    columns: Columns<C>,
    key: Option<C>,
) -> Result<Condition, Refusal> {
    let Some(filter) = &query.filter else { return Ok(Condition::all()) };
    let mut joined = if filter.logic == Logic::Or { Condition::any() } else { Condition::all() };
    for predicate in &filter.predicates {
        let Some((column, typed)) = columns(&predicate.field) else {
            return Err(not_filterable(&predicate.field));
        };
        joined = joined.add(test(column, key, typed, predicate)?);
    }
    Ok(joined)
}

/// The condition `predicate` puts on `column` (of a table whose primary key is `key`).
fn test<C: ColumnTrait>(column: C, key: Option<C>, typed: Typed, predicate: &Predicate) -> Result<Condition, Refusal> {
    let value = predicate.value.as_str();
    if let (Typed::Sourced(table), Some(key), Op::Eq | Op::Ne) = (typed, key, predicate.op) {
        let named = crate::exchange::names::named(table, key, column, value);
        return Ok(if predicate.op == Op::Eq { named } else { named.not() });
    }
    compared(column, typed, predicate).map(|test| Condition::all().add(test))
}

/// The expression comparing `column` (or what `typed` derives) with the predicate's value.
fn compared<C: ColumnTrait>(column: C, typed: Typed, predicate: &Predicate) -> Result<SimpleExpr, Refusal> {
    let value = predicate.value.as_str();
    if let Typed::Constant(always) = typed {
        let holds = match predicate.op {
            Op::Eq => always == value,
            Op::Ne => always != value,
            Op::Contains => always.contains(value),
            Op::Gt => always > value,
            Op::Ge => always >= value,
            Op::Lt => always < value,
            Op::Le => always <= value,
        };
        return Ok(Expr::val(1).eq(if holds { 1 } else { 2 }));
    }
    let operand: sea_orm::Value = match typed {
        Typed::Date => NaiveDate::parse_from_str(value.get(..10).unwrap_or(value), "%Y-%m-%d")
            .map_err(|_| bad_value(&predicate.field, value))?
            .into(),
        Typed::DateTime => chrono::DateTime::parse_from_rfc3339(value)
            .map(|at| at.with_timezone(&chrono::Utc))
            .or_else(|_| {
                NaiveDate::parse_from_str(value, "%Y-%m-%d").map(|day| day.and_time(chrono::NaiveTime::MIN).and_utc())
            })
            .map_err(|_| bad_value(&predicate.field, value))?
            .into(),
        _ => value.to_owned().into(),
    };
    if let Typed::Derived(derive) = typed {
        let derived = derive();
        return Ok(match predicate.op {
            Op::Eq => derived.eq(operand),
            Op::Ne => derived.ne(operand),
            Op::Gt => derived.gt(operand),
            Op::Ge => derived.gte(operand),
            Op::Lt => derived.lt(operand),
            Op::Le => derived.lte(operand),
            Op::Contains => derived.like(format!("%{value}%")),
        });
    }
    Ok(match predicate.op {
        Op::Eq => column.eq(operand),
        Op::Ne => column.ne(operand),
        Op::Gt => column.gt(operand),
        Op::Ge => column.gte(operand),
        Op::Lt => column.lt(operand),
        Op::Le => column.lte(operand),
        Op::Contains => column.contains(value),
    })
}

pub fn not_filterable(field: &str) -> Refusal {
    Refusal {
        status: axum::http::StatusCode::BAD_REQUEST,
        code: "invalid_filter_field",
        vietnamese: format!("không lọc được theo trường {field:?}"),
        english: format!("the field {field:?} cannot be filtered on"),
    }
}

pub fn not_sortable(field: &str) -> Refusal {
    Refusal {
        status: axum::http::StatusCode::BAD_REQUEST,
        code: "invalid_selection_field",
        vietnamese: format!("không sắp xếp được theo trường {field:?}"),
        english: format!("the field {field:?} cannot be sorted on"),
    }
}

fn bad_value(field: &str, value: &str) -> Refusal {
    Refusal {
        status: axum::http::StatusCode::BAD_REQUEST,
        code: "invalid_filter_field",
        vietnamese: format!("giá trị {value:?} của trường {field:?} phải là ngày YYYY-MM-DD (hoặc thời điểm ISO 8601)"),
        english: format!(
            "the value {value:?} of the field {field:?} must be a date YYYY-MM-DD (or an ISO 8601 moment)"
        ),
    }
}

/// A page of `objects` (a small table of reference data, read whole) filtered, sorted and
/// paged by `query` on the objects' own top-level fields, and how many match in all.
pub fn in_memory(
    objects: Vec<serde_json::Map<String, serde_json::Value>>,
    query: &Query,
) -> Result<(Vec<serde_json::Map<String, serde_json::Value>>, u64), Refusal> {
    let text = |object: &serde_json::Map<String, serde_json::Value>, field: &str| {
        object.get(field).and_then(|value| value.as_str().map(str::to_owned).or_else(|| Some(value.to_string())))
    };
    let holds = |object: &serde_json::Map<String, serde_json::Value>, predicate: &Predicate| {
        let Some(found) = text(object, &predicate.field) else { return false };
        let value = predicate.value.as_str();
        match predicate.op {
            Op::Eq => found == value,
            Op::Ne => found != value,
            Op::Gt => found.as_str() > value,
            Op::Ge => found.as_str() >= value,
            Op::Lt => found.as_str() < value,
            Op::Le => found.as_str() <= value,
            Op::Contains => found.contains(value),
        }
    };
    let mut kept: Vec<_> = match &query.filter {
        None => objects,
        Some(filter) => objects
            .into_iter()
            .filter(|object| match filter.logic {
                Logic::And => filter.predicates.iter().all(|predicate| holds(object, predicate)),
                Logic::Or => filter.predicates.iter().any(|predicate| holds(object, predicate)),
            })
            .collect(),
    };
    if let Some(sort) = &query.sort {
        kept.sort_by_key(|object| text(object, sort));
        if query.direction == Direction::Desc {
            kept.reverse();
        }
    }
    let total = kept.len() as u64;
    let page = kept
        .into_iter()
        .skip(usize::try_from(query.offset).unwrap_or(usize::MAX))
        .take(usize::try_from(query.limit).unwrap_or(usize::MAX))
        .collect();
    Ok((page, total))
}
