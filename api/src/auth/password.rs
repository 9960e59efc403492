//! Password hashing with argon2id (PHC strings), a verification that costs the same
//! whether or not the account exists, and the [`Verifier`] that runs verifications of
//! requests on blocking threads, as many at once as there are cores, with a bounded queue.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use rand::rngs::OsRng;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::{Semaphore, SemaphorePermit};

/// Runs password verifications off the async workers: each on a blocking thread, at most
/// one per core at once, so that sign-ins never hold up other requests; a sign-in that
/// would wait behind more than the queue allows is turned away instead of piling up.
#[derive(Debug)]
pub struct Verifier {
    /// One permit per verification that may run at once.
    running: Semaphore,
    /// One permit per sign-in admitted: those running and those queued.
    admitted: Semaphore,
    /// Verifications run so far (for `/metrics`).
    checked: AtomicU64,
}

/// A sign-in's place in the [`Verifier`]'s queue, held until its verification ends.
#[derive(Debug)]
pub struct Admission<'a> {
    verifier: &'a Verifier,
    _place: SemaphorePermit<'a>,
}

impl Verifier {
    /// A verifier running as many verifications at once as this machine has cores, with at
    /// most `queue` more waiting.
    pub fn new(queue: usize) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        Self { running: Semaphore::new(cores), admitted: Semaphore::new(cores + queue), checked: AtomicU64::new(0) }
    }

    /// A place in the queue, or `None` when the queue is full (the server is busy).
    pub fn admit(&self) -> Option<Admission<'_>> {
        let place = self.admitted.try_acquire().ok()?;
        Some(Admission { verifier: self, _place: place })
    }

    /// How many verifications have run.
    pub fn checked(&self) -> u64 {
        self.checked.load(Ordering::Relaxed)
    }
}

impl Admission<'_> {
    /// Whether `password` matches `stored` (see [`verify`]), checked on a blocking thread
    /// once a core is free.
    pub async fn verify(self, password: &str, stored: Option<String>) -> Result<bool, tokio::task::JoinError> {
        let _running = self.verifier.running.acquire().await;
        self.verifier.checked.fetch_add(1, Ordering::Relaxed);
        let password = emis_crypto::Zeroizing::new(password.to_owned());
        tokio::task::spawn_blocking(move || verify(&password, stored.as_deref())).await
    }

    /// Whether `password` matches `stored`, then — when it does and `new` is given — the
    /// argon2id hash of `new`, both on one blocking thread once a core is free (changing a
    /// password checks the current one and hashes the next at the cost of one sign-in).
    pub async fn verify_then_hash(
        self,
        password: &str,
        stored: Option<String>,
        new: Option<&str>,
    ) -> Result<(bool, Option<String>), tokio::task::JoinError> {
        let _running = self.verifier.running.acquire().await;
        self.verifier.checked.fetch_add(1, Ordering::Relaxed);
        let password = emis_crypto::Zeroizing::new(password.to_owned());
        let new = new.map(|new| emis_crypto::Zeroizing::new(new.to_owned()));
        tokio::task::spawn_blocking(move || {
            let matches = verify(&password, stored.as_deref());
            let hashed = match (&new, matches) {
                (Some(new), true) => hash(new).ok(),
                _ => None,
            };
            (matches, hashed)
        })
        .await
    }

    /// The argon2id hash of `password`, made on a blocking thread once a core is free.
    pub async fn hash(self, password: &str) -> Result<anyhow::Result<String>, tokio::task::JoinError> {
        let _running = self.verifier.running.acquire().await;
        let password = emis_crypto::Zeroizing::new(password.to_owned());
        tokio::task::spawn_blocking(move || hash(&password)).await
    }
}

/// Hashes `password` with argon2id and a random salt.
pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| anyhow::anyhow!("hashing a password failed: {error}"))
}

/// Whether `password` matches the PHC string `stored`. With `stored = None` (no such account,
/// or no password set) a dummy hash is verified, so the answer takes as long as a real one.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    let dummy = dummy_hash();
    let (phc, real) = match stored {
        Some(stored) => (stored, true),
        None => (dummy.as_str(), false),
    };
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let matches = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
    matches && real
}

fn dummy_hash() -> &'static String {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash("no account has this password").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::{Verifier, hash, verify};

    #[tokio::test]
    async fn the_verifier_turns_away_what_its_queue_cannot_hold() {
        let verifier = Verifier::new(0);
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        let held: Vec<_> = (0..cores).map(|_| verifier.admit().expect("a place per core")).collect();
        assert!(verifier.admit().is_none(), "no queue: busy");
        drop(held);
        let stored = hash("mật khẩu").unwrap();
        let admitted = verifier.admit().expect("a place again");
        assert!(admitted.verify("mật khẩu", Some(stored)).await.unwrap());
        assert_eq!(verifier.checked(), 1);
    }

    #[test]
    fn a_hashed_password_verifies_and_another_does_not() {
        let stored = hash("mật khẩu").unwrap();
        assert!(verify("mật khẩu", Some(&stored)));
        assert!(!verify("mat khau", Some(&stored)));
    }

    #[test]
    fn a_missing_account_never_verifies() {
        assert!(!verify("no account has this password", None));
    }
}
