//! Blind indexes ([`BlindIndexer`]) for exact lookups on sealed identity
//! numbers and phone numbers, and the identifier normalization they use.
//!
//! `index(domain, value)` is the lowercase hex of the first 16 bytes of
//!
//! ```text
//! HMAC-SHA256(key, "emis/blind-index/v1" || u32_be(len(domain)) || domain || normalize(value))
//! ```
//!
//! where `len(domain)` is the domain's UTF-8 length in bytes. The length
//! prefix keeps domains apart: the same value gives unrelated indexes in
//! `student.identity_no` and `guardian.phone`.

use hmac::digest::generic_array::GenericArray;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::data_key::{DATA_KEY_LEN, DataKey};

/// Prefix of every blind index HMAC input.
const LABEL: &[u8] = b"emis/blind-index/v1";
/// How many HMAC output bytes are kept (hex-encoded to twice as many chars).
const INDEX_BYTES: usize = 16;
/// SHA-256 block size; HMAC zero-pads shorter keys to it.
const SHA256_BLOCK: usize = 64;

pub(crate) type HmacSha256 = Hmac<Sha256>;

/// Computes blind indexes under a dedicated secret key.
pub struct BlindIndexer {
    key: DataKey,
}

impl BlindIndexer {
    /// Uses `key` (a data key reserved for blind indexes) as the HMAC key.
    pub fn new(key: DataKey) -> Self {
        Self { key }
    }

    /// The blind index of `value` in `domain` (32 lowercase hex chars).
    pub fn index(&self, domain: &str, value: &str) -> String {
        let normalized = Zeroizing::new(normalize_identifier(value));
        let mut mac = self.mac();
        mac.update(LABEL);
        mac.update(&domain_length(domain).to_be_bytes());
        mac.update(domain.as_bytes());
        mac.update(normalized.as_bytes());
        let digest = mac.finalize().into_bytes();
        to_hex(&digest[..INDEX_BYTES])
    }

    /// A fresh HMAC keyed with the index key.
    fn mac(&self) -> HmacSha256 {
        keyed_mac(&self.key)
    }
}

/// A fresh HMAC-SHA256 keyed with `key`. The 32-byte key is zero-padded to the block size by
/// hand, exactly as HMAC itself would, so keying is infallible.
pub(crate) fn keyed_mac(key: &DataKey) -> HmacSha256 {
    let mut block = Zeroizing::new([0u8; SHA256_BLOCK]);
    block[..DATA_KEY_LEN].copy_from_slice(key.expose());
    <HmacSha256 as hmac::digest::KeyInit>::new(GenericArray::from_slice(&block[..]))
}

impl std::fmt::Debug for BlindIndexer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BlindIndexer(..)")
    }
}

/// Domain labels are short code constants; saturate rather than panic.
fn domain_length(domain: &str) -> u32 {
    u32::try_from(domain.len()).unwrap_or(u32::MAX)
}

/// `bytes` as lowercase hex, two digits each (how keyed hashes and digests are stored).
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

/// Normalizes an identity number or phone number before indexing:
///
/// 1. removes all whitespace, `-`, `.`, `(` and `)` (which also trims);
/// 2. upper-cases ASCII letters (passport numbers such as `b1234567`);
/// 3. replaces a leading `+84` (Vietnam's country code) with `0`.
///
/// `" 079 123-456.789 "` becomes `"079123456789"`, and `"+84 901 234 567"`
/// becomes `"0901234567"`.
pub fn normalize_identifier(value: &str) -> String {
    let compact: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '.' | '(' | ')'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    match compact.strip_prefix("+84") {
        Some(national) => format!("0{national}"),
        None => compact,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indexer(byte: u8) -> BlindIndexer {
        BlindIndexer::new(DataKey::from_bytes([byte; DATA_KEY_LEN]))
    }

    #[test]
    fn hex_is_lowercase_two_digits_per_byte() {
        assert_eq!(to_hex(&[0x00, 0x0f, 0xab, 0xff]), "000fabff");
        assert_eq!(to_hex(&[]), "");
    }

    #[test]
    fn the_same_value_always_gets_the_same_index() {
        let a = indexer(1).index("student.identity_no", "079123456789");
        let b = indexer(1).index("student.identity_no", "079123456789");
        assert_eq!(a, b);
    }

    #[test]
    fn an_index_is_32_lowercase_hex_characters() {
        let index = indexer(1).index("guardian.phone", "0901234567");
        assert_eq!(index.len(), 32);
        assert!(index.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')));
    }

    #[test]
    fn the_same_value_gets_different_indexes_in_different_domains() {
        let indexer = indexer(1);
        assert_ne!(indexer.index("student.identity_no", "0901234567"), indexer.index("guardian.phone", "0901234567"));
    }

    #[test]
    fn domain_and_value_boundaries_cannot_be_shifted() {
        let indexer = indexer(1);
        // Without the length prefix both inputs would read "AB12".
        assert_ne!(indexer.index("AB", "12"), indexer.index("A", "B12"));
    }

    #[test]
    fn different_keys_give_different_indexes() {
        assert_ne!(indexer(1).index("guardian.phone", "0901234567"), indexer(2).index("guardian.phone", "0901234567"));
    }

    #[test]
    fn spaces_dashes_and_dots_do_not_change_the_index() {
        let indexer = indexer(1);
        assert_eq!(
            indexer.index("student.identity_no", " 079 123-456.789 "),
            indexer.index("student.identity_no", "079123456789")
        );
    }

    #[test]
    fn an_international_vietnamese_phone_matches_the_national_form() {
        let indexer = indexer(1);
        assert_eq!(indexer.index("guardian.phone", "+84901234567"), indexer.index("guardian.phone", "0901234567"));
    }

    #[test]
    fn normalization_trims_strips_separators_and_maps_plus_84() {
        assert_eq!(normalize_identifier(" 079 123-456.789 "), "079123456789");
        assert_eq!(normalize_identifier("+84901234567"), "0901234567");
        assert_eq!(normalize_identifier("+84 (90) 123-4567"), "0901234567");
        assert_eq!(normalize_identifier("b1234567"), "B1234567");
        assert_eq!(normalize_identifier("0084901234567"), "0084901234567");
    }

    #[test]
    fn the_index_matches_a_hand_built_hmac() {
        let mut mac = HmacSha256::new_from_slice(&[1u8; DATA_KEY_LEN]).unwrap();
        mac.update(b"emis/blind-index/v1\x00\x00\x00\x0eguardian.phone0901234567");
        let expected = to_hex(&mac.finalize().into_bytes()[..16]);
        assert_eq!(indexer(1).index("guardian.phone", "+84 901 234 567"), expected);
    }
}
