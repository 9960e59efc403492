//! The vault: sealing and opening of sensitive fields with per-person data keys.
//!
//! Each student, guardian and staff member has a data key; the key is stored in `data_key`
//! as a standard age file wrapped to the server identity, unwrapped once (≈ 80 µs) and then
//! cached in memory, so opening a field costs one XChaCha20-Poly1305 open (≈ 2 µs). Every
//! ciphertext is bound to its table, column and row (see `emis_crypto`). Exact look-ups by
//! identity number or phone use keyed hashes from a dedicated `blind-index` key.
//!
//! Values are opened only by the privacy layer, after the policy allowed the field to the
//! caller; nothing here logs or traces a value.

use anyhow::Context as _;
use chrono::Utc;
use emis_crypto::{BlindIndexer, DataKey, FieldContext, Keyring, ServerIdentity};
use entity::data_key;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _, PaginatorTrait as _, QueryFilter as _,
    QueryOrder as _, QuerySelect as _,
};
use std::collections::HashSet;
use std::sync::Arc;

/// Scope of the key that derives blind indexes.
const BLIND_INDEX_SCOPE: &str = "blind-index";

/// Why the vault cannot serve.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error(
        "Cơ sở dữ liệu có dữ liệu đã mã hóa nhưng chưa cấu hình tệp khóa (EMIS_IDENTITY_FILE) / \
         the database holds encrypted data but no identity file is configured (EMIS_IDENTITY_FILE); \
         create one with `emis keygen` only for a new database"
    )]
    IdentityMissing,
    #[error("no identity configured: sensitive values cannot be written")]
    Locked,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Sealing, opening and blind indexes for the whole server (shared, `Send + Sync`).
pub struct Vault {
    keys: Option<Unlocked>,
}

struct Unlocked {
    keyring: Keyring,
    blind: BlindIndexer,
}

impl Vault {
    /// Opens the vault: refuses when encrypted data exists and no identity was given; creates
    /// the blind-index key on first use.
    pub async fn open(db: &impl ConnectionTrait, identity: Option<ServerIdentity>) -> Result<Self, VaultError> {
        let Some(identity) = identity else {
            let keys = data_key::Entity::find().count(db).await.context("counting data keys")?;
            return if keys > 0 { Err(VaultError::IdentityMissing) } else { Ok(Self { keys: None }) };
        };
        let keyring = Keyring::new(identity);
        let stored = data_key::Entity::find()
            .filter(data_key::Column::Scope.eq(BLIND_INDEX_SCOPE))
            .filter(data_key::Column::DestroyedAt.is_null())
            .one(db)
            .await
            .context("reading the blind-index key")?;
        let blind_key = match stored {
            Some(row) => DataKey::unwrap(&row.wrapped, keyring.identity())
                .context("the identity file does not open this database's keys")?,
            None => {
                let key = DataKey::generate();
                let wrapped = key.wrap(keyring.identity()).context("wrapping a key")?;
                insert_key(db, BLIND_INDEX_SCOPE, wrapped).await?;
                key
            }
        };
        Ok(Self { keys: Some(Unlocked { keyring, blind: BlindIndexer::new(blind_key) }) })
    }

    /// Whether sensitive values can be sealed and opened.
    pub fn is_unlocked(&self) -> bool {
        self.keys.is_some()
    }

    fn unlocked(&self) -> Result<&Unlocked, VaultError> {
        self.keys.as_ref().ok_or(VaultError::Locked)
    }

    /// The keyed hash of `value` in `domain`, for exact look-ups; `None` when locked.
    pub fn blind(&self, domain: &str, value: &str) -> Option<String> {
        self.keys.as_ref().map(|keys| keys.blind.index(domain, value))
    }

