//! How a write path reads the rows its write touches: [`Access::rows_for`] is a
//! [`Visible`] read whose privacy condition is compiled for the action the write was
//! allowed (`write`, or `approve` for a decision), whose rows leave only through the
//! per-record check for that action. [`Visible::every`] reads the whole set a write works
//! on — the stored entries it updates or adds to — and refuses when the condition or the
//! check hid any row of it: a write that went on without a row it cannot see would add a
//! second entry beside it or leave it stale, so it stops instead, answering as for a
//! record out of reach.

use super::Access;
use super::shape::Target;
use super::visible::{Reader, Visible};
use crate::error::ApiError;
use emis_authz::{Action, Kind};
use sea_orm::sea_query::Expr;
use sea_orm::{Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryResult, QuerySelect as _, Select};

/// Alias of the column telling whether a row meets the privacy condition.
const PERMITTED: &str = "privacy_permitted";

impl Access {
    /// The records of `reader`'s table the caller may `action`: the condition for that
    /// action is part of the statement, and each row leaves only if the per-record check
    /// permits it that action.
    pub fn rows_for<E: EntityTrait>(&self, action: Action, reader: &'static Reader<E>) -> Visible<'_, E> {
        Visible::under(self, reader, action)
    }

    /// Keeps the records of `kind` the per-record check permits for `action`; each one
    /// dropped is an inconsistency between the SQL and the check, logged and counted.
    pub(super) async fn admit_for<T>(
        &self,
        kind: Kind,
        action: Action,
        rows: Vec<T>,
        target: impl Fn(&T) -> Target,
    ) -> Result<Vec<T>, DbErr> {
        let mut kept = Vec::with_capacity(rows.len());
        for row in rows {
            if self.permits(kind, action, target(&row)).await? {
                kept.push(row);
            } else {
                super::inconsistency(kind);
            }
        }
        Ok(kept)
    }
}

/// A row read with whether it meets the privacy condition.
struct Judged<M> {
    row: M,
    permitted: bool,
}

impl<M: FromQueryResult> FromQueryResult for Judged<M> {
    fn from_query_result(res: &QueryResult, pre: &str) -> Result<Self, DbErr> {
        let permitted: i32 = res.try_get(pre, PERMITTED)?;
        Ok(Self { row: M::from_query_result(res, pre)?, permitted: permitted == 1 })
    }
}

impl<E> Visible<'_, E>
where
    E: EntityTrait,
    E::Model: Send + Sync,
{
    /// Every row the filters select, when the caller may act on each of them (for a read
    /// with no limit, of whole rows); [`ApiError::NotPermitted`] when the condition or the
    /// per-record check hides any. One statement reads the rows with whether each meets
    /// the condition, so a row written meanwhile cannot make the two disagree.
    pub async fn every(self, db: &impl ConnectionTrait) -> Result<Vec<E::Model>, ApiError> {
        let (select, privacy, checker) = self.split();
        let rows = all_meeting(select, privacy, db).await?;
        let selected = rows.len();
        let rows = checker.admit(rows).await?;
        if rows.len() == selected { Ok(rows) } else { Err(ApiError::NotPermitted) }
    }
}

/// The rows `select` selects, when every one meets `privacy` (read in one statement with
/// whether each does); [`ApiError::NotPermitted`] when any does not.
pub(super) async fn all_meeting<E: EntityTrait>(
    select: Select<E>,
    privacy: Condition,
    db: &impl ConnectionTrait,
) -> Result<Vec<E::Model>, ApiError> {
    let judged =
        select.expr_as(Expr::case(privacy, 1).finally(0), PERMITTED).into_model::<Judged<E::Model>>().all(db).await?;
    if judged.iter().any(|row| !row.permitted) {
        return Err(ApiError::NotPermitted);
    }
    Ok(judged.into_iter().map(|judged| judged.row).collect())
}
