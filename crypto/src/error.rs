//! The crate's single error type, [`CryptoError`].
//!
//! Messages describe *what* failed and never include plaintext, key
//! material, identity file contents or sealed bytes. Paths of identity files
//! are included because they are operator configuration, not secrets.

use std::path::PathBuf;

/// Everything that can go wrong in `emis-crypto`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoError {
    /// Reading or writing an identity file failed.
    #[error("identity file {}: {source}", path.display())]
    IdentityFile {
        /// The file that could not be read or written.
        path: PathBuf,
        /// The underlying I/O error (no file contents in it).
        #[source]
        source: std::io::Error,
    },

    /// `write_new_file` found a file at the target path and left it alone.
    #[error("identity file {} already exists; refusing to overwrite it", path.display())]
    IdentityFileExists {
        /// The existing file.
        path: PathBuf,
    },

    /// The identity text is not a single X25519 age identity.
    #[error("invalid age identity: {0}")]
    InvalidIdentity(&'static str),

    /// age refused to encrypt a data key.
    #[error("wrapping a data key with age failed: {0}")]
    Wrap(#[source] age::EncryptError),

    /// age could not decrypt a wrapped data key (wrong identity, corrupt file).
    #[error("unwrapping a data key with age failed: {0}")]
    Unwrap(#[source] age::DecryptError),

    /// An age file decrypted fine but did not contain exactly 32 bytes.
    #[error("wrapped data key has the wrong length (expected 32 bytes)")]
    WrappedKeyLength,

    /// A table or column name cannot be used in associated data.
    #[error("invalid field context: {0}")]
    InvalidContext(&'static str),

    /// The sealed bytes are too short or structurally wrong.
    #[error("sealed value is malformed: {0}")]
    Malformed(&'static str),

    /// The sealed value carries a format version this build does not know.
    #[error("sealed value has unsupported format version {0}")]
    UnsupportedVersion(u8),

    /// XChaCha20-Poly1305 encryption failed (only on absurd lengths).
    #[error("sealing a value failed")]
    Seal,

    /// Authentication failed: wrong key, value moved to another
    /// table/column/row, wrong key id, or tampered bytes.
    #[error("sealed value failed authentication (wrong key, wrong field or tampered)")]
    Authentication,

    /// The opened value is not valid UTF-8.
    #[error("opened value is not valid UTF-8")]
    NotUtf8,
}
