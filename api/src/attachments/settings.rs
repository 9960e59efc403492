//! The attachments' settings (flags and `EMIS_ATTACHMENT_*` / `EMIS_S3_*` variables): where
//! the bytes are kept and how large a file may be.

use crate::config::within;
use crate::outbox::{Hidden, hidden};

/// Where attachments are kept and how large they may be.
#[derive(Debug, Clone, clap::Args)]
#[group(id = "attachments")]
pub struct Settings {
    /// Where attachments' bytes are kept: `database` (in the database itself), `folder:<path>`
    /// (files under a folder, created if missing), or `s3://<bucket>[/<prefix>]` (an
    /// S3-compatible store, see the `EMIS_S3_*` settings).
    #[arg(long = "attachment-store", env = "EMIS_ATTACHMENT_STORE", default_value = "database")]
    pub store: String,

    /// Largest attachment, in megabytes (1–100).
    #[arg(long = "attachment-max-mb", env = "EMIS_ATTACHMENT_MAX_MB", default_value_t = 10,
          value_parser = within::<u64>("EMIS_ATTACHMENT_MAX_MB", 1, 100))]
    pub max_mb: u64,

    /// The S3-compatible store's address (https, or http to a loopback address); unset: AWS
    /// S3 in `EMIS_S3_REGION`.
    #[arg(long = "s3-endpoint", env = "EMIS_S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,

    /// The S3 region.
    #[arg(long = "s3-region", env = "EMIS_S3_REGION", default_value = "us-east-1")]
    pub s3_region: String,

    /// The S3 access key id.
    #[arg(long = "s3-access-key-id", env = "EMIS_S3_ACCESS_KEY_ID", default_value = "")]
    pub s3_access_key_id: String,

    /// The S3 secret access key (prefer the variable to the flag).
    #[arg(long = "s3-secret-access-key", env = "EMIS_S3_SECRET_ACCESS_KEY", default_value = "",
          value_parser = hidden, hide_env_values = true)]
    pub s3_secret_access_key: Hidden,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            store: "database".to_owned(),
            max_mb: 10,
            s3_endpoint: None,
            s3_region: "us-east-1".to_owned(),
            s3_access_key_id: String::new(),
            s3_secret_access_key: Hidden::default(),
        }
    }
}

impl Settings {
    /// The largest attachment, in bytes.
    pub fn max_bytes(&self) -> usize {
        usize::try_from(self.max_mb.saturating_mul(1024 * 1024)).unwrap_or(usize::MAX)
    }
}
