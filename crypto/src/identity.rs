//! The server's age identity ([`ServerIdentity`]): generating it, reading and
//! writing standard age identity files, and exposing its public key.
//!
//! The file format is exactly the one `age-keygen` writes, so the same file
//! works with the `age` command-line tool:
//!
//! ```text
//! # created: 2025-01-31T08:00:00Z
//! # public key: age1...
//! AGE-SECRET-KEY-1...
//! ```
//!
//! While keys are rotated the file holds several secret keys (as `age -i`
//! accepts): data keys are then wrapped to every one of them and opened with
//! any, so servers holding the old key alone and servers holding both keep
//! working until every data key is re-wrapped (`emis keys rotate`). An
//! optional escrow recipient (a public key only) is added to every wrapping.

use std::fmt;
use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::Path;

use age::x25519;
use secrecy::ExposeSecret;
use zeroize::Zeroizing;

use crate::error::CryptoError;
use crate::timestamp::now_rfc3339;

/// The server's X25519 age identity: one secret key, or several while keys are
/// rotated, and an optional escrow recipient. Data keys are wrapped to the
/// public key of each and to the escrow recipient.
///
/// `Debug` shows only the public keys; the secrets never leave except through
/// [`ServerIdentity::to_file_contents`] and [`ServerIdentity::write_new_file`].
pub struct ServerIdentity {
    inner: x25519::Identity,
    others: Vec<x25519::Identity>,
    escrow: Option<x25519::Recipient>,
}

impl ServerIdentity {
    /// Generates a fresh random identity.
    pub fn generate() -> Self {
        Self { inner: x25519::Identity::generate(), others: Vec::new(), escrow: None }
    }

    /// Also wraps every data key to `recipient` (`age1...`), whose secret key is kept
    /// elsewhere (an escrow).
    pub fn with_escrow(mut self, recipient: &str) -> Result<Self, CryptoError> {
        let recipient = recipient
            .trim()
            .parse::<x25519::Recipient>()
            .map_err(|_| CryptoError::InvalidIdentity("the escrow recipient is not an X25519 age public key"))?;
        self.escrow = Some(recipient);
        Ok(self)
    }

    /// The public keys of every secret key held, the first first.
    pub fn public_keys(&self) -> Vec<String> {
        std::iter::once(&self.inner).chain(&self.others).map(|key| key.to_public().to_string()).collect()
    }

    /// Reads a standard age identity file (comments and blank lines allowed,
    /// one `AGE-SECRET-KEY-1...` line, or several while keys are rotated).
    pub fn from_file(path: &Path) -> Result<Self, CryptoError> {
        let text = fs::read_to_string(path)
            .map_err(|source| CryptoError::IdentityFile { path: path.to_path_buf(), source })?;
        let text = Zeroizing::new(text);
        Self::parse(&text)
    }

    /// Parses the text of an age identity file.
    pub fn parse(text: &str) -> Result<Self, CryptoError> {
        let key_lines = text.lines().map(str::trim).filter(|line| !line.is_empty() && !line.starts_with('#'));
        let mut keys = key_lines.map(|line| {
            line.parse::<x25519::Identity>().map_err(|_| CryptoError::InvalidIdentity("not an X25519 age secret key"))
        });
        let inner = keys.next().ok_or(CryptoError::InvalidIdentity("no AGE-SECRET-KEY-1 line found"))??;
        let others = keys.collect::<Result<Vec<_>, _>>()?;
        Ok(Self { inner, others, escrow: None })
    }

    /// The identity file text, in `age-keygen`'s shape (each key with its
    /// public key above it). Contains the secrets: write it to a protected file
    /// and drop it promptly.
    pub fn to_file_contents(&self) -> String {
        let mut text = format!("# created: {}\n", now_rfc3339());
        for key in std::iter::once(&self.inner).chain(&self.others) {
            let secret = key.to_string();
            text.push_str(&format!("# public key: {}\n{}\n", key.to_public(), secret.expose_secret()));
        }
        text
    }

    /// Generates a new identity and writes it to `path`, which must not exist
    /// yet (it is never overwritten). On Unix the file gets mode `0600`.
    /// Returns the public key (`age1...`).
    pub fn write_new_file(path: &Path) -> Result<String, CryptoError> {
        let identity = Self::generate();
        let contents = Zeroizing::new(identity.to_file_contents());
        write_exclusive(path, contents.as_bytes())?;
        Ok(identity.public_key())
    }

    /// The recipient string (`age1...`) of the first key.
    pub fn public_key(&self) -> String {
        self.inner.to_public().to_string()
    }

    /// Every age recipient data keys are wrapped to: each key's, and the escrow's.
    pub(crate) fn recipients(&self) -> Vec<x25519::Recipient> {
        let keys = std::iter::once(&self.inner).chain(&self.others).map(x25519::Identity::to_public);
        keys.chain(self.escrow.clone()).collect()
    }

