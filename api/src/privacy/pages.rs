//! Reads shaped for speed over a [`Visible`] set: a keyset page of students read branch by
//! branch, and a count of the matches kept for later. Both come only from a `Visible`, so
//! they only ever see rows inside the caller's privacy condition.

use super::visible::{Checker, Visible};
use super::{never, shapes};
use emis_authz::{Action, Kind};
use entity::student;
use sea_orm::sea_query::{Alias, Expr, ExprTrait as _, Func, JoinType, Query, SelectStatement, UnionType};
use sea_orm::{
    ColumnTrait as _, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait as _, QueryFilter as _,
    QueryOrder as _, QueryTrait, Select,
};
use std::marker::PhantomData;

/// The rows of a table matching a [`Visible`] read's filters and privacy condition, kept
/// for a count taken after the read (a connection's `totalCount`).
pub struct Matching<E> {
    condition: Condition,
    entity: PhantomData<E>,
}

impl<E> Matching<E>
where
    E: EntityTrait,
    E::Model: Send + Sync,
{
    /// How many rows match.
    pub async fn count(&self, db: &impl ConnectionTrait) -> Result<u64, DbErr> {
        E::find().filter(self.condition.clone()).count(db).await
    }

    /// The count as a statement selecting one number, for a sub-select.
    pub fn count_statement(&self, id: impl sea_orm::sea_query::IntoColumnRef) -> SelectStatement {
        Query::select()
            .expr(Func::count(Expr::col(id)))
            .from(E::default())
            .cond_where(self.condition.clone())
            .to_owned()
    }
}

impl<E> Visible<'_, E>
where
    E: EntityTrait,
    E::Model: Send + Sync,
{
    /// The rows matching so far, for a count taken later.
    pub fn matching(&self) -> Matching<E> {
        Matching { condition: self.condition(), entity: PhantomData }
    }
}

/// The name of the column that carries a page's total.
pub const TOTAL: &str = "total_count";

impl<'a> Visible<'a, student::Entity> {
    /// A page of at most `limit` students in roster order: the ids first, from the roster
    /// index alone, then those rows. When the privacy condition has several branches (a
    /// principal's school and its former students, say), each is read on its own and the
    /// results appended: an OR across columns would make the database visit every
    /// candidate row instead. A single branch is the plain index walk (the database
    /// flattens the derived table). With `windowed`, each row also carries the total of all
    /// matches ([`TOTAL`], a window count taken before the limit); `columns` chooses the
    /// columns read before that.
    pub fn page(
        self,
        order: sea_orm::Order,
        limit: u64,
        windowed: bool,
        columns: impl FnOnce(Select<student::Entity>) -> Select<student::Entity>,
    ) -> (Select<student::Entity>, Checker<'a, student::Entity>) {
        use student::Column as C;
        let access = self.access();
        let privacy = access.filter_branches(Kind::Student, Action::Read, &shapes::student());
        let filters = self.narrowing().iter().cloned().fold(Condition::all(), |all, condition| all.add(condition));
        let mut branches = privacy.disjoint().into_iter();
        let read = |branch: Condition| {
            Query::select()
                .columns([C::Id, C::SortName])
                .from(student::Entity)
                .cond_where(Condition::all().add(branch).add(filters.clone()))
                .to_owned()
        };
        let mut matched = read(branches.next().unwrap_or_else(never));
        for branch in branches {
            matched.union(UnionType::All, read(branch));
        }
        let alias = Alias::new("matched");
        let mut page_ids = Query::select()
            .column((alias.clone(), C::Id))
            .from_subquery(matched, alias.clone())
            .order_by((alias.clone(), C::SortName), order.clone())
            .order_by((alias, C::Id), order.clone())
            .limit(limit)
            .to_owned();
        let (_, checker) = self.into_statement();
        let mut select = student::Entity::find().order_by(C::SortName, order.clone()).order_by(C::Id, order);
        let page_alias = Alias::new("page");
        if windowed {
            page_ids.expr_as(Expr::cust("COUNT(*) OVER ()"), Alias::new(TOTAL));
            let on = Expr::col((page_alias.clone(), C::Id)).equals((student::Entity, C::Id));
            QueryTrait::query(&mut select).join_subquery(JoinType::InnerJoin, page_ids, page_alias.clone(), on);
        } else {
            select = select.filter(C::Id.in_subquery(page_ids));
        }
        let mut select = columns(select);
        if windowed {
            select = sea_orm::QuerySelect::column_as(select, Expr::col((page_alias, Alias::new(TOTAL))), TOTAL);
        }
        (select, checker)
    }
}
