//! Password hashing with argon2id (PHC strings), and a verification that costs the same
//! whether or not the account exists.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use rand::rngs::OsRng;
use std::sync::OnceLock;

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
    use super::{hash, verify};

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
