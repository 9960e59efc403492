//! The key of a hash chain ([`ChainKey`]): entries of an append-only log (the disclosure
//! log) are chained with an HMAC under a data key wrapped to the server identity, so whoever
//! can write the database but not read the identity file cannot recompute a chain after
//! editing, deleting or inserting an entry.
//!
//! `mac(text)` is the lowercase hex of
//!
//! ```text
//! HMAC-SHA256(key, "emis/chain/v1" || text)
//! ```

use hmac::Mac as _;

use crate::blind_index::{keyed_mac, to_hex};
use crate::data_key::DataKey;

/// Prefix of every chain HMAC input.
const LABEL: &[u8] = b"emis/chain/v1";

/// Computes chain links under a dedicated secret key.
pub struct ChainKey {
    key: DataKey,
}

impl ChainKey {
    /// Uses `key` (a data key reserved for the chain) as the HMAC key.
    pub fn new(key: DataKey) -> Self {
        Self { key }
    }

    /// The link of `text` (64 lowercase hex chars).
    pub fn mac(&self, text: &[u8]) -> String {
        let mut mac = keyed_mac(&self.key);
        mac.update(LABEL);
        mac.update(text);
        to_hex(&mac.finalize().into_bytes())
    }
}

impl std::fmt::Debug for ChainKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChainKey(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_depends_on_the_key_and_the_text() {
        let one = ChainKey::new(DataKey::from_bytes([1; 32]));
        let other = ChainKey::new(DataKey::from_bytes([2; 32]));
        assert_eq!(one.mac(b"a").len(), 64);
        assert_eq!(one.mac(b"a"), one.mac(b"a"));
        assert_ne!(one.mac(b"a"), one.mac(b"b"));
        assert_ne!(one.mac(b"a"), other.mac(b"a"));
    }
}
