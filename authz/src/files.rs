//! Where the three policy files are ([`PolicyFiles`]) and reading them:
//! one text at a time, or all three at once as a [`Snapshot`] whose
//! fingerprint tells the watcher whether anything changed. A UTF-8
//! byte-order mark at the start of a file (as spreadsheet editors save
//! them) is not part of its text.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::io;
use std::path::{Path, PathBuf};

use crate::error::PolicyError;

/// The paths of the model, the policy, the expected-decision cases and the officer's
/// confirmations of held changes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PolicyFiles {
    pub model: PathBuf,
    pub policy: PathBuf,
    pub cases: PathBuf,
    /// `confirmed.csv`: may be missing (nothing confirmed).
    pub confirmed: PathBuf,
    /// `purposes.csv`: may be missing (no purposes).
    pub purposes: PathBuf,
}

impl PolicyFiles {
    /// `model.conf`, `policy.csv`, `cases.csv` and `confirmed.csv` in `dir`.
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            model: dir.join("model.conf"),
            policy: dir.join("policy.csv"),
            cases: dir.join("cases.csv"),
            confirmed: dir.join(crate::change::CONFIRMATIONS),
            purposes: dir.join(crate::purposes::PURPOSES),
        }
    }

    /// The text of `confirmed.csv` (empty when the file is missing or unreadable).
    pub(crate) async fn confirmed_text(&self) -> String {
        read(&self.confirmed).await.unwrap_or_default()
    }
}

/// The text of a file that may be missing (`None` then), naming the file on another failure.
pub(crate) async fn read_optional(path: &Path) -> Result<Option<String>, PolicyError> {
    match read(path).await {
        Ok(text) => Ok(Some(text)),
        Err(source) if source.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(PolicyError::Io { file: path.to_path_buf(), source }),
    }
}

/// Reads one file as text, naming the file on failure.
pub(crate) async fn read_text(path: &Path) -> Result<String, PolicyError> {
    read(path).await.map_err(|source| PolicyError::Io { file: path.to_path_buf(), source })
}

/// The text of a file, without a byte-order mark.
async fn read(path: &Path) -> io::Result<String> {
    tokio::fs::read_to_string(path).await.map(without_bom)
}

/// `text` without the UTF-8 byte-order mark it may start with.
pub(crate) fn without_bom(mut text: String) -> String {
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    text
}

/// The three files as read at one moment (each may have failed to read).
#[derive(Debug)]
pub(crate) struct Snapshot {
    pub(crate) model: io::Result<String>,
    pub(crate) policy: io::Result<String>,
    pub(crate) cases: io::Result<String>,
    /// The confirmations (a missing file reads as none).
    pub(crate) confirmed: String,
    /// The purposes list, read only to notice a change (the policy reads it when built).
    pub(crate) purposes: io::Result<String>,
}

/// The three texts of a snapshot that was read completely.
pub(crate) struct Texts {
    pub(crate) model: String,
    pub(crate) policy: String,
    pub(crate) cases: String,
    pub(crate) confirmed: String,
}

fn hash_read(read: &io::Result<String>, hasher: &mut DefaultHasher) {
    match read {
        Ok(text) => (0u8, text).hash(hasher),
        Err(e) => (1u8, e.kind()).hash(hasher),
    }
}

fn named(path: &Path, read: io::Result<String>) -> Result<String, PolicyError> {
    read.map_err(|source| PolicyError::Io { file: path.to_path_buf(), source })
}

impl Snapshot {
    /// Reads all three files.
    pub(crate) async fn read(files: &PolicyFiles) -> Self {
        Self {
            model: read(&files.model).await,
            policy: read(&files.policy).await,
            cases: read(&files.cases).await,
            confirmed: files.confirmed_text().await,
            purposes: read(&files.purposes).await,
        }
    }

    /// A hash of the contents (or of the read errors); equal fingerprints
    /// mean nothing changed worth reloading for.
    pub(crate) fn fingerprint(&self) -> u64 {
        let mut hasher = DefaultHasher::new();
        hash_read(&self.model, &mut hasher);
        hash_read(&self.policy, &mut hasher);
        hash_read(&self.cases, &mut hasher);
        self.confirmed.hash(&mut hasher);
        hash_read(&self.purposes, &mut hasher);
        hasher.finish()
    }

    /// The version of the model and policy read (see [`crate::Policy::version`]), if both
    /// could be read.
    pub(crate) fn version(&self) -> Option<String> {
        match (&self.model, &self.policy) {
            (Ok(model), Ok(policy)) => Some(crate::policy::version(model, policy)),
            _ => None,
        }
    }

    /// The texts, or the first file that could not be read.
    pub(crate) fn into_texts(self, files: &PolicyFiles) -> Result<Texts, PolicyError> {
        Ok(Texts {
            model: named(&files.model, self.model)?,
            policy: named(&files.policy, self.policy)?,
            cases: named(&files.cases, self.cases)?,
            confirmed: self.confirmed,
        })
    }
}
