//! The running policy ([`PolicyStore`]): swapped atomically on reload so
//! readers never wait, and a watcher task that reloads when the files change.
//!
//! A reload builds the new policy off to the side and only swaps it in when
//! every line is valid and every expected-decision case passes; otherwise the
//! running policy stays and the refusal is returned (and logged by the
//! watcher). A new policy that adds a grant of a sensitive kind is held, the
//! running policy staying, until `confirmed.csv` names its version. Every
//! attempt is reported as a [`PolicyChange`] to the watcher's observer.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use arc_swap::ArcSwap;
use tokio::sync::Mutex;
use tokio::time::MissedTickBehavior;

use crate::cases::parse_cases;
use crate::change::{LineDiff, Outcome, PolicyChange, confirmations};
use crate::error::PolicyError;
use crate::files::{PolicyFiles, Snapshot};
use crate::grants::PolicyDiff;
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
/// Returns the policy, the number of cases that passed and the confirmations.
async fn build(files: &PolicyFiles, snapshot: Snapshot) -> Result<(Policy, usize, String), PolicyError> {
    let texts = snapshot.into_texts(files)?;
    let policy = Policy::from_texts(files, &texts.model, &texts.policy).await?;
    let cases = parse_cases(&files.cases, &texts.cases)?;
    let passed = policy.check_cases(&cases).into_result()?;
    Ok((policy, passed, texts.confirmed))
}

/// Whether `new` may replace `running`: held when it adds a grant of a sensitive kind and
/// `confirmed` does not name its version. The change, described.
pub(crate) fn judge(running: &Policy, new: &Policy, confirmed: &str) -> PolicyChange {
    let grants = PolicyDiff::between(running, new);
    let confirmed_by = confirmations(confirmed).remove(new.version());
    let sensitive = grants.sensitive_added();
    let held = !sensitive.is_empty() && confirmed_by.is_none();
    let reason = held.then(|| {
        let list = sensitive.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
        format!(
            "thêm quyền nhạy cảm, chờ xác nhận phiên bản {v} trong {file} / adds sensitive grants, \
             waiting for version {v} to be confirmed in {file}: {list}",
            v = new.version(),
            file = crate::change::CONFIRMATIONS
        )
    });
    PolicyChange {
        outcome: if held { Outcome::Held } else { Outcome::Applied },
        previous_version: running.version().to_owned(),
        version: new.version().to_owned(),
        confirmed_by,
        grants,
        lines: LineDiff::between(running.text(), new.text()),
        reason,
        text: new.text().to_owned(),
        model: new.model_text().to_owned(),
    }
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
        let (policy, passed, _) = build(&files, snapshot).await?;
        note(&policy);
        tracing::info!(
            version = policy.version(),
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
    /// invalid or a case fails (then the running policy is kept and the
    /// reason returned), or the new policy adds a sensitive grant whose version
    /// is not confirmed (then the running policy is kept and the change comes
    /// back [`Outcome::Held`]).
    pub async fn reload(&self) -> Result<PolicyChange, PolicyError> {
        self.attempt().await.map_err(|(error, _)| error)
    }

    /// [`PolicyStore::reload`], with the version of the refused files (empty when they
    /// could not be read) beside a refusal.
    async fn attempt(&self) -> Result<PolicyChange, (PolicyError, String)> {
        let _one_at_a_time = self.reloading.lock().await;
        let snapshot = Snapshot::read(&self.files).await;
        self.seen.store(snapshot.fingerprint(), Ordering::Relaxed);
        let attempted = snapshot.version().unwrap_or_default();
        let (policy, passed, confirmed) = build(&self.files, snapshot).await.map_err(|error| (error, attempted))?;
        let change = judge(&self.current(), &policy, &confirmed);
        if change.outcome == Outcome::Held {
            tracing::warn!(
                version = policy.version(),
                running = %change.previous_version,
                "{}",
                change.reason.as_deref().unwrap_or_default()
            );
            return Ok(change);
        }
        note(&policy);
        let lines = policy.line_count();
        self.current.store(Arc::new(policy));
        tracing::info!(
            version = %change.version,
            previous = %change.previous_version,
            confirmed_by = change.confirmed_by.as_deref(),
            lines,
            cases = passed,
            policy = %self.files.policy.display(),
            "đã nạp lại chính sách / policy reloaded:\n{}{}",
            change.grants,
            change.lines
        );
        Ok(change)
    }

    /// Swaps in `policy`, a version another instance applied (and judged there), unless it
    /// runs already. Whether it was swapped.
    pub async fn adopt(&self, policy: Policy) -> bool {
        let _one_at_a_time = self.reloading.lock().await;
        let previous = self.current();
        if previous.version() == policy.version() {
            return false;
        }
        note(&policy);
        tracing::info!(
            version = policy.version(),
            previous = previous.version(),
            lines = policy.line_count(),
            "đã áp dụng chính sách do máy chủ khác nạp / policy applied as another instance applied it"
        );
        self.current.store(Arc::new(policy));
        true
    }

    /// The running policy judged as a change from `previous` (the version the last server
    /// ran, say): held when it adds a sensitive grant `confirmed.csv` does not confirm.
    pub async fn judge_against(&self, previous: &Policy) -> PolicyChange {
        judge(previous, &self.current(), &self.files.confirmed_text().await)
    }

    /// Whether the files differ from what was last read.
    async fn changed(&self) -> bool {
        let now = Snapshot::read(&self.files).await.fingerprint();
        now != self.seen.load(Ordering::Relaxed)
    }

    /// Polls the files every `every` (at least 10 ms) and reloads when their
    /// contents change, logging the success, the hold or the refusal and
    /// handing each attempt to `observe` (which records it). The task ends by
    /// itself once the store is dropped; it never panics.
    pub fn spawn_watcher(
        self: &Arc<Self>,
        every: Duration,
        observe: impl Fn(PolicyChange) + Send + Sync + 'static,
    ) -> tokio::task::JoinHandle<()> {
        let store = Arc::downgrade(self);
        tokio::spawn(watch(store, every.max(MIN_POLL), observe))
    }
}

/// A refused change of the files of version `version`, described for the observer.
fn refused(running: &Policy, error: &PolicyError, version: String) -> PolicyChange {
    PolicyChange {
        outcome: Outcome::Refused,
        previous_version: running.version().to_owned(),
        version,
        confirmed_by: None,
        grants: PolicyDiff::default(),
        lines: LineDiff::default(),
        reason: Some(error.to_string()),
        text: String::new(),
        model: String::new(),
    }
}

async fn watch(store: Weak<PolicyStore>, every: Duration, observe: impl Fn(PolicyChange)) {
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
        match store.attempt().await {
            Ok(change) => observe(change),
            Err((error, version)) => {
                tracing::warn!(
                    policy = %store.files.policy.display(),
                    "thay đổi chính sách bị từ chối, giữ chính sách đang chạy \
                     / policy change refused, keeping the running policy:\n{error}"
                );
                observe(refused(&store.current(), &error, version));
            }
        }
    }
}
