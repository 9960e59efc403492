//! The running policy ([`PolicyStore`]): swapped atomically on reload so
//! readers never wait, and a watcher task that reloads when the files change.
//!
//! A reload builds the new policy off to the side and only swaps it in when
//! every line is valid and every expected-decision case passes; otherwise the
//! running policy stays and the refusal is returned (and logged by the
//! watcher).

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use arc_swap::ArcSwap;
use tokio::sync::Mutex;
use tokio::time::MissedTickBehavior;

use crate::cases::parse_cases;
use crate::error::PolicyError;
use crate::files::{PolicyFiles, Snapshot};
use crate::policy::Policy;

/// The shortest polling period the watcher accepts.
const MIN_POLL: Duration = Duration::from_millis(10);

/// The running policy and where it was loaded from.
pub struct PolicyStore {
    files: PolicyFiles,
    current: ArcSwap<Policy>,
    /// Fingerprint of the files as last read by `open` or `reload`, whether
    /// or not that read was accepted (so a refused edit is not retried until
    /// the files change again).
    seen: AtomicU64,
    /// Serialises reloads so an older read can never replace a newer one.
    reloading: Mutex<()>,
}

impl fmt::Debug for PolicyStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PolicyStore")
            .field("files", &self.files)
            .field("current", &self.current.load())
            .finish_non_exhaustive()
    }
}

/// Builds a policy from a snapshot and requires every case to pass.
/// Returns the policy and the number of cases that passed.
async fn build(files: &PolicyFiles, snapshot: Snapshot) -> Result<(Policy, usize), PolicyError> {
    let texts = snapshot.into_texts(files)?;
    let policy = Policy::from_texts(files, &texts.model, &texts.policy).await?;
    let cases = parse_cases(&files.cases, &texts.cases)?;
    let passed = policy.check_cases(&cases).into_result()?;
    Ok((policy, passed))
}

/// Logs the lines of `policy` that take effect only later.
fn note(policy: &Policy) {
    for notice in policy.notices() {
        tracing::warn!("{notice}");
    }
}

impl PolicyStore {
    /// Loads the policy and requires every case in the cases file to pass.
    pub async fn open(files: PolicyFiles) -> Result<Self, PolicyError> {
        let snapshot = Snapshot::read(&files).await;
        let seen = snapshot.fingerprint();
        let (policy, passed) = build(&files, snapshot).await?;
        note(&policy);
        tracing::info!(
            lines = policy.line_count(),
            cases = passed,
            policy = %files.policy.display(),
            "đã nạp chính sách / policy loaded"
        );
        Ok(Self {
            files,
            current: ArcSwap::from_pointee(policy),
            seen: AtomicU64::new(seen),
            reloading: Mutex::new(()),
        })
    }

    /// The files this store loads from.
    pub fn files(&self) -> &PolicyFiles {
        &self.files
    }

    /// The running policy. Cheap; never waits for a reload.
    pub fn current(&self) -> Arc<Policy> {
        self.current.load_full()
    }

    /// Reads the files again and swaps in the new policy, unless a line is
    /// invalid or a case fails: then the running policy is kept and the
    /// reason returned.
    pub async fn reload(&self) -> Result<(), PolicyError> {
        let _one_at_a_time = self.reloading.lock().await;
        let snapshot = Snapshot::read(&self.files).await;
        self.seen.store(snapshot.fingerprint(), Ordering::Relaxed);
        let (policy, passed) = build(&self.files, snapshot).await?;
        note(&policy);
        let lines = policy.line_count();
        self.current.store(Arc::new(policy));
        tracing::info!(
            lines,
            cases = passed,
            policy = %self.files.policy.display(),
            "đã nạp lại chính sách / policy reloaded"
        );
        Ok(())
    }

    /// Whether the files differ from what was last read.
    async fn changed(&self) -> bool {
        let now = Snapshot::read(&self.files).await.fingerprint();
        now != self.seen.load(Ordering::Relaxed)
    }

    /// Polls the three files every `every` (at least 10 ms) and reloads when
    /// their contents change, logging the success or the refusal. The task
    /// ends by itself once the store is dropped; it never panics.
    pub fn spawn_watcher(self: &Arc<Self>, every: Duration) -> tokio::task::JoinHandle<()> {
        let store = Arc::downgrade(self);
        tokio::spawn(watch(store, every.max(MIN_POLL)))
    }
}

async fn watch(store: Weak<PolicyStore>, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    ticks.tick().await; // the first tick is immediate
    loop {
        ticks.tick().await;
        let Some(store) = store.upgrade() else {
            tracing::debug!("policy store dropped; watcher stops");
            return;
        };
        if !store.changed().await {
            continue;
        }
        if let Err(error) = store.reload().await {
            tracing::warn!(
                policy = %store.files.policy.display(),
                "thay đổi chính sách bị từ chối, giữ chính sách đang chạy \
                 / policy change refused, keeping the running policy:\n{error}"
            );
        }
    }
}
