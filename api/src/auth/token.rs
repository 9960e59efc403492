//! Opaque bearer tokens: random, shown to the client once, stored only as a SHA-256 hash.

use base64::Engine as _;
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};

/// A new random token (32 bytes, base64url) with its prefix naming the kind.
pub fn generate(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{prefix}_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// The hex SHA-256 of `value`: what the database keeps of a token.
pub fn digest(value: &str) -> String {
    emis_crypto::to_hex(&Sha256::digest(value.as_bytes()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_unique_and_their_digests_stable() {
        let a = super::generate("at");
        let b = super::generate("at");
        assert_ne!(a, b);
        assert!(a.starts_with("at_"));
        assert_eq!(super::digest(&a), super::digest(&a));
        assert_eq!(super::digest(&a).len(), 64);
    }
}
