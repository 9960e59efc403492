//! Reads of a table whose rows are records of more than one kind, or of one kind in more
//! than one way: a [`Mixed`] reader lists its [`Part`]s, each the rows a condition selects
//! (in SQL and the same in Rust) read as one or more kinds on their own shapes. The SQL
//! condition is the OR, over the parts, of each part's rows AND every one of its kinds'
//! conditions; a row leaves only when the per-record check permits it as every kind of a
//! part it belongs to. One statement, whatever the number of parts.

use super::Access;
use super::shape::{Shape, Target};
use super::visible::{Registered, Selected};
use crate::error::ApiError;
use emis_authz::{Action, Kind};
use futures::future::BoxFuture;
use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{
    ColumnTrait as _, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, Order, QueryFilter as _,
    QueryOrder as _, QuerySelect as _, Select,
};

/// One kind a part's rows are read as: its shape for SQL, its target for the check.
pub struct As<E: EntityTrait> {
    pub kind: Kind,
    pub shape: fn() -> Shape,
    pub target: fn(&E::Model) -> Target,
}

/// The rows `rows` selects (and `holds` recognises), read as every kind of `kinds`.
pub struct Part<E: EntityTrait> {
    /// The part's rows, as SQL.
    pub rows: fn() -> Condition,
    /// The same rows, recognised in Rust.
    pub holds: fn(&E::Model) -> bool,
    /// The kinds a row of the part must all be granted as.
    pub kinds: &'static [As<E>],
}

/// How the rows of one table are read when they are not all of one kind; declared once,
/// in `readers/`.
pub struct Mixed<E: EntityTrait + 'static> {
    /// A name for reports.
    pub name: &'static str,
    /// The primary-key column.
    pub key: E::Column,
    /// The row's id, for the agreement test.
    pub id: fn(&E::Model) -> i64,
    pub parts: &'static [Part<E>],
}

impl<E: EntityTrait> Mixed<E> {
    /// The kind `row` is reported as when the check refuses it: the first of its part's.
    fn kind_of(&self, row: &E::Model) -> Kind {
        let part = self.parts.iter().find(|part| (part.holds)(row)).or(self.parts.first());
        part.and_then(|part| part.kinds.first()).map_or(Kind::Student, |first| first.kind)
    }
}

impl Access {
    /// The SQL condition selecting the rows of `mixed` the caller may `action`.
    fn mixed_condition<E: EntityTrait>(&self, mixed: &Mixed<E>, action: Action) -> Condition {
        mixed.parts.iter().fold(Condition::any(), |any, part| {
            let granted = part.kinds.iter().fold(Condition::all().add((part.rows)()), |all, read| {
                all.add(self.filter(read.kind, action, &(read.shape)()))
            });
            any.add(granted)
        })
    }

