//! # emis-crypto: envelope encryption of sensitive fields
//!
//! This crate owns how EMIS protects sensitive personal fields at rest
//! (identity numbers, phone numbers, addresses, ethnicity, religion, health
//! notes): the server identity, data keys and their wrapping, the sealed
//! value format, blind indexes for exact lookups, and the in-memory keyring.
//!
//! Encrypting every value with age costs about 80 µs, too slow for a page of
//! a thousand values, so values are sealed with a fast symmetric cipher under
//! **data keys**, and only the data keys are encrypted with age.
//!
//! ## Keys
//!
//! * **Server identity** ([`ServerIdentity`]): an X25519 age identity kept in
//!   a standard age identity file (`AGE-SECRET-KEY-1...`, the shape
//!   `age-keygen` writes). It never enters the database. While keys are
//!   rotated the file holds several secret keys (the new one first); an
//!   optional escrow recipient (a public key) may be added.
//! * **Data key** ([`DataKey`]): 32 random bytes. Keys are scoped (for
//!   example one per school or per student) and identified by a `u64` key
//!   id, so destroying one key crypto-shreds exactly the values sealed under
//!   it, and keys can be rotated.
//! * **Wrapped data key**: the database stores each data key as a standard
//!   *binary* age file (not ASCII-armored) encrypted to the server identity's
//!   recipient (`age1...`) — to each key's while several are held, and to the
//!   escrow recipient when one is set. Its decrypted payload is exactly the 32
//!   raw key bytes. See [`DataKey::wrap`] and [`DataKey::unwrap`].
//!
//! ## Sealed value format (version 1)
//!
//! A sealed value is one byte string (offsets in bytes):
//!
//! | bytes    | content                                                  |
//! |----------|----------------------------------------------------------|
//! | `0`      | format version, always `0x01`                            |
//! | `1..9`   | key id, unsigned 64-bit **big-endian**                   |
//! | `9..33`  | 24-byte random nonce                                     |
//! | `33..`   | XChaCha20-Poly1305 ciphertext, then its 16-byte tag      |
//!
//! So a sealed value is always `49 + len(plaintext)` bytes long.
//!
//! The cipher is XChaCha20-Poly1305 (the IETF ChaCha20-Poly1305 AEAD with
//! HChaCha20 nonce extension, as in libsodium's
//! `crypto_aead_xchacha20poly1305_ietf_*`), keyed with the 32-byte data key.
//! The **associated data** is the UTF-8 string
//!
//! ```text
//! emis/v1/{table}/{column}/{row_id}/{key_id}
//! ```
//!
//! with `row_id` (signed, `i64`) and `key_id` (`u64`) written in decimal,
//! without padding; a negative row id keeps its `-`. For example a value in
//! `student.identity_no` of row 42 under key 7 has associated data
//! `emis/v1/student/identity_no/42/7`. Table and column names must be
//! non-empty and must not contain `/`. Because the location and the key id
//! are authenticated, a ciphertext copied to another table, column or row,
//! or given another key id, fails to open. See [`seal`], [`open`],
//! [`open_string`] and [`sealed_key_id`].
//!
//! ## Blind index
//!
//! Exact lookup of identity numbers and phone numbers goes through a keyed
//! hash stored next to the sealed value ([`BlindIndexer`]). The HMAC key is a
//! data key reserved for this purpose. The index of `value` in `domain`
//! (such as `student.identity_no` or `guardian.phone`) is the lowercase hex
//! of the first 16 bytes of
//!
//! ```text
//! HMAC-SHA256(index_key,
//!     "emis/blind-index/v1" || u32_be(byte_len(domain)) || domain || normalize(value))
//! ```
//!
//! [`normalize_identifier`] removes whitespace, `-`, `.`, `(` and `)`,
//! upper-cases ASCII letters, and turns a leading `+84` into `0`.
//!
//! ## Recovery with the standard `age` tool
//!
//! An operator holding the identity file can read any value without EMIS:
//!
//! 1. Take the sealed value's bytes (for example
//!    `select encode(col, 'hex') ...` then `xxd -r -p > value.bin`).
//! 2. Read the key id: bytes `1..9`, big-endian
//!    (`xxd -s 1 -l 8 -p value.bin` shows it in hex).
//! 3. Fetch the wrapped data key stored for that key id, as raw bytes, into
//!    `wrapped.age`.
//! 4. Unwrap it: `age -d -i identity.txt -o key.bin wrapped.age`.
//!    `key.bin` now holds the 32 raw key bytes.
//! 5. Split the value: nonce = bytes `9..33`, ciphertext-with-tag = bytes
//!    `33..` to the end.
//! 6. Build the associated data `emis/v1/{table}/{column}/{row_id}/{key_id}`
//!    from where the value was stored and the key id from step 2 (decimal).
//! 7. Decrypt with any XChaCha20-Poly1305 implementation, for example
//!    Python's PyNaCl:
//!
//! ```text
//! from nacl.bindings import crypto_aead_xchacha20poly1305_ietf_decrypt as dec
//! v = open("value.bin", "rb").read(); k = open("key.bin", "rb").read()
//! key_id = int.from_bytes(v[1:9], "big")
//! aad = f"emis/v1/student/identity_no/42/{key_id}".encode()
//! print(dec(v[33:], aad, v[9:33], k).decode())
//! ```
//!
//! The same steps in Rust, using only the `chacha20poly1305` crate:
//!
//! ```
//! use chacha20poly1305::aead::{Aead, KeyInit, Payload};
//! use chacha20poly1305::{XChaCha20Poly1305, XNonce};
//! # use emis_crypto::{seal, DataKey, FieldContext};
//! # let raw_key = [9u8; 32];
//! # let ctx = FieldContext { table: "student", column: "identity_no", row_id: 42 };
//! # let value = seal(&DataKey::from_bytes(raw_key), 7, &ctx, b"079123456789").unwrap();
//! // `raw_key`: the 32 bytes of key.bin; `value`: the sealed bytes.
//! assert_eq!(value[0], 0x01);
//! let key_id = u64::from_be_bytes(value[1..9].try_into().unwrap());
//! let aad = format!("emis/v1/student/identity_no/42/{key_id}");
//! let cipher = XChaCha20Poly1305::new(&raw_key.into());
//! let plain = cipher
//!     .decrypt(XNonce::from_slice(&value[9..33]), Payload { msg: &value[33..], aad: aad.as_bytes() })
//!     .unwrap();
//! assert_eq!(plain, b"079123456789");
//! ```
//!
//! ## Handling of secrets
//!
//! Data keys and the identity are zeroized on drop and never appear in
//! `Debug` output; opened plaintext is returned in [`zeroize::Zeroizing`]
//! buffers; no error message contains plaintext or key material.

mod blind_index;
mod chain;
mod data_key;
mod error;
mod identity;
mod keyring;
mod seal;
mod timestamp;

pub use blind_index::{BlindIndexer, normalize_identifier, to_hex};
pub use chain::ChainKey;
pub use data_key::{DATA_KEY_LEN, DataKey};
pub use error::CryptoError;
pub use identity::ServerIdentity;
pub use keyring::Keyring;
pub use seal::{FORMAT_VERSION, FieldContext, HEADER_LEN, TAG_LEN, open, open_string, seal, sealed_key_id};
pub use zeroize::Zeroizing;
