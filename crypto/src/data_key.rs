//! Data keys ([`DataKey`]): 32 random bytes that seal field values, stored in
//! the database wrapped as a standard binary age file.
//!
//! The wrapped form is an ordinary age file encrypted to the server
//! identity's X25519 recipient, whose payload is the 32 raw key bytes, so
//! `age -d -i identity.txt wrapped.age > key.bin` recovers the key.

use std::fmt;
use std::io::{Read as _, Write as _};

use rand::RngCore;
use rand::rngs::OsRng;
use zeroize::{Zeroize, Zeroizing};

use crate::error::CryptoError;
use crate::identity::ServerIdentity;

/// Length of a data key in bytes.
pub const DATA_KEY_LEN: usize = 32;

/// A 32-byte symmetric key. Zeroized on drop; `Debug` prints `DataKey(..)`.
///
/// The bytes live in a heap box so that moving a `DataKey` around does not
/// leave stray copies on the stack.
#[derive(Clone)]
pub struct DataKey {
    bytes: Box<[u8; DATA_KEY_LEN]>,
}

impl DataKey {
    /// Generates a key from the operating system's random number generator.
    pub fn generate() -> Self {
        let mut key = Self::zeroed();
        OsRng.fill_bytes(key.bytes.as_mut_slice());
        key
    }

    /// Builds a key from raw bytes (tests and recovery). The argument is
    /// zeroized after it has been copied in.
    pub fn from_bytes(mut bytes: [u8; DATA_KEY_LEN]) -> Self {
        let mut key = Self::zeroed();
        key.bytes.copy_from_slice(&bytes);
        bytes.zeroize();
        key
    }

    /// Wraps the key as a binary age file to every public key of `identity` (and its
    /// escrow recipient).
    pub fn wrap(&self, identity: &ServerIdentity) -> Result<Vec<u8>, CryptoError> {
        let recipients = identity.recipients();
        let encryptor = age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
            .map_err(CryptoError::Wrap)?;
        let mut wrapped = Vec::with_capacity(256);
        let written = encryptor.wrap_output(&mut wrapped).and_then(|mut writer| {
            writer.write_all(self.bytes.as_slice())?;
            writer.finish().map(|_| ())
        });
        written.map_err(|error| CryptoError::Wrap(error.into()))?;
        Ok(wrapped)
    }

    /// Decrypts a wrapped key with any key of `identity`.
    pub fn unwrap(wrapped: &[u8], identity: &ServerIdentity) -> Result<Self, CryptoError> {
        let decryptor = age::Decryptor::new_buffered(wrapped).map_err(CryptoError::Unwrap)?;
        let mut reader = decryptor
            .decrypt(identity.age_identities().map(|i| i as &dyn age::Identity))
            .map_err(CryptoError::Unwrap)?;
        let mut plain = Zeroizing::new(Vec::with_capacity(DATA_KEY_LEN));
        reader.read_to_end(&mut plain).map_err(|error| CryptoError::Unwrap(error.into()))?;
        if plain.len() != DATA_KEY_LEN {
            return Err(CryptoError::WrappedKeyLength);
        }
        let mut key = Self::zeroed();
        key.bytes.copy_from_slice(&plain);
        Ok(key)
    }

    /// The raw key bytes, for the primitives inside this crate only.
    pub(crate) fn expose(&self) -> &[u8; DATA_KEY_LEN] {
        &self.bytes
    }

    fn zeroed() -> Self {
        Self { bytes: Box::new([0u8; DATA_KEY_LEN]) }
    }
}

impl Drop for DataKey {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrapped_key_unwraps_to_the_same_bytes() {
        let identity = ServerIdentity::generate();
        let key = DataKey::generate();
        let wrapped = key.wrap(&identity).unwrap();
        let unwrapped = DataKey::unwrap(&wrapped, &identity).unwrap();
        assert_eq!(unwrapped.expose(), key.expose());
    }

    #[test]
    fn the_wrapped_form_is_a_binary_age_file() {
        let identity = ServerIdentity::generate();
        let wrapped = DataKey::generate().wrap(&identity).unwrap();
        assert!(wrapped.starts_with(b"age-encryption.org/v1\n-> X25519 "));
    }

    #[test]
    fn unwrapping_with_another_identity_fails() {
        let key = DataKey::generate();
        let wrapped = key.wrap(&ServerIdentity::generate()).unwrap();
        let err = DataKey::unwrap(&wrapped, &ServerIdentity::generate()).unwrap_err();
        assert!(matches!(err, CryptoError::Unwrap(_)));
    }

    #[test]
    fn an_age_file_holding_the_wrong_number_of_bytes_is_rejected() {
        let identity = ServerIdentity::generate();
        let wrapped = age::encrypt(&identity.recipients()[0], &[7u8; 31]).unwrap();
        let err = DataKey::unwrap(&wrapped, &identity).unwrap_err();
        assert!(matches!(err, CryptoError::WrappedKeyLength));
    }

    #[test]
    fn two_generated_keys_differ() {
        assert_ne!(DataKey::generate().expose(), DataKey::generate().expose());
    }

    #[test]
    fn debug_output_hides_the_key_bytes() {
        let key = DataKey::from_bytes([0xAB; DATA_KEY_LEN]);
        assert_eq!(format!("{key:?}"), "DataKey(..)");
    }
}
