//! How long the school–family link keeps what it holds, and how long people's sealed fields
//! outlive their enrollments and guardianships (flags and `EMIS_KEEP_*` variables), per kind;
//! 0 keeps it for ever.

use crate::config::within;

/// Days each kind is kept.
#[derive(Debug, Clone, clap::Args)]
#[group(id = "retention")]
pub struct Settings {
    /// Days a notice (with its deliveries, readings, replies, reminders, earlier wordings,
    /// files and notifications) is kept after it was published (0–36500; 0: for ever).
    #[arg(long = "keep-notices-days", env = "EMIS_KEEP_NOTICES_DAYS", default_value_t = 1825,
          value_parser = within::<u32>("EMIS_KEEP_NOTICES_DAYS", 0, 36_500))]
    pub notices_days: u32,

    /// Days a conversation (with its messages, files, members, reports and notifications) is
    /// kept after its last message (0–36500; 0: for ever).
    #[arg(long = "keep-messages-days", env = "EMIS_KEEP_MESSAGES_DAYS", default_value_t = 1825,
          value_parser = within::<u32>("EMIS_KEEP_MESSAGES_DAYS", 0, 36_500))]
    pub messages_days: u32,

    /// Days a notification is kept after it was made (0–36500; 0: for ever).
    #[arg(long = "keep-notifications-days", env = "EMIS_KEEP_NOTIFICATIONS_DAYS", default_value_t = 365,
          value_parser = within::<u32>("EMIS_KEEP_NOTIFICATIONS_DAYS", 0, 36_500))]
    pub notifications_days: u32,

    /// Days an SMS or push message, once sent or given up, is kept in the outbox (0–36500;
    /// 0: for ever).
    #[arg(long = "keep-outbox-days", env = "EMIS_KEEP_OUTBOX_DAYS", default_value_t = 180,
          value_parser = within::<u32>("EMIS_KEEP_OUTBOX_DAYS", 0, 36_500))]
    pub outbox_days: u32,

    /// Days the sealed fields of a student (identity number, address, ethnicity, religion,
    /// health notes) are kept after their last enrollment ended, a guardian's after their
    /// last guardianship did, and a staff member's after they left the service; then the
    /// person's data key is destroyed (0–36500; 0: for ever).
    #[arg(long = "keep-sealed-days", env = "EMIS_KEEP_SEALED_DAYS", default_value_t = 1825,
          value_parser = within::<u32>("EMIS_KEEP_SEALED_DAYS", 0, 36_500))]
    pub sealed_days: u32,

    /// Whether the server itself sweeps, at start and every six hours (`emis retention` sweeps
    /// on demand either way): `true` or `false`.
    #[arg(long = "retention-sweep", env = "EMIS_RETENTION_SWEEP", default_value_t = true,
          action = clap::ArgAction::Set)]
    pub sweep: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            notices_days: 1825,
            messages_days: 1825,
            notifications_days: 365,
            outbox_days: 180,
            sealed_days: 1825,
            sweep: true,
        }
    }
}