    /// Makes sure every key in `key_ids` is in the cache, fetching the missing ones in one query.
    pub async fn preload(
        &self,
        db: &impl ConnectionTrait,
        key_ids: impl IntoIterator<Item = u64>,
    ) -> Result<(), VaultError> {
        let keys = self.unlocked()?;
        let missing: HashSet<i64> = key_ids
            .into_iter()
            .filter(|id| keys.keyring.get(*id).is_none())
            .filter_map(|id| i64::try_from(id).ok())
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let rows: Vec<(i64, Vec<u8>)> = data_key::Entity::find()
            .select_only()
            .column(data_key::Column::Id)
            .column(data_key::Column::Wrapped)
            .filter(data_key::Column::Id.is_in(missing))
            .filter(data_key::Column::DestroyedAt.is_null())
            .into_tuple()
            .all(db)
            .await
            .context("reading data keys")?;
        for (id, wrapped) in rows {
            let id = u64::try_from(id).context("negative key id")?;
            keys.keyring.insert_wrapped(id, &wrapped).context("unwrapping a data key")?;
        }
        Ok(())
    }

    /// Opens a sealed value whose key is cached (see [`Vault::preload`]); `None` when the key
    /// is missing or destroyed, or the ciphertext does not belong to this table, column and row.
    pub fn open_field(&self, table: &str, column: &str, row_id: i64, sealed: &[u8]) -> Option<String> {
        let keys = self.keys.as_ref()?;
        let key_id = emis_crypto::sealed_key_id(sealed).ok()?;
        let key = keys.keyring.get(key_id)?;
        let ctx = FieldContext { table, column, row_id };
        match emis_crypto::open_string(&key, &ctx, sealed) {
            Ok(text) => Some(text.as_str().to_owned()),
            Err(error) => {
                tracing::warn!(table, column, row_id, %error, "a sealed value did not open");
                None
            }
        }
    }

    /// Whether data key `key_id` is in the cache.
    pub fn has_key(&self, key_id: u64) -> bool {
        self.keys.as_ref().is_some_and(|keys| keys.keyring.get(key_id).is_some())
    }

    /// The key id a sealed value names, if it is well formed.
    pub fn key_id_of(sealed: &[u8]) -> Option<u64> {
        emis_crypto::sealed_key_id(sealed).ok()
    }

    /// Creates a data key with id `key_id` (chosen by the caller) and caches it, ready to seal
    /// with; the caller stores it as that `data_key` row in the same transaction, wrapped by
    /// [`Vault::wrap_keys`] together with the other keys it creates.
    pub fn new_cached_key(&self, key_id: u64) -> Result<(), VaultError> {
        self.unlocked()?.keyring.insert(key_id, DataKey::generate());
        Ok(())
    }

    /// The wrapped form (an age file to the server's identity) of each of the cached keys
    /// `key_ids`, in order. Wrapping costs one X25519 agreement per key, so the keys are
    /// shared out among the machine's cores.
    pub fn wrap_keys(&self, key_ids: &[u64]) -> Result<Vec<Vec<u8>>, VaultError> {
        let keys = self.unlocked()?;
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        let wrap_all = |ids: &[u64]| -> anyhow::Result<Vec<Vec<u8>>> {
            ids.iter()
                .map(|id| {
                    let key = keys.keyring.get(*id).with_context(|| format!("data key {id} is not loaded"))?;
                    key.wrap(keys.keyring.identity()).context("wrapping a key")
                })
                .collect()
        };
        let chunk = key_ids.len().div_ceil(cores).max(1);
        let wrapped = std::thread::scope(|scope| {
            let workers: Vec<_> = key_ids.chunks(chunk).map(|ids| scope.spawn(move || wrap_all(ids))).collect();
            workers
                .into_iter()
                .map(|worker| worker.join().unwrap_or_else(|_| Err(anyhow::anyhow!("a key-wrapping thread panicked"))))
                .collect::<anyhow::Result<Vec<_>>>()
        })?;
        Ok(wrapped.into_iter().flatten().collect())
    }

    /// Creates, stores and caches a new data key for `scope`; returns its id.
    pub async fn create_key(&self, db: &impl ConnectionTrait, scope: &str) -> Result<u64, VaultError> {
        let keys = self.unlocked()?;
        let key = DataKey::generate();
        let wrapped = key.wrap(keys.keyring.identity()).context("wrapping a key")?;
        let id = insert_key(db, scope, wrapped).await?;
        let id = u64::try_from(id).context("negative key id")?;
        keys.keyring.insert(id, key);
        Ok(id)
    }

