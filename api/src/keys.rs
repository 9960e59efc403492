//! Rotating the server identity (`emis keys rotate`): every live data key — people's, the
//! blind-index key, the disclosure log's chain key — is opened with any key the identity
//! file holds and wrapped again to every key it holds (and to the escrow recipient), a page
//! at a time, each page in its own transaction, while servers keep running. A row another
//! writer changed meanwhile is left to it (its new wrapping already follows the file it was
//! written under). The procedure, in README.md: put the new key first in the identity file
//! beside the old one, restart the servers one by one, rotate, take the old key out, restart,
//! rotate again.

use emis_crypto::{DataKey, ServerIdentity};
use entity::data_key;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, DatabaseConnection, EntityTrait as _, PaginatorTrait as _, QueryFilter as _,
    QueryOrder as _, QuerySelect as _, TransactionTrait as _,
};

/// Keys re-wrapped per transaction.
const PAGE: u64 = 500;

/// What a rotation did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Rotation {
    /// Keys wrapped again to the identity file's keys.
    pub rewrapped: u64,
    /// Keys another writer changed while they were re-wrapped (left as that writer wrote
    /// them).
    pub skipped: u64,
    /// Keys no key of the identity file opens: their ids (nothing is written for them).
    pub unopened: Vec<i64>,
}

/// Wraps every live data key of `db` again to `identity`'s keys; `progress` is told how many
/// of how many are done. With `dry_run`, only opens each key (proving the identity file
/// opens them all) and writes nothing.
pub async fn rotate(
    db: &DatabaseConnection,
    identity: &ServerIdentity,
    dry_run: bool,
    progress: impl Fn(u64, u64),
) -> anyhow::Result<Rotation> {
    let live = || data_key::Entity::find().filter(data_key::Column::DestroyedAt.is_null());
    let total = live().count(db).await?;
    let mut done = Rotation::default();
    let mut after = i64::MIN;
    let mut seen = 0;
    loop {
        let rows = live().filter(data_key::Column::Id.gt(after)).order_by_asc(data_key::Column::Id).limit(PAGE);
        let rows = rows.all(db).await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        let txn = db.begin().await?;
        for row in &rows {
            let key = match DataKey::unwrap(&row.wrapped, identity) {
                Ok(key) => key,
                Err(_) => {
                    done.unopened.push(row.id);
                    continue;
                }
            };
            if dry_run {
                continue;
            }
            let wrapped = key.wrap(identity)?;
            let update = data_key::Entity::update_many()
                .set(data_key::ActiveModel { wrapped: Set(wrapped), ..Default::default() })
                .filter(data_key::Column::Id.eq(row.id))
                .filter(data_key::Column::Wrapped.eq(row.wrapped.clone()))
                .exec(&txn)
                .await?;
            if update.rows_affected == 1 { done.rewrapped += 1 } else { done.skipped += 1 }
        }
        txn.commit().await?;
        seen += rows.len() as u64;
        progress(seen, total);
    }
    Ok(done)
}
