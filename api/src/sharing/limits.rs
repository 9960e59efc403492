//! How much a vendor's client may ask: requests a minute per client (a token bucket in this
//! server's memory, across the GraphQL API and the REST binding), and the distinct students
//! an agreement shows a day when it sets no cap of its own (`cap.rs` counts them).

use crate::config::within;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The limits (flags and `EMIS_VENDOR_*` / `EMIS_SHARING_*` variables).
#[derive(Debug, Clone, clap::Args)]
#[group(id = "sharing")]
pub struct Settings {
    /// Requests a vendor's client may make a minute, in bursts of as many (1–100000).
    #[arg(long = "vendor-requests-per-minute", env = "EMIS_VENDOR_REQUESTS_PER_MINUTE", default_value_t = 600,
          value_parser = within::<u32>("EMIS_VENDOR_REQUESTS_PER_MINUTE", 1, 100_000))]
    pub requests_per_minute: u32,

    /// Distinct students a sharing agreement may show a day when it sets no cap of its own
    /// (1–10000000); crossing it blocks the agreement until the next day and alerts.
    #[arg(long = "sharing-daily-student-cap", env = "EMIS_SHARING_DAILY_STUDENT_CAP", default_value_t = 50_000,
          value_parser = within::<u32>("EMIS_SHARING_DAILY_STUDENT_CAP", 1, 10_000_000))]
    pub daily_student_cap: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self { requests_per_minute: 600, daily_student_cap: 50_000 }
    }
}

/// One client's bucket: tokens left and when it was last filled.
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Requests a minute per client.
pub struct RateLimiter {
    per_minute: f64,
    buckets: Mutex<HashMap<i64, Bucket>>,
}

impl RateLimiter {
    pub fn new(per_minute: u32) -> Self {
        Self { per_minute: f64::from(per_minute.max(1)), buckets: Mutex::default() }
    }

    /// Takes one request of client `client` at `now`; when none is left, how long until one
    /// is.
    pub fn admit(&self, client: i64, now: Instant) -> Result<(), Duration> {
        let Ok(mut buckets) = self.buckets.lock() else { return Ok(()) };
        let bucket = buckets.entry(client).or_insert(Bucket { tokens: self.per_minute, at: now });
        let refilled = now.saturating_duration_since(bucket.at).as_secs_f64() * self.per_minute / 60.0;
        bucket.tokens = (bucket.tokens + refilled).min(self.per_minute);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            return Ok(());
        }
        Err(Duration::from_secs_f64((1.0 - bucket.tokens) * 60.0 / self.per_minute).max(Duration::from_secs(1)))
    }
}

#[cfg(test)]
mod tests {
    use super::RateLimiter;
    use std::time::{Duration, Instant};

    #[test]
    fn a_client_gets_its_burst_then_one_request_per_share_of_the_minute_and_others_are_apart() {
        let limiter = RateLimiter::new(60);
        let start = Instant::now();
        for _ in 0..60 {
            assert!(limiter.admit(7, start).is_ok());
        }
        let wait = limiter.admit(7, start).unwrap_err();
        assert!(wait >= Duration::from_secs(1) && wait <= Duration::from_secs(2), "{wait:?}");
        assert!(limiter.admit(8, start).is_ok(), "another client has its own bucket");
        assert!(limiter.admit(7, start + Duration::from_millis(1100)).is_ok(), "a second refills one");
        assert!(limiter.admit(7, start + Duration::from_millis(1100)).is_err());
    }
}