    /// The id of the live data key of `scope` (e.g. `guardian:12`), loaded into the cache;
    /// created and stored when the scope has none yet.
    pub async fn key_of_scope(&self, db: &impl ConnectionTrait, scope: &str) -> Result<u64, VaultError> {
        self.unlocked()?;
        let stored: Option<i64> = data_key::Entity::find()
            .select_only()
            .column(data_key::Column::Id)
            .filter(data_key::Column::Scope.eq(scope))
            .filter(data_key::Column::DestroyedAt.is_null())
            .order_by_asc(data_key::Column::Id)
            .into_tuple()
            .one(db)
            .await
            .context("finding a data key")?;
        match stored {
            Some(id) => {
                let id = u64::try_from(id).context("negative key id")?;
                self.preload(db, [id]).await?;
                Ok(id)
            }
            None => self.create_key(db, scope).await,
        }
    }

    /// Forgets the cached keys the database marks destroyed (crypto-shredded by any
    /// instance): their values no longer open here either. How many were forgotten.
    pub async fn forget_destroyed(&self, db: &impl ConnectionTrait) -> Result<usize, VaultError> {
        let Some(keys) = &self.keys else { return Ok(0) };
        let destroyed: Vec<i64> = data_key::Entity::find()
            .select_only()
            .column(data_key::Column::Id)
            .filter(data_key::Column::DestroyedAt.is_not_null())
            .into_tuple()
            .all(db)
            .await
            .context("reading destroyed keys")?;
        let cached: Vec<u64> = destroyed
            .into_iter()
            .filter_map(|id| u64::try_from(id).ok())
            .filter(|id| keys.keyring.get(*id).is_some())
            .collect();
        for id in &cached {
            keys.keyring.forget(*id);
        }
        Ok(cached.len())
    }

    /// A new key and its form wrapped to the server identity, not stored: for a key kept
    /// apart from people's (the disclosure log's chain key).
    pub fn new_wrapped_key(&self) -> Result<(DataKey, Vec<u8>), VaultError> {
        let keys = self.unlocked()?;
        let key = DataKey::generate();
        let wrapped = key.wrap(keys.keyring.identity()).context("wrapping a key")?;
        Ok((key, wrapped))
    }

    /// Opens a wrapped key the caller read (not cached).
    pub fn unwrap_key(&self, wrapped: &[u8]) -> Result<DataKey, VaultError> {
        let keys = self.unlocked()?;
        Ok(DataKey::unwrap(wrapped, keys.keyring.identity()).context("the identity file does not open this key")?)
    }

    /// Seals `plaintext` for `table.column` of row `row_id` with cached key `key_id`.
    pub fn seal_with(
        &self,
        key_id: u64,
        table: &str,
        column: &str,
        row_id: i64,
        plaintext: &str,
    ) -> Result<Vec<u8>, VaultError> {
        let keys = self.unlocked()?;
        let key: Arc<DataKey> =
            keys.keyring.get(key_id).ok_or_else(|| anyhow::anyhow!("data key {key_id} is not loaded"))?;
        let ctx = FieldContext { table, column, row_id };
        Ok(emis_crypto::seal(&key, key_id, &ctx, plaintext.as_bytes()).context("sealing")?)
    }
}

/// Stores a wrapped key of `scope`; its id.
pub(crate) async fn insert_key(db: &impl ConnectionTrait, scope: &str, wrapped: Vec<u8>) -> Result<i64, VaultError> {
    let row = data_key::ActiveModel {
        scope: Set(scope.to_owned()),
        wrapped: Set(wrapped),
        created_at: Set(Utc::now()),
        destroyed_at: Set(None),
        ..Default::default()
    };
    let inserted = data_key::Entity::insert(row).exec(db).await.context("storing a data key")?;
    Ok(inserted.last_insert_id)
}

impl crate::seed::Sealer for Vault {
    fn new_key(&self, _key_id: i64) -> anyhow::Result<(DataKey, Vec<u8>)> {
        let keys = self.unlocked()?;
        let key = DataKey::generate();
        let wrapped = key.wrap(keys.keyring.identity())?;
        Ok((key, wrapped))
    }

    fn blind(&self, domain: &str, value: &str) -> String {
        self.keys.as_ref().map(|keys| keys.blind.index(domain, value)).unwrap_or_default()
    }
}
