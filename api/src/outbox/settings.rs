//! The outbox's settings (flags and `EMIS_OUTBOX_*` / `EMIS_SMS_GATEWAY_*` /
//! `EMIS_PUSH_GATEWAY_*` variables): which senders, how often the worker looks, and how it
//! retries.

use crate::config::within;
use std::time::Duration;

/// A setting whose value must not be printed (the gateway's password).
#[derive(Clone, Default)]
pub struct Hidden(pub String);

impl std::fmt::Debug for Hidden {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_empty() { "\"\"" } else { "\"***\"" })
    }
}

/// Reads a setting whose value must not be printed.
pub fn hidden(text: &str) -> Result<Hidden, String> {
    Ok(Hidden(text.to_owned()))
}

/// How messages are sent.
#[derive(Debug, Clone, clap::Args)]
#[group(id = "outbox")]
pub struct Settings {
    /// URL the SMS gateway takes messages at (https, or http to a loopback address; JSON POST,
    /// see README); unset: messages are written to the log instead of being sent.
    #[arg(long = "sms-gateway-url", env = "EMIS_SMS_GATEWAY_URL")]
    pub gateway_url: Option<String>,

    /// User name for the gateway (HTTP basic authentication).
    #[arg(long = "sms-gateway-user", env = "EMIS_SMS_GATEWAY_USER", default_value = "")]
    pub gateway_user: String,

    /// Password or API secret for the gateway (prefer the variable to the flag).
    #[arg(long = "sms-gateway-password", env = "EMIS_SMS_GATEWAY_PASSWORD", default_value = "",
          value_parser = hidden, hide_env_values = true)]
    pub gateway_password: Hidden,

    /// URL the push gateway takes push notifications at (https, or http to a loopback address;
    /// the same JSON POST as SMS, `to` being the device token); unset: push notifications are
    /// written to the log instead of being sent.
    #[arg(long = "push-gateway-url", env = "EMIS_PUSH_GATEWAY_URL")]
    pub push_url: Option<String>,

    /// User name for the push gateway (HTTP basic authentication).
    #[arg(long = "push-gateway-user", env = "EMIS_PUSH_GATEWAY_USER", default_value = "")]
    pub push_user: String,

    /// Password or API secret for the push gateway (prefer the variable to the flag).
    #[arg(long = "push-gateway-password", env = "EMIS_PUSH_GATEWAY_PASSWORD", default_value = "",
          value_parser = hidden, hide_env_values = true)]
    pub push_password: Hidden,

    /// Longest wait for either gateway's answer, in milliseconds (100–60000); past it the
    /// attempt counts as a temporary failure.
    #[arg(long = "sms-gateway-timeout-ms", env = "EMIS_SMS_GATEWAY_TIMEOUT_MS", default_value_t = 10_000,
          value_parser = within::<u64>("EMIS_SMS_GATEWAY_TIMEOUT_MS", 100, 60_000))]
    pub gateway_timeout_ms: u64,

    /// How often the worker looks for messages due, in milliseconds (0–600000); 0 runs no
    /// worker in this instance (another instance sends).
    #[arg(long = "outbox-poll-ms", env = "EMIS_OUTBOX_POLL_MS", default_value_t = 2_000,
          value_parser = within::<u64>("EMIS_OUTBOX_POLL_MS", 0, 600_000))]
    pub poll_ms: u64,

    /// Attempts per message before it is given up as `failed` (1–50).
    #[arg(long = "outbox-max-attempts", env = "EMIS_OUTBOX_MAX_ATTEMPTS", default_value_t = 8,
          value_parser = within::<i32>("EMIS_OUTBOX_MAX_ATTEMPTS", 1, 50))]
    pub max_attempts: i32,

    /// Wait before the first retry, in milliseconds (10–3600000); each retry waits twice as
    /// long as the one before (with jitter), up to `EMIS_OUTBOX_RETRY_MAX_MS`.
    #[arg(long = "outbox-retry-base-ms", env = "EMIS_OUTBOX_RETRY_BASE_MS", default_value_t = 30_000,
          value_parser = within::<u64>("EMIS_OUTBOX_RETRY_BASE_MS", 10, 3_600_000))]
    pub retry_base_ms: u64,

    /// Longest wait between retries, in milliseconds (10–86400000).
    #[arg(long = "outbox-retry-max-ms", env = "EMIS_OUTBOX_RETRY_MAX_MS", default_value_t = 3_600_000,
          value_parser = within::<u64>("EMIS_OUTBOX_RETRY_MAX_MS", 10, 86_400_000))]
    pub retry_max_ms: u64,

    /// How long a worker holds a message it is sending, in milliseconds (1000–3600000); a
    /// message still `sending` past it (its worker was killed) is picked up again.
    #[arg(long = "outbox-lease-ms", env = "EMIS_OUTBOX_LEASE_MS", default_value_t = 120_000,
          value_parser = within::<u64>("EMIS_OUTBOX_LEASE_MS", 1_000, 3_600_000))]
    pub lease_ms: u64,

    /// When notifications that are not urgent wait instead of reaching phones, on Vietnam's
    /// clock: `HH:MM-HH:MM` (may run past midnight) or `off`.
    #[arg(long = "quiet-hours", env = "EMIS_QUIET_HOURS", default_value = "21:00-06:00",
          value_parser = super::quiet::parse)]
    pub quiet_hours: super::quiet::QuietHours,

    /// When staff who set no availability of their own take notifications on their phone, on
    /// Vietnam's clock: `DAYS HH:MM-HH:MM`, several separated by `;` (days as schools write
    /// them: `t2-t6`, `mon-fri`, `cn`), or `off` (at any time).
    #[arg(long = "school-hours", env = "EMIS_SCHOOL_HOURS", default_value = SCHOOL_HOURS,
          value_parser = crate::staffing::hours::parse)]
    pub school_hours: crate::staffing::hours::Hours,

    /// Count a child marked absent without leave as urgent, so that the guardians with no
    /// push device (or who chose SMS for absences) are texted; the in-app notification, and
    /// push to those with a device, are always made.
    #[arg(long = "absence-sms", env = "EMIS_ABSENCE_SMS", default_value_t = false)]
    pub absence_sms: bool,
}

