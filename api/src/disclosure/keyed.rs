//! The chain key of the disclosure log: loaded at start when the database has one; created
//! on the first start with a server identity, after the unkeyed chain written so far is
//! verified, and every entry re-chained under it, in one transaction (under a table lock on
//! PostgreSQL, so two instances starting together create one key). A start that finds the
//! unkeyed chain broken refuses, naming the entry: re-keying it would hide the tampering.

use super::chain::{CHAIN_SCOPE, entry_hash, page_after, verify_chain};
use crate::vault::Vault;
use emis_crypto::ChainKey;
use entity::{data_key, disclosure_log};
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait as _,
    QueryFilter as _, QueryOrder as _,
};
use std::sync::Arc;

/// The chain key `db` keeps, opened with the vault's identity; `None` when it keeps none
/// (written only by servers without an identity) or the vault is locked.
pub async fn stored(db: &impl ConnectionTrait, vault: &Vault) -> anyhow::Result<Option<ChainKey>> {
    if !vault.is_unlocked() {
        return Ok(None);
    }
    let stored = data_key::Entity::find()
        .filter(data_key::Column::Scope.eq(CHAIN_SCOPE))
        .filter(data_key::Column::DestroyedAt.is_null())
        .order_by_asc(data_key::Column::Id)
        .one(db)
        .await?;
    Ok(match stored {
        Some(row) => Some(ChainKey::new(vault.unwrap_key(&row.wrapped)?)),
        None => None,
    })
}

/// The chain key for `db`, or `None` on a server without an identity (entries are then
/// chained with plain SHA-256).
pub async fn chain_key(db: &DatabaseConnection, vault: &Vault) -> anyhow::Result<Option<Arc<ChainKey>>> {
    if !vault.is_unlocked() {
        return Ok(None);
    }
    // Every start after the first finds the key here, without locking the log.
    if let Some(key) = stored(db, vault).await? {
        return Ok(Some(Arc::new(key)));
    }
    let txn = crate::db::begin_write(db).await?;
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        txn.execute_unprepared("LOCK TABLE disclosure_log IN EXCLUSIVE MODE").await?;
    }
    // Another instance may have created it while this one waited for the lock.
    if let Some(key) = stored(&txn, vault).await? {
        txn.commit().await?;
        return Ok(Some(Arc::new(key)));
    }
    if let Err(broken) = verify_chain(&txn, None).await? {
        anyhow::bail!(
            "nhật ký tiết lộ đã bị thay đổi, không thể khóa chuỗi / the disclosure log was altered and its chain \
             cannot be keyed: {broken}"
        );
    }
    let (key, wrapped) = vault.new_wrapped_key()?;
    let key = ChainKey::new(key);
    let mut prev: Option<String> = None;
    let mut after = i64::MIN;
    loop {
        let rows = page_after(&txn, after).await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        for row in rows {
            let hash = entry_hash(Some(&key), prev.as_deref(), &row);
            let update = disclosure_log::ActiveModel {
                id: Set(row.id),
                prev_hash: Set(prev.clone()),
                hash: Set(hash.clone()),
                ..Default::default()
            };
            disclosure_log::Entity::update(update).exec(&txn).await?;
            prev = Some(hash);
        }
    }
    crate::vault::insert_key(&txn, CHAIN_SCOPE, wrapped).await?;
    txn.commit().await?;
    Ok(Some(Arc::new(key)))
}
