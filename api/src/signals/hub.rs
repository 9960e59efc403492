//! The waiting room of one instance: open subscriptions register under the keys they follow
//! and sleep; a signal wakes exactly those registered under its key (or, after a lost
//! connection, everyone), whatever the number of subscriptions.

use super::Key;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use tokio::sync::Notify;

/// How many registrations between two sweeps of the subscriptions that have closed.
const SWEEP_EVERY: u64 = 1024;

/// Who waits for which key, in this instance.
#[derive(Debug, Default)]
pub struct Hub {
    waiting: Mutex<HashMap<Key, Vec<Weak<Notify>>>>,
    registrations: AtomicU64,
}

/// A registration: woken by a signal for any of its keys. Dropping it unregisters.
#[derive(Debug)]
pub struct Watch(Arc<Notify>);

impl Watch {
    /// Waits for a signal; one that came since the last wait counts at once.
    pub async fn woken(&self) {
        self.0.notified().await;
    }
}

impl Hub {
    /// Registers a waiter under every one of `keys`.
    pub fn watch(&self, keys: &[Key]) -> Watch {
        let notify = Arc::new(Notify::new());
        let mut waiting = self.waiting.lock().unwrap_or_else(PoisonError::into_inner);
        if self.registrations.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            waiting.retain(|_, waiters| {
                waiters.retain(|waiter| waiter.strong_count() > 0);
                !waiters.is_empty()
            });
        }
        for key in keys {
            waiting.entry(*key).or_default().push(Arc::downgrade(&notify));
        }
        Watch(notify)
    }

    /// Wakes everyone registered under `key`.
    pub fn wake(&self, key: Key) {
        let mut waiting = self.waiting.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(waiters) = waiting.get_mut(&key) else { return };
        waiters.retain(|waiter| match waiter.upgrade() {
            Some(notify) => {
                notify.notify_one();
                true
            }
            None => false,
        });
        if waiters.is_empty() {
            waiting.remove(&key);
        }
    }

    /// Wakes every waiter (signals may have been missed).
    pub fn wake_all(&self) {
        let waiting = self.waiting.lock().unwrap_or_else(PoisonError::into_inner);
        for notify in waiting.values().flatten().filter_map(Weak::upgrade) {
            notify.notify_one();
        }
    }

    /// How many registrations are live (for `/metrics`).
    pub fn watching(&self) -> usize {
        let waiting = self.waiting.lock().unwrap_or_else(PoisonError::into_inner);
        let mut live: Vec<*const Notify> =
            waiting.values().flatten().filter(|waiter| waiter.strong_count() > 0).map(Weak::as_ptr).collect();
        live.sort_unstable();
        live.dedup();
        live.len()
    }
}

#[cfg(test)]
mod tests {
    use super::{Hub, Key};
    use crate::auth::Account;
    use std::time::Duration;

    async fn woken(watch: &super::Watch) -> bool {
        tokio::time::timeout(Duration::from_millis(50), watch.woken()).await.is_ok()
    }

    #[tokio::test]
    async fn a_signal_wakes_only_its_keys_waiters_and_is_kept_until_waited_for() {
        let hub = Hub::default();
        let family = hub.watch(&[Key::Family(1), Key::Account(Account::Guardian(1))]);
        let other = hub.watch(&[Key::Family(2)]);
        hub.wake(Key::Family(1));
        hub.wake(Key::Account(Account::Guardian(1)));
        assert!(woken(&family).await, "woken, the signal kept until the wait");
        assert!(!woken(&family).await, "two signals before a wait wake it once");
        assert!(!woken(&other).await);
        hub.wake_all();
        assert!(woken(&other).await);
        assert_eq!(hub.watching(), 2);
        drop(other);
        hub.wake(Key::Family(2));
        assert_eq!(hub.watching(), 1, "a closed subscription is forgotten");
    }
}