/// The school hours when none are configured: weekdays all day, Saturday morning.
const SCHOOL_HOURS: &str = "t2-t6 07:00-17:00; t7 07:00-11:30";

impl Default for Settings {
    fn default() -> Self {
        Self {
            gateway_url: None,
            gateway_user: String::new(),
            gateway_password: Hidden::default(),
            push_url: None,
            push_user: String::new(),
            push_password: Hidden::default(),
            gateway_timeout_ms: 10_000,
            poll_ms: 2_000,
            max_attempts: 8,
            retry_base_ms: 30_000,
            retry_max_ms: 3_600_000,
            lease_ms: 120_000,
            quiet_hours: super::quiet::parse("21:00-06:00").unwrap_or(super::quiet::QuietHours::OFF),
            absence_sms: false,
            school_hours: crate::staffing::hours::parse(SCHOOL_HOURS).unwrap_or_default(),
        }
    }
}

impl Settings {
    /// How often the worker looks for messages due.
    pub fn poll(&self) -> Duration {
        Duration::from_millis(self.poll_ms)
    }

    /// How long a claimed message is held.
    pub fn lease(&self) -> chrono::Duration {
        chrono::Duration::milliseconds(i64::try_from(self.lease_ms).unwrap_or(i64::MAX))
    }

    /// The wait before retrying after failed attempt number `attempts` (1 for the first):
    /// `base × 2^(attempts−1)`, capped, then drawn uniformly from its upper half so that many
    /// messages failed together do not all come back at once. `unit` in `0..1` is the draw.
    pub fn backoff(&self, attempts: i32, unit: f64) -> chrono::Duration {
        let doublings = u32::try_from(attempts.saturating_sub(1)).unwrap_or(0).min(40);
        let full = self.retry_base_ms.saturating_mul(1_u64 << doublings).min(self.retry_max_ms);
        let half = full / 2;
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
        let jitter = (half as f64 * unit.clamp(0.0, 1.0)) as u64;
        chrono::Duration::milliseconds(i64::try_from(full - half + jitter).unwrap_or(i64::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::Settings;

    #[test]
    fn retries_wait_twice_as_long_each_time_with_jitter_up_to_the_cap() {
        let settings = Settings { retry_base_ms: 1_000, retry_max_ms: 10_000, ..Settings::default() };
        let ms = |attempts, unit| settings.backoff(attempts, unit).num_milliseconds();
        assert_eq!((ms(1, 0.0), ms(1, 1.0)), (500, 1_000));
        assert_eq!((ms(2, 0.0), ms(2, 1.0)), (1_000, 2_000));
        assert_eq!((ms(3, 0.5), ms(4, 1.0)), (3_000, 8_000));
        assert_eq!((ms(5, 0.0), ms(5, 1.0)), (5_000, 10_000), "capped");
        assert_eq!(ms(50, 1.0), 10_000, "no overflow");
    }

    #[test]
    fn the_gateway_password_is_never_printed() {
        let settings = Settings {
            gateway_password: super::Hidden("s3cret".to_owned()),
            push_password: super::Hidden("pu5h".to_owned()),
            ..Settings::default()
        };
        assert!(!format!("{settings:?}").contains("s3cret"));
        assert!(!format!("{settings:?}").contains("pu5h"));
    }
}
