//! The one way to read a table of personal records: a [`Reader`] declares, once per table
//! and kind of record, how its rows relate to the caller (the shape for SQL, the target for
//! the per-record check) and which of its columns only another grant shows; a [`Visible`]
//! is made only from an [`Access`] and a reader, carries the privacy condition compiled for
//! one action from the start, and hands rows out only through the per-record check for that
//! action: [`Access::read`] for what the caller is shown, [`Access::rows_for`] for the rows a
//! write (or an approval) touches, read under the condition of the action it was allowed.
//!
//! Filters and sorts go through the reader's columns: a filter on a column that a field
//! group or another kind shows (a student's school and status are facts of the
//! `enrollment` kind, their identity number of `student.identity`) is ANDed with that
//! kind's own condition, so a row whose fact the caller cannot read never matches; a sort
//! on such a column is refused.

use super::Access;
use super::shape::{Shape, Target};
use emis_authz::{Action, Kind};
use futures::future::BoxFuture;
use sea_orm::sea_query::{SelectStatement, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, Order, PaginatorTrait as _,
    QueryFilter as _, QueryOrder as _, QuerySelect as _, QueryTrait as _, Select,
};
use std::collections::BTreeSet;

/// How the rows of one table are read as one kind of record. Declared once, in
/// `readers/`, and registered there so the agreement test covers it.
pub struct Reader<E: EntityTrait> {
    /// A name for reports.
    pub name: &'static str,
    /// The kind of record the policy decides on.
    pub kind: Kind,
    /// The primary-key column.
    pub key: E::Column,
    /// The columns relationships are judged on.
    pub shape: fn() -> Shape,
    /// The values the per-record check judges one row on.
    pub target: fn(&E::Model) -> Target,
    /// The row's id, for reports and the agreement test.
    pub id: fn(&E::Model) -> i64,
    /// The kind (field group or related kind) whose grant shows a column, for the columns
    /// the record's own read does not show.
    pub guarded: fn(E::Column) -> Option<Kind>,
    /// Every kind `guarded` names, and any other kind read on this shape.
    pub facts: &'static [Kind],
}

/// How one row is judged by the per-record check, when a read says so itself.
type RowTarget<'a, M> = Box<dyn Fn(&M) -> Target + Send + Sync + 'a>;

/// The ids of the rows the SQL condition selects, and of those the per-record check permits.
pub type Selected = (BTreeSet<i64>, BTreeSet<i64>);

/// Columns all shown by the record's own read.
pub fn unguarded<C>(_: C) -> Option<Kind> {
    None
}

impl Access {
    /// The records of `reader`'s table the caller may read: the privacy condition is part
    /// of the statement from here on.
    pub fn read<E: EntityTrait>(&self, reader: &'static Reader<E>) -> Visible<'_, E> {
        Visible::under(self, reader, Action::Read)
    }
}

/// The rows of one reader's table the caller may read (or act on), narrowed by filters on
/// the columns the caller may read; rows leave only through the per-record check.
pub struct Visible<'a, E: EntityTrait> {
    access: &'a Access,
    reader: &'static Reader<E>,
    /// The action the condition is compiled for and the check judges.
    action: Action,
    /// The filters, in the order given.
    narrowing: Vec<Condition>,
    /// Orders, limit and columns; filters and privacy are added when it runs.
    select: Select<E>,
    privacy: Condition,
    target: Option<RowTarget<'a, E::Model>>,
}

impl<'a, E: EntityTrait> Visible<'a, E> {
    /// The rows the caller may `action`, before any filter.
    pub(super) fn under(access: &'a Access, reader: &'static Reader<E>, action: Action) -> Self {
        Visible {
            access,
            reader,
            action,
            narrowing: Vec::new(),
            select: E::find(),
            privacy: access.filter(reader.kind, action, &(reader.shape)()),
            target: None,
        }
    }
}