    /// Whether the caller may `action` `row` of `mixed`: as every kind of some part it is in.
    pub(super) async fn mixed_permits<E: EntityTrait>(
        &self,
        mixed: &Mixed<E>,
        action: Action,
        row: &E::Model,
    ) -> Result<bool, DbErr> {
        for part in mixed.parts.iter().filter(|part| (part.holds)(row)) {
            let mut all = true;
            for read in part.kinds {
                if !self.permits(read.kind, action, (read.target)(row)).await? {
                    all = false;
                    break;
                }
            }
            if all {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The rows of `mixed` the caller may `action`, read as its parts say.
    pub fn read_mixed<E: EntityTrait>(&self, mixed: &'static Mixed<E>, action: Action) -> MixedRead<'_, E> {
        MixedRead { access: self, mixed, action, select: E::find() }
    }

    /// The row `id` of `mixed`, when the caller may `action` it as its part says;
    /// [`ApiError::NotPermitted`] when it is missing or forbidden alike.
    pub async fn reach_mixed<E>(
        &self,
        db: &impl ConnectionTrait,
        mixed: &'static Mixed<E>,
        action: Action,
        id: i64,
    ) -> Result<E::Model, ApiError>
    where
        E: EntityTrait,
        E::Model: Send + Sync,
    {
        let key = mixed.key;
        let found = self.read_mixed(mixed, action).through(Condition::all().add(key.eq(id))).one(db).await?;
        found.ok_or(ApiError::NotPermitted)
    }
}

/// The rows of a [`Mixed`] reader's table the caller may read; rows leave only through the
/// per-record check.
pub struct MixedRead<'a, E: EntityTrait + 'static> {
    access: &'a Access,
    mixed: &'static Mixed<E>,
    action: Action,
    select: Select<E>,
}

impl<E> MixedRead<'_, E>
where
    E: EntityTrait,
    E::Model: Send + Sync,
{
    /// Keeps the rows `condition` (on the rows' own columns or ids the caller was given)
    /// selects.
    pub fn through(mut self, condition: Condition) -> Self {
        self.select = self.select.filter(condition);
        self
    }

    /// Sorts by `column` (every column of a mixed reader's table is shown by its read).
    pub fn order_by(mut self, column: E::Column, order: Order) -> Self {
        self.select = self.select.order_by(column, order);
        self
    }

    /// At most `limit` rows.
    pub fn limit(mut self, limit: u64) -> Self {
        self.select = self.select.limit(limit);
        self
    }

    /// The statement of the rows the filters and the privacy condition select, for a read
    /// that pages them together with others; the rows of a page are then read back through
    /// [`MixedRead::all`], which checks each.
    pub fn into_statement(self) -> Select<E> {
        let privacy = self.access.mixed_condition(self.mixed, self.action);
        self.select.filter(privacy)
    }

    /// The rows, each checked before it leaves: the filters, then the privacy condition.
    pub async fn all(self, db: &impl ConnectionTrait) -> Result<Vec<E::Model>, DbErr> {
        let rows = self.select.clone().filter(self.access.mixed_condition(self.mixed, self.action)).all(db).await?;
        self.admit(rows).await
    }

    /// Every row the filters select, when the caller may act on each of them (see
    /// [`super::Visible::every`]); [`ApiError::NotPermitted`] when the condition or the
    /// per-record check hides any.
    pub async fn every(self, db: &impl ConnectionTrait) -> Result<Vec<E::Model>, ApiError> {
        let privacy = self.access.mixed_condition(self.mixed, self.action);
        let rows = super::acting::all_meeting(self.select.clone(), privacy, db).await?;
        let selected = rows.len();
        let kept = self.admit(rows).await?;
        if kept.len() == selected { Ok(kept) } else { Err(ApiError::NotPermitted) }
    }

    /// Keeps the rows the per-record check permits.
    async fn admit(&self, rows: Vec<E::Model>) -> Result<Vec<E::Model>, DbErr> {
        let mut kept = Vec::with_capacity(rows.len());
        for row in rows {
            if self.access.mixed_permits(self.mixed, self.action, &row).await? {
                kept.push(row);
            } else {
                super::inconsistency(self.mixed.kind_of(&row));
            }
        }
        Ok(kept)
    }

    /// How many rows the filters and the privacy condition select, by the value of `column`
    /// (a count, like [`super::Visible::count`], decided by the SQL condition alone).
    pub async fn tally(self, db: &impl ConnectionTrait, column: E::Column) -> Result<Vec<(String, i64)>, DbErr> {
        let privacy = self.access.mixed_condition(self.mixed, self.action);
        self.select
            .filter(privacy)
            .select_only()
            .column(column)
            .column_as(Expr::col(self.mixed.key).count(), "count")
            .group_by(column)
            .into_tuple()
            .all(db)
            .await
    }

    /// The first row, checked.
    pub async fn one(self, db: &impl ConnectionTrait) -> Result<Option<E::Model>, DbErr> {
        Ok(self.limit(1).all(db).await?.pop())
    }
}

impl<E> Registered for Mixed<E>
where
    E: EntityTrait + Sync,
    E::Model: Send + Sync,
    E::Column: Sync,
{
    fn name(&self) -> &'static str {
        self.name
    }

    /// One comparison, of the whole reader, named by its first kind.
    fn kinds(&self) -> Vec<Kind> {
        self.parts.first().and_then(|part| part.kinds.first()).map(|first| first.kind).into_iter().collect()
    }

    fn compare<'a>(
        &'a self,
        access: &'a Access,
        db: &'a DatabaseConnection,
        _kind: Kind,
        action: Action,
    ) -> BoxFuture<'a, Result<Selected, DbErr>> {
        Box::pin(async move {
            let by_sql = E::find().filter(access.mixed_condition(self, action)).all(db).await?;
            let by_sql = by_sql.iter().map(self.id).collect();
            let mut by_check = std::collections::BTreeSet::new();
            for row in E::find().all(db).await? {
                if access.mixed_permits(self, action, &row).await? {
                    by_check.insert((self.id)(&row));
                }
            }
            Ok((by_sql, by_check))
        })
    }
}
