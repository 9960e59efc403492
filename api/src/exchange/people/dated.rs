//! Ending links: an enrollment, a teaching assignment, a role or a guardianship gets an end
//! date as a delta's `tobedeleted` row asks; nothing is deleted.

use crate::exchange::import::Ctx;
use anyhow::Context as _;
use chrono::NaiveDate;
use emis_oneroster::Status;
use entity::{enrollment, guardianship, staff_role, teaching_assignment};
use sea_orm::{ColumnTrait as _, QueryFilter as _};

/// A dated link: an enrollment, a teaching assignment, a role, a guardianship.
pub(super) trait Dated {
    fn id(&self) -> i64;
    fn ends_on(&mut self) -> &mut Option<NaiveDate>;
}

macro_rules! dated {
    ($($module:ident),*) => {$(
        impl Dated for $module::Model {
            fn id(&self) -> i64 {
                self.id
            }

            fn ends_on(&mut self) -> &mut Option<NaiveDate> {
                &mut self.ends_on
            }
        }
    )*};
}

dated!(enrollment, teaching_assignment, staff_role, guardianship);

/// Ends every current link of `E` whose `owner` column is `id` (see [`end_on`]).
pub(super) async fn end_current<E>(
    ctx: &mut Ctx<'_>,
    owner: E::Column,
    id: i64,
    ends_on: E::Column,
) -> anyhow::Result<()>
where
    E: sea_orm::EntityTrait,
    E::Model: Dated + sea_orm::IntoActiveModel<E::ActiveModel>,
    E::ActiveModel: sea_orm::ActiveModelTrait<Entity = E> + Send,
{
    let current = E::find()
        .filter(owner.eq(id))
        .filter(ends_on.is_null())
        .all(ctx.store.txn)
        .await
        .with_context(|| format!("reading {}", E::default().table_name()))?;
    for link in current {
        end_on(ctx, Some(link), None).await?;
    }
    Ok(())
}

/// Gives `row` the end date `end` as a delta's `tobedeleted` asks — without one, yesterday:
/// end dates are the last day a link holds, and from today on it does not. A row that
/// already ended keeps its date.
pub(super) async fn end_on<M>(ctx: &mut Ctx<'_>, row: Option<M>, end: Option<NaiveDate>) -> anyhow::Result<()>
where
    M: Dated + sea_orm::ModelTrait + sea_orm::IntoActiveModel<<M::Entity as sea_orm::EntityTrait>::ActiveModel>,
    <M::Entity as sea_orm::EntityTrait>::ActiveModel: sea_orm::ActiveModelTrait<Entity = M::Entity> + Send,
    M::Entity: sea_orm::EntityTrait<Model = M>,
{
    let Some(mut row) = row else { return Ok(()) };
    if row.ends_on().is_some() {
        return Ok(());
    }
    *row.ends_on() = Some(end.unwrap_or(ctx.today.pred_opt().unwrap_or(ctx.today)));
    ctx.store.end::<M::Entity>(row).await
}

/// What a row naming a link of `table` asks, `old` being the stored link of its exchange
/// identifier: a delta's `tobedeleted` ends `old` (on `end`, see [`end_on`]) and gives
/// `None`; any other row gives the id to write the link under — `old`'s, or a new one.
pub(super) async fn id_unless_ended<M>(
    ctx: &mut Ctx<'_>,
    table: &'static str,
    (status, end): (Status, Option<NaiveDate>),
    old: Option<&M>,
) -> anyhow::Result<Option<i64>>
where
    M: Dated + Clone + sea_orm::ModelTrait + sea_orm::IntoActiveModel<<M::Entity as sea_orm::EntityTrait>::ActiveModel>,
    <M::Entity as sea_orm::EntityTrait>::ActiveModel: sea_orm::ActiveModelTrait<Entity = M::Entity> + Send,
    M::Entity: sea_orm::EntityTrait<Model = M>,
{
    if status == Status::ToBeDeleted {
        end_on(ctx, old.cloned(), end).await?;
        return Ok(None);
    }
    Ok(Some(match old {
        Some(old) => old.id(),
        None => ctx.store.next_id(table).await?,
    }))
}
