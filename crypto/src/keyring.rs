//! The [`Keyring`]: an in-memory cache of unwrapped data keys, shared by all
//! requests. Unwrapping with age is slow (tens of microseconds), so each key
//! is unwrapped once and then served from the cache under a read lock.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::data_key::DataKey;
use crate::error::CryptoError;
use crate::identity::ServerIdentity;

/// Unwrapped data keys by key id, plus the identity that unwraps them.
/// `Send + Sync`; lookups take a shared read lock only.
pub struct Keyring {
    identity: ServerIdentity,
    keys: RwLock<HashMap<u64, Arc<DataKey>>>,
}

impl Keyring {
    /// An empty keyring that unwraps keys with `identity`.
    pub fn new(identity: ServerIdentity) -> Self {
        Self { identity, keys: RwLock::new(HashMap::new()) }
    }

    /// The server identity (to wrap newly generated keys).
    pub fn identity(&self) -> &ServerIdentity {
        &self.identity
    }

    /// The cached key with this id, if it has been inserted.
    pub fn get(&self, key_id: u64) -> Option<Arc<DataKey>> {
        self.read().get(&key_id).cloned()
    }

    /// Unwraps `wrapped` with the identity and caches it under `key_id`.
    /// The slow unwrap happens before the write lock is taken.
    pub fn insert_wrapped(&self, key_id: u64, wrapped: &[u8]) -> Result<Arc<DataKey>, CryptoError> {
        let key = DataKey::unwrap(wrapped, &self.identity)?;
        Ok(self.insert(key_id, key))
    }

    /// Caches `key` under `key_id`, replacing any previous key with that id.
    pub fn insert(&self, key_id: u64, key: DataKey) -> Arc<DataKey> {
        let key = Arc::new(key);
        self.write().insert(key_id, Arc::clone(&key));
        key
    }

    /// Drops the cached key. Its bytes are zeroized once the last request
    /// still holding an `Arc` to it finishes.
    pub fn forget(&self, key_id: u64) {
        self.write().remove(&key_id);
    }

    /// Number of cached keys.
    pub fn len(&self) -> usize {
        self.read().len()
    }

    /// Whether no key is cached.
    pub fn is_empty(&self) -> bool {
        self.read().is_empty()
    }

    // A panic while holding the lock cannot leave the map half-updated
    // (each operation is a single insert or remove), so poisoning is ignored.
    fn read(&self) -> RwLockReadGuard<'_, HashMap<u64, Arc<DataKey>>> {
        self.keys.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, HashMap<u64, Arc<DataKey>>> {
        self.keys.write().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring").field("identity", &self.identity).field("cached_keys", &self.len()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seal::{FieldContext, open, seal};

    const CTX: FieldContext<'static> = FieldContext { table: "guardian", column: "phone", row_id: 1 };

    #[test]
    fn a_keyring_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Keyring>();
    }

    #[test]
    fn get_returns_nothing_until_a_key_is_inserted() {
        let keyring = Keyring::new(ServerIdentity::generate());
        assert!(keyring.get(1).is_none());
        keyring.insert(1, DataKey::generate());
        assert!(keyring.get(1).is_some());
        assert_eq!(keyring.len(), 1);
    }

    #[test]
    fn insert_wrapped_unwraps_with_the_keyring_identity() {
        let keyring = Keyring::new(ServerIdentity::generate());
        let key = DataKey::generate();
        let sealed = seal(&key, 5, &CTX, b"0901234567").unwrap();
        let wrapped = key.wrap(keyring.identity()).unwrap();
        keyring.insert_wrapped(5, &wrapped).unwrap();
        let cached = keyring.get(5).unwrap();
        assert_eq!(open(&cached, &CTX, &sealed).unwrap().as_slice(), b"0901234567");
    }

    #[test]
    fn insert_wrapped_fails_for_a_key_wrapped_to_another_identity() {
        let keyring = Keyring::new(ServerIdentity::generate());
        let wrapped = DataKey::generate().wrap(&ServerIdentity::generate()).unwrap();
        assert!(keyring.insert_wrapped(5, &wrapped).is_err());
        assert!(keyring.get(5).is_none());
    }

    #[test]
    fn forget_removes_a_cached_key() {
        let keyring = Keyring::new(ServerIdentity::generate());
        keyring.insert(3, DataKey::generate());
        keyring.forget(3);
        assert!(keyring.get(3).is_none());
        assert!(keyring.is_empty());
    }

    #[test]
    fn concurrent_readers_all_see_the_key() {
        let keyring = Arc::new(Keyring::new(ServerIdentity::generate()));
        keyring.insert(9, DataKey::generate());
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let keyring = Arc::clone(&keyring);
                std::thread::spawn(move || (0..1000).all(|_| keyring.get(9).is_some()))
            })
            .collect();
        for handle in handles {
            assert!(handle.join().unwrap());
        }
    }
}