impl<'a, E> Visible<'a, E>
where
    E: EntityTrait,
    E::Model: Send + Sync,
{
    /// Keeps the rows where `test` (a condition on `column`) holds; on a column another
    /// kind shows, only the rows where the caller may read that kind too.
    pub fn narrow(mut self, column: E::Column, test: impl FnOnce(E::Column) -> SimpleExpr) -> Self {
        let condition = Condition::all().add(test(column));
        let condition = match (self.reader.guarded)(column) {
            Some(kind) => condition.add(self.access.filter(kind, Action::Read, &(self.reader.shape)())),
            None => condition,
        };
        self.narrowing.push(condition);
        self
    }

    /// Keeps the rows where the caller may also read `group`, a field group of the record
    /// (one of its reader's `facts`: a student's background, say) — for a collection made
    /// of that group.
    pub fn showing(mut self, group: Kind) -> Self {
        debug_assert!(self.reader.facts.contains(&group), "{} has no field group {group:?}", self.reader.name);
        self.narrowing.push(Condition::all().add(self.access.filter(group, Action::Read, &(self.reader.shape)())));
        self
    }

    /// The row with primary-key `id` (a column every read shows).
    pub fn by_id(self, id: i64) -> Self {
        let key = self.reader.key;
        self.narrow(key, |column| column.eq(id))
    }

    /// Keeps the rows related to a record the caller already holds (the members of a
    /// roster of a class they may see, a student's own records): `condition` names other
    /// tables only by ids the caller was given, never by facts of the rows themselves.
    pub fn through(mut self, condition: Condition) -> Self {
        self.narrowing.push(condition);
        self
    }

    /// Sorts by `column`, which the record's own read must show; a sort on a column only
    /// another grant shows is refused (it would order by what the caller cannot read): the
    /// sorts are the resolvers' own choice, so a test build fails on one, and a release
    /// build leaves the rows unsorted and logs it.
    pub fn order_by(mut self, column: E::Column, order: Order) -> Self {
        let guarded = (self.reader.guarded)(column);
        debug_assert!(guarded.is_none(), "the {} reader sorted on a column {guarded:?} guards", self.reader.name);
        if let Some(kind) = guarded {
            tracing::error!(reader = self.reader.name, kind = kind.as_str(), "a sort on a guarded column was refused");
            return self;
        }
        self.select = self.select.order_by(column, order);
        self
    }

    /// Locks the rows read until the transaction ends (PostgreSQL `FOR UPDATE`), for a
    /// write that changes them at the versions read.
    pub fn locked(mut self) -> Self {
        self.select = self.select.lock_exclusive();
        self
    }

    /// Keeps the rows where all (`any`: any) of `tests` hold, each a condition on a
    /// column as for [`Visible::narrow`] — on a column another kind shows, holding only where
    /// the caller may read that kind too.
    pub fn narrow_each(mut self, any: bool, tests: Vec<(E::Column, Condition)>) -> Self {
        let mut joined = if any { Condition::any() } else { Condition::all() };
        for (column, test) in tests {
            let test = Condition::all().add(test);
            joined = joined.add(match (self.reader.guarded)(column) {
                Some(kind) => test.add(self.access.filter(kind, Action::Read, &(self.reader.shape)())),
                None => test,
            });
        }
        self.narrowing.push(joined);
        self
    }

    /// Skips the first `offset` rows.
    pub fn offset(mut self, offset: u64) -> Self {
        self.select = self.select.offset(offset);
        self
    }

    /// At most `limit` rows.
    pub fn limit(mut self, limit: u64) -> Self {
        self.select = self.select.limit(limit);
        self
    }

    /// Shapes the statement's columns (NULL for what the response does not ask for); the
    /// filters and the privacy condition are not the closure's to change.
    pub fn columns(mut self, shape: impl FnOnce(Select<E>) -> Select<E>) -> Self {
        self.select = shape(self.select);
        self
    }

    /// Checks each row as `target` says instead of the reader's own target: for rows
    /// reached in a way that narrows the relationship (a roster row, by its class).
    pub fn checked_as(mut self, target: impl Fn(&E::Model) -> Target + Send + Sync + 'a) -> Self {
        self.target = Some(Box::new(target));
        self
    }

    /// The statement: the filters, then the privacy condition.
    fn statement(self) -> (Select<E>, Checker<'a, E>) {
        let (select, privacy, checker) = self.split();
        (select.filter(privacy), checker)
    }

    /// The statement with the filters only, the privacy condition apart, and the check.
    pub(super) fn split(self) -> (Select<E>, Condition, Checker<'a, E>) {
        let Visible { access, reader, action, narrowing, select, privacy, target } = self;
        let select = narrowing.into_iter().fold(select, |select, condition| select.filter(condition));
        (select, privacy, Checker { access, reader, action, target })
    }

    /// The statement the rows come from, for a read that adds joins of its own and checks
    /// its rows with [`Checker::admit`].
    pub fn into_statement(self) -> (Select<E>, Checker<'a, E>) {
        self.statement()
    }

    /// The keys of the rows the caller may read, as a subquery (`column IN (…)` elsewhere):
    /// nothing of the rows leaves but the ids they are matched on.
    pub fn keys(self) -> SelectStatement {
        let key = self.reader.key;
        let (select, _) = self.statement();
        select.select_only().column(key).into_query()
    }

    /// The condition the rows meet (filters and privacy), for a count taken later.
    pub fn condition(&self) -> Condition {
        let all = Condition::all().add(self.privacy.clone());
        self.narrowing.iter().cloned().fold(all, |all, condition| all.add(condition))
    }

    /// The rows, each checked before it leaves.
    pub async fn all(self, db: &impl ConnectionTrait) -> Result<Vec<E::Model>, DbErr> {
        let (select, checker) = self.statement();
        checker.admit(select.all(db).await?).await
    }

    /// The first row, checked.
    pub async fn one(self, db: &impl ConnectionTrait) -> Result<Option<E::Model>, DbErr> {
        Ok(self.limit(1).all(db).await?.pop())
    }

    /// How many rows the caller may read match (counted in SQL).
    pub async fn count(self, db: &impl ConnectionTrait) -> Result<u64, DbErr> {
        let (select, _) = self.statement();
        select.count(db).await
    }

    pub(super) fn access(&self) -> &'a Access {
        self.access
    }

    pub(super) fn narrowing(&self) -> &[Condition] {
        &self.narrowing
    }
}

