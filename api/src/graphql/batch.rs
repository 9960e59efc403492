//! Batching the look-ups of one response without a timer. async-graphql resolves the items
//! of a list together, each field's future polled once before any is polled again; a
//! [`Batcher`] lets every look-up made in that pass join one batch, which the first of them
//! to be polled again loads with one call of its [`Loader`]. The batch is fixed by the
//! shape of the query, not by timing: there is no window to wait for, so a response costs
//! no idle milliseconds and no spawned task per nested level.

use async_graphql::dataloader::Loader;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::OnceCell;

/// The keys gathered for one load, and its outcome once loaded.
struct Batch<K, V, E> {
    keys: Mutex<Vec<K>>,
    loaded: OnceCell<Result<HashMap<K, V>, E>>,
}

/// The batch of a [`Batcher`] over loader `L`.
type BatchOf<K, L> = Arc<Batch<K, <L as Loader<K>>::Value, <L as Loader<K>>::Error>>;

/// Batches `load_one` calls to one [`Loader`]; one per request.
pub struct Batcher<K, L: Loader<K>>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
{
    loader: L,
    /// The batch still taking keys, if any.
    open: Mutex<Option<BatchOf<K, L>>>,
    /// Values read together with their parents ([`Self::prime`]), answered without a load.
    primed: Mutex<HashMap<K, L::Value>>,
}

impl<K, L> Batcher<K, L>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    L: Loader<K>,
{
    /// A batcher over `loader`.
    pub fn new(loader: L) -> Self {
        Self { loader, open: Mutex::new(None), primed: Mutex::default() }
    }

    /// Values a parent's statement already read (checked as the loader would check them):
    /// `load_one` answers these keys without a load.
    pub fn prime(&self, values: impl IntoIterator<Item = (K, L::Value)>) {
        self.primed.lock().unwrap_or_else(PoisonError::into_inner).extend(values);
    }

    /// The loader the batches are loaded with.
    pub fn loader(&self) -> &L {
        &self.loader
    }

    /// The value for `key`, loaded together with every key asked for in the same pass.
    pub async fn load_one(&self, key: K) -> Result<Option<L::Value>, L::Error> {
        if let Some(value) = self.primed.lock().unwrap_or_else(PoisonError::into_inner).get(&key) {
            return Ok(Some(value.clone()));
        }
        let batch = {
            let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
            let batch = Arc::clone(
                open.get_or_insert_with(|| Arc::new(Batch { keys: Mutex::new(Vec::new()), loaded: OnceCell::new() })),
            );
            batch.keys.lock().unwrap_or_else(PoisonError::into_inner).push(key.clone());
            batch
        };
        // Let the other look-ups of this pass join the batch: this future is polled again
        // only after the task has been given back to the runtime.
        tokio::task::yield_now().await;
        let loaded = batch
            .loaded
            .get_or_init(|| async {
                {
                    // Close the batch: keys asked for from now on start the next one.
                    let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
                    if open.as_ref().is_some_and(|current| Arc::ptr_eq(current, &batch)) {
                        *open = None;
                    }
                }
                let mut keys = std::mem::take(&mut *batch.keys.lock().unwrap_or_else(PoisonError::into_inner));
                let mut seen = std::collections::HashSet::with_capacity(keys.len());
                keys.retain(|key| seen.insert(key.clone()));
                self.loader.load(&keys).await
            })
            .await;
        match loaded {
            Ok(values) => Ok(values.get(&key).cloned()),
            Err(error) => Err(error.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Batcher;
    use async_graphql::dataloader::Loader;
    use std::collections::HashMap;
    use std::sync::Mutex;

    /// Squares its keys and records each call's keys.
    #[derive(Default)]
    struct Squares {
        calls: Mutex<Vec<Vec<u32>>>,
    }

    impl Loader<u32> for Squares {
        type Value = u32;
        type Error = String;

        async fn load(&self, keys: &[u32]) -> Result<HashMap<u32, u32>, String> {
            self.calls.lock().unwrap().push(keys.to_vec());
            if keys.contains(&13) {
                return Err("unlucky".into());
            }
            Ok(keys.iter().map(|key| (*key, key * key)).collect())
        }
    }

    #[tokio::test]
    async fn look_ups_made_together_load_once_and_later_ones_load_again() {
        let batcher = Batcher::new(Squares::default());
        let together = futures::future::join_all([1, 2, 3, 2].map(|key| batcher.load_one(key))).await;
        let values: Vec<Option<u32>> = together.into_iter().map(Result::unwrap).collect();
        assert_eq!(values, [Some(1), Some(4), Some(9), Some(4)]);
        assert_eq!(batcher.load_one(5).await, Ok(Some(25)));
        let calls = batcher.loader.calls.lock().unwrap().clone();
        assert_eq!(calls, vec![vec![1, 2, 3], vec![5]], "one call per pass, each key once");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_load_fails_every_look_up_of_its_batch() {
        let batcher = Batcher::new(Squares::default());
        let results = futures::future::join_all([12, 13].map(|key| batcher.load_one(key))).await;
        assert!(results.iter().all(|result| result.as_ref().is_err_and(|error| error == "unlucky")));
        assert_eq!(batcher.load_one(12).await, Ok(Some(144)), "the next batch loads afresh");
    }

    #[tokio::test]
    async fn primed_keys_are_answered_without_a_load() {
        let batcher = Batcher::new(Squares::default());
        batcher.prime([(4, 99)]);
        let values = futures::future::join_all([4, 5].map(|key| batcher.load_one(key))).await;
        assert_eq!(values, [Ok(Some(99)), Ok(Some(25))]);
        assert_eq!(batcher.loader.calls.lock().unwrap().clone(), vec![vec![5]]);
    }
}
