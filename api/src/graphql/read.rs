//! Reading records through the privacy layer: the one path resolvers take to the database.
//! The caller's SQL condition for the kind is added to the query, and every row that comes
//! back is checked again before it leaves.

use super::context::{access, state};
use crate::error::ApiResult;
use crate::privacy::{Shape, Target};
use emis_authz::{Action, Kind};
use sea_orm::{EntityTrait, QueryFilter as _, Select};

/// The rows of `select` the caller may read as `kind` (rows of `shape`, each checked as its
/// `target`).
pub async fn visible<E>(
    ctx: &async_graphql::Context<'_>,
    kind: Kind,
    shape: &Shape,
    select: Select<E>,
    target: impl Fn(&E::Model) -> Target,
) -> ApiResult<Vec<E::Model>>
where
    E: EntityTrait,
    E::Model: Send + Sync,
{
    let access = access(ctx)?;
    let rows = select.filter(access.filter(kind, Action::Read, shape)).all(&state(ctx)?.db).await?;
    Ok(access.admit(kind, rows, target).await?)
}