/// The per-record check of one [`Visible`] read, for rows read by its statement.
pub struct Checker<'a, E: EntityTrait> {
    access: &'a Access,
    reader: &'static Reader<E>,
    action: Action,
    target: Option<RowTarget<'a, E::Model>>,
}

impl<E> Checker<'_, E>
where
    E: EntityTrait,
    E::Model: Send + Sync,
{
    /// Keeps the rows the per-record check permits.
    pub async fn admit(&self, rows: Vec<E::Model>) -> Result<Vec<E::Model>, DbErr> {
        self.admit_as(rows, |row| row).await
    }

    /// Keeps the rows read as `T` (a few of the table's columns) that the per-record check
    /// permits, each judged as `target` says.
    pub async fn admit_with<T>(&self, rows: Vec<T>, target: impl Fn(&T) -> Target) -> Result<Vec<T>, DbErr> {
        self.access.admit_for(self.reader.kind, self.action, rows, target).await
    }

    /// Keeps the rows (read as `T`, holding the model) the per-record check permits.
    pub async fn admit_as<T>(&self, rows: Vec<T>, model: impl Fn(&T) -> &E::Model) -> Result<Vec<T>, DbErr> {
        let (kind, action) = (self.reader.kind, self.action);
        match &self.target {
            Some(target) => self.access.admit_for(kind, action, rows, |row| target(model(row))).await,
            None => self.access.admit_for(kind, action, rows, |row| (self.reader.target)(model(row))).await,
        }
    }
}

/// A registered reader, whatever its table: what the agreement test needs.
pub trait Registered: Sync {
    /// The reader's name.
    fn name(&self) -> &'static str;
    /// The kinds compared: the reader's own and its facts.
    fn kinds(&self) -> Vec<Kind>;
    /// The actions its own kind is read for, each compared (the others only for reading).
    fn actions(&self) -> &'static [Action] {
        Action::ALL
    }
    /// The ids of the rows the SQL condition for `kind` and `action` selects and of those
    /// the per-record check permits that action, over the whole table.
    fn compare<'a>(
        &'a self,
        access: &'a Access,
        db: &'a DatabaseConnection,
        kind: Kind,
        action: Action,
    ) -> BoxFuture<'a, Result<Selected, DbErr>>;
}

impl<E> Registered for Reader<E>
where
    E: EntityTrait + Sync,
    E::Model: Send + Sync,
    E::Column: Sync,
{
    fn name(&self) -> &'static str {
        self.name
    }

    fn kinds(&self) -> Vec<Kind> {
        std::iter::once(self.kind).chain(self.facts.iter().copied()).collect()
    }

    fn compare<'a>(
        &'a self,
        access: &'a Access,
        db: &'a DatabaseConnection,
        kind: Kind,
        action: Action,
    ) -> BoxFuture<'a, Result<Selected, DbErr>> {
        Box::pin(async move {
            let by_sql = E::find().filter(access.filter(kind, action, &(self.shape)())).all(db).await?;
            let by_sql = by_sql.iter().map(self.id).collect();
            let mut by_check = BTreeSet::new();
            for row in E::find().all(db).await? {
                if access.permits(kind, action, (self.target)(&row)).await? {
                    by_check.insert((self.id)(&row));
                }
            }
            Ok((by_sql, by_check))
        })
    }
}