    /// The age identities a wrapped key may be opened with.
    pub(crate) fn age_identities(&self) -> impl Iterator<Item = &x25519::Identity> {
        std::iter::once(&self.inner).chain(&self.others)
    }
}

impl fmt::Debug for ServerIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerIdentity")
            .field("public_keys", &self.public_keys())
            .field("escrow", &self.escrow.as_ref().map(ToString::to_string))
            .finish_non_exhaustive()
    }
}

/// Creates `path` (failing if it exists) with owner-only permissions and
/// writes `bytes`. A partially written file is removed.
fn write_exclusive(path: &Path, bytes: &[u8]) -> Result<(), CryptoError> {
    let io_error = |source| CryptoError::IdentityFile { path: path.to_path_buf(), source };
    let mut file = open_new_private(path).map_err(|err| match err.kind() {
        ErrorKind::AlreadyExists => CryptoError::IdentityFileExists { path: path.to_path_buf() },
        _ => io_error(err),
    })?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if let Err(err) = written {
        drop(file);
        let _ = fs::remove_file(path);
        return Err(io_error(err));
    }
    Ok(())
}

/// Opens a brand-new file for writing; `0600` on Unix.
fn open_new_private(path: &Path) -> std::io::Result<fs::File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_identity_file_round_trips_through_write_new_file_and_from_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("identity.txt");
        let public_key = ServerIdentity::write_new_file(&path).unwrap();
        let loaded = ServerIdentity::from_file(&path).unwrap();
        assert_eq!(loaded.public_key(), public_key);
        assert!(public_key.starts_with("age1"));
    }

    #[test]
    fn write_new_file_refuses_to_overwrite_an_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("identity.txt");
        fs::write(&path, "keep me").unwrap();
        let err = ServerIdentity::write_new_file(&path).unwrap_err();
        assert!(matches!(err, CryptoError::IdentityFileExists { .. }));
        assert_eq!(fs::read_to_string(&path).unwrap(), "keep me");
    }

    #[cfg(unix)]
    #[test]
    fn write_new_file_makes_the_file_readable_by_the_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("identity.txt");
        ServerIdentity::write_new_file(&path).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn file_contents_have_the_age_keygen_shape_and_parse_back() {
        let identity = ServerIdentity::generate();
        let text = identity.to_file_contents();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("# created: "));
        assert_eq!(lines[1], format!("# public key: {}", identity.public_key()));
        assert!(lines[2].starts_with("AGE-SECRET-KEY-1"));
        let parsed = ServerIdentity::parse(&text).unwrap();
        assert_eq!(parsed.public_key(), identity.public_key());
    }

    #[test]
    fn parse_rejects_text_without_a_key_or_with_a_line_that_is_no_key() {
        assert!(ServerIdentity::parse("# only a comment\n").is_err());
        assert!(ServerIdentity::parse("not a key\n").is_err());
        let a = ServerIdentity::generate().to_file_contents();
        assert!(ServerIdentity::parse(&format!("{a}not a key\n")).is_err());
    }

    #[test]
    fn debug_output_shows_the_public_key_but_not_the_secret() {
        let identity = ServerIdentity::generate();
        let debug = format!("{identity:?}");
        assert!(debug.contains(&identity.public_key()));
        assert!(!debug.contains("AGE-SECRET-KEY"));
    }
}

#[cfg(test)]
mod rotation_tests {
    use super::*;
    use crate::DataKey;

    #[test]
    fn a_file_with_two_keys_wraps_to_both_and_either_alone_opens() {
        let old = ServerIdentity::generate();
        let new = ServerIdentity::generate();
        let both = ServerIdentity::parse(&format!("{}{}", new.to_file_contents(), old.to_file_contents())).unwrap();
        assert_eq!(both.public_keys(), [new.public_key(), old.public_key()]);
        let key = DataKey::generate();
        let wrapped = key.wrap(&both).unwrap();
        for one in [&old, &new] {
            assert_eq!(DataKey::unwrap(&wrapped, one).unwrap().expose(), key.expose());
        }
        let only_old = key.wrap(&old).unwrap();
        assert!(DataKey::unwrap(&only_old, &new).is_err());
        assert_eq!(DataKey::unwrap(&only_old, &both).unwrap().expose(), key.expose(), "any key of the file opens");
    }

    #[test]
    fn an_escrow_recipient_opens_every_wrapped_key() {
        let escrow = ServerIdentity::generate();
        let server = ServerIdentity::generate().with_escrow(&escrow.public_key()).unwrap();
        let key = DataKey::generate();
        let wrapped = key.wrap(&server).unwrap();
        assert_eq!(DataKey::unwrap(&wrapped, &escrow).unwrap().expose(), key.expose());
        assert!(ServerIdentity::generate().with_escrow("age1nope").is_err());
    }
}
