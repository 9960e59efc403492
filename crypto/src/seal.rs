//! Sealing and opening field values ([`seal`], [`open`], [`open_string`],
//! [`sealed_key_id`]) with XChaCha20-Poly1305 under a [`DataKey`].
//!
//! Sealed layout (version 1), all offsets in bytes:
//!
//! | bytes       | content                                   |
//! |-------------|-------------------------------------------|
//! | `0`         | format version, `0x01`                    |
//! | `1..9`      | key id, unsigned 64-bit big-endian        |
//! | `9..33`     | 24-byte random XChaCha20 nonce            |
//! | `33..`      | ciphertext followed by the 16-byte tag    |
//!
//! Associated data is the UTF-8 string
//! `emis/v1/{table}/{column}/{row_id}/{key_id}` with `row_id` and `key_id`
//! in decimal (`row_id` may carry a leading `-`). Table and column names must
//! be non-empty and must not contain `/`, so the string is unambiguous.

use chacha20poly1305::aead::{AeadInPlace, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use rand::rngs::OsRng;
use zeroize::Zeroizing;

use crate::data_key::DataKey;
use crate::error::CryptoError;

/// Format version byte of values sealed by this build.
pub const FORMAT_VERSION: u8 = 0x01;
/// Bytes before the ciphertext: version, key id, nonce.
pub const HEADER_LEN: usize = 1 + KEY_ID_LEN + NONCE_LEN;
/// Length of the Poly1305 tag at the end of a sealed value.
pub const TAG_LEN: usize = 16;

const KEY_ID_LEN: usize = 8;
const NONCE_LEN: usize = 24;
const KEY_ID_RANGE: std::ops::Range<usize> = 1..1 + KEY_ID_LEN;
const NONCE_RANGE: std::ops::Range<usize> = 1 + KEY_ID_LEN..HEADER_LEN;

/// Where a sealed value lives; bound into the associated data so a
/// ciphertext copied to another table, column or row does not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldContext<'a> {
    /// Database table name, e.g. `student`.
    pub table: &'a str,
    /// Column name, e.g. `identity_no`.
    pub column: &'a str,
    /// Primary key of the row.
    pub row_id: i64,
}

impl FieldContext<'_> {
    /// The associated data string for this field and `key_id`.
    fn associated_data(&self, key_id: u64) -> Result<String, CryptoError> {
        check_name(self.table, "table name is empty or contains '/'")?;
        check_name(self.column, "column name is empty or contains '/'")?;
        Ok(format!("emis/v1/{}/{}/{}/{}", self.table, self.column, self.row_id, key_id))
    }
}

fn check_name(name: &str, problem: &'static str) -> Result<(), CryptoError> {
    if name.is_empty() || name.contains('/') {
        return Err(CryptoError::InvalidContext(problem));
    }
    Ok(())
}

/// Seals `plaintext` for the field `ctx` under `key`, recording `key_id`.
pub fn seal(key: &DataKey, key_id: u64, ctx: &FieldContext, plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let aad = ctx.associated_data(key_id)?;
    let mut nonce = [0u8; NONCE_LEN];
    OsRng.fill_bytes(&mut nonce);

    // Exact capacity: the buffer never reallocates, so no stray plaintext
    // copy is left behind in freed memory.
    let mut out = Vec::with_capacity(HEADER_LEN + plaintext.len() + TAG_LEN);
    out.push(FORMAT_VERSION);
    out.extend_from_slice(&key_id.to_be_bytes());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(plaintext);

    let cipher = XChaCha20Poly1305::new(key.expose().into());
    let tag = cipher
        .encrypt_in_place_detached(XNonce::from_slice(&nonce), aad.as_bytes(), &mut out[HEADER_LEN..])
        .map_err(|_| CryptoError::Seal)?;
    out.extend_from_slice(&tag);
    Ok(out)
}

/// Reads the key id from a sealed value's header, without any key.
pub fn sealed_key_id(sealed: &[u8]) -> Result<u64, CryptoError> {
    check_header(sealed)?;
    let mut id = [0u8; KEY_ID_LEN];
    id.copy_from_slice(&sealed[KEY_ID_RANGE]);
    Ok(u64::from_be_bytes(id))
}

/// Opens a sealed value for the field `ctx`. The key id is read from the
/// header and authenticated through the associated data.
pub fn open(key: &DataKey, ctx: &FieldContext, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let key_id = sealed_key_id(sealed)?;
    let aad = ctx.associated_data(key_id)?;
    let nonce = XNonce::from_slice(&sealed[NONCE_RANGE]);

    let mut buffer = Zeroizing::new(sealed[HEADER_LEN..].to_vec());
    let cipher = XChaCha20Poly1305::new(key.expose().into());
    cipher.decrypt_in_place(nonce, aad.as_bytes(), &mut *buffer).map_err(|_| CryptoError::Authentication)?;
    Ok(buffer)
}

/// Opens a sealed value and checks that it is UTF-8 text.
pub fn open_string(key: &DataKey, ctx: &FieldContext, sealed: &[u8]) -> Result<Zeroizing<String>, CryptoError> {
    let mut bytes = open(key, ctx, sealed)?;
    let text = String::from_utf8(std::mem::take(&mut *bytes));
    match text {
        Ok(text) => Ok(Zeroizing::new(text)),
        Err(err) => {
            // Wipe the rejected bytes before they are freed.
            drop(Zeroizing::new(err.into_bytes()));
            Err(CryptoError::NotUtf8)
        }
    }
}

fn check_header(sealed: &[u8]) -> Result<(), CryptoError> {
    let version = *sealed.first().ok_or(CryptoError::Malformed("empty sealed value"))?;
    if version != FORMAT_VERSION {
        return Err(CryptoError::UnsupportedVersion(version));
    }
    if sealed.len() < HEADER_LEN + TAG_LEN {
        return Err(CryptoError::Malformed("sealed value is too short"));
    }
    Ok(())
}

#[cfg(test)]
#[path = "seal_tests.rs"]
mod tests;
