//! Throttling of sign-ins, kept in the database so every server instance counts alike.
//!
//! Attempts are counted per window of [`Settings::window_minutes`] (aligned on the clock)
//! under three keys: the account and the client address together, the account alone, and
//! the address alone. The account is the one the identifier resolves to however it is
//! written, or — when none matches — the normalised identifier, so an unknown identifier is
//! throttled exactly like a known one. Each attempt is reserved before its password is
//! checked (`INSERT … ON CONFLICT DO UPDATE SET failures = failures + 1 RETURNING`), so
//! parallel attempts cannot check more passwords than the budget allows:
//!
//! - past [`Settings::per_account_address`] attempts of one account from one address, that
//!   address is refused for that account (a hard limit);
//! - past [`Settings::per_address`] attempts from one address, across accounts, the address
//!   is refused (one address cannot spray many accounts);
//! - past [`Settings::per_account`] attempts at one account from all addresses, only
//!   addresses the account has signed in from before may still try (a soft limit: an
//!   attacker cannot lock the owner out of a device they already use).
//!
//! A successful sign-in gives its attempt back to the account's and the address's counts,
//! clears the account-and-address count and remembers the address for the account.
//! Keys are stored as keyed hashes when the vault is open (plain SHA-256 otherwise).

use super::token::digest;
use crate::vault::Vault;
use chrono::{DateTime, Duration, Utc};
use entity::{sign_in_known_address, sign_in_throttle};
use sea_orm::sea_query::{Expr, ExprTrait as _, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait as _, ConnectionTrait, DbErr, EntityTrait as _, QueryFilter as _};
use std::net::{IpAddr, Ipv4Addr};

/// How long an address an account signed in from counts as the owner's.
pub const KNOWN_ADDRESS_DAYS: i64 = 180;

/// The limits of sign-in attempts (flags and `EMIS_SIGN_IN_*` variables).
#[derive(Debug, Clone, clap::Args)]
pub struct Settings {
    /// Sign-in attempts allowed per account from one client address in a window; past
    /// them that address may not try that account until the next window.
    #[arg(long = "sign-in-per-account-address", env = "EMIS_SIGN_IN_PER_ACCOUNT_ADDRESS", default_value_t = 5,
          value_parser = crate::config::within::<i32>("EMIS_SIGN_IN_PER_ACCOUNT_ADDRESS", 1, 1000))]
    pub per_account_address: i32,

    /// Sign-in attempts allowed per account from all addresses in a window; past them only
    /// addresses the account has signed in from before may try it.
    #[arg(long = "sign-in-per-account", env = "EMIS_SIGN_IN_PER_ACCOUNT", default_value_t = 10,
          value_parser = crate::config::within::<i32>("EMIS_SIGN_IN_PER_ACCOUNT", 1, 100_000))]
    pub per_account: i32,

    /// Failed sign-in attempts allowed per client address, across accounts, in a window.
    #[arg(long = "sign-in-per-address", env = "EMIS_SIGN_IN_PER_ADDRESS", default_value_t = 20,
          value_parser = crate::config::within::<i32>("EMIS_SIGN_IN_PER_ADDRESS", 1, 100_000))]
    pub per_address: i32,

    /// Length of a counting window, in minutes.
    #[arg(long = "sign-in-window-minutes", env = "EMIS_SIGN_IN_WINDOW_MINUTES", default_value_t = 15,
          value_parser = crate::config::within::<i64>("EMIS_SIGN_IN_WINDOW_MINUTES", 1, 1440))]
    pub window_minutes: i64,

    /// Sign-ins that may wait for a password check beyond one per core; past them a
    /// sign-in is turned away as busy (`THROTTLED`).
    #[arg(long = "sign-in-queue", env = "EMIS_SIGN_IN_QUEUE", default_value_t = 32,
          value_parser = crate::config::within::<u16>("EMIS_SIGN_IN_QUEUE", 0, 10_000))]
    pub queue: u16,
}

impl Default for Settings {
    fn default() -> Self {
        Self { per_account_address: 5, per_account: 10, per_address: 20, window_minutes: 15, queue: 32 }
    }
}

/// The client address of a request: the TCP peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

impl ClientAddress {
    /// The address of a request that came through no network (the schema run directly).
    pub const UNKNOWN: Self = Self(IpAddr::V4(Ipv4Addr::UNSPECIFIED));

    /// The address as throttled: an IPv4 address (also when mapped into IPv6), or the /64
    /// network of an IPv6 address, since one holder has all of it.
    fn throttled_as(self) -> String {
        match self.0 {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => {
                    let [a, b, c, d, ..] = v6.segments();
                    format!("{a:x}:{b:x}:{c:x}:{d:x}::/64")
                }
            },
        }
    }
}

/// One sign-in attempt: whom it tries (`account:<kind>:<id>`, or the normalised identifier
/// when no account matches) from where.
#[derive(Debug, Clone)]
pub struct Attempt {
    subject: String,
    address: String,
}

impl Attempt {
    /// An attempt at `subject` from `address`.
    pub fn new(subject: String, address: ClientAddress) -> Self {
        Self { subject, address: address.throttled_as() }
    }
}

/// Counts attempts against the limits.
pub struct Throttle<'a, C> {
    pub db: &'a C,
    pub vault: &'a Vault,
    pub settings: &'a Settings,
    pub now: DateTime<Utc>,
}

impl<C: ConnectionTrait> Throttle<'_, C> {
    /// Reserves `attempt` in every count; whether its password may be checked.
    pub async fn reserve(&self, attempt: &Attempt) -> Result<bool, DbErr> {
        if self.count(&self.pair_key(attempt), 1).await? > self.settings.per_account_address {
            return Ok(false);
        }
        let from_address = self.count(&self.address_key(attempt), 1).await?;
        if from_address == 1 {
            self.forget_past_windows().await?;
        }
        let at_account = self.count(&self.account_key(attempt), 1).await?;
        if from_address <= self.settings.per_address && at_account <= self.settings.per_account {
            return Ok(true);
        }
        self.is_known(attempt).await
    }

    /// Settles a successful attempt: its reservation is given back, the account and address
    /// start afresh, and the address is remembered as the account's.
    pub async fn succeeded(&self, attempt: &Attempt) -> Result<(), DbErr> {
        self.count(&self.address_key(attempt), -1).await?;
        self.count(&self.account_key(attempt), -1).await?;
        sign_in_throttle::Entity::delete_by_id(self.pair_key(attempt)).exec(self.db).await?;
        let known = sign_in_known_address::ActiveModel {
            key_hash: Set(self.known_key(attempt)),
            last_signed_in_at: Set(self.now),
        };
        let update = OnConflict::column(sign_in_known_address::Column::KeyHash)
            .update_column(sign_in_known_address::Column::LastSignedInAt)
            .to_owned();
        sign_in_known_address::Entity::insert(known).on_conflict(update).exec_without_returning(self.db).await?;
        Ok(())
    }

    /// Whether the account of `attempt` signed in from its address before.
    async fn is_known(&self, attempt: &Attempt) -> Result<bool, DbErr> {
        let since = self.now - Duration::days(KNOWN_ADDRESS_DAYS);
        let known = sign_in_known_address::Entity::find_by_id(self.known_key(attempt))
            .filter(sign_in_known_address::Column::LastSignedInAt.gt(since))
            .one(self.db)
            .await?;
        Ok(known.is_some())
    }

    /// Adds `delta` to the count under `key` in this window, atomically; the new count.
    async fn count(&self, key: &str, delta: i32) -> Result<i32, DbErr> {
        let row = sign_in_throttle::ActiveModel {
            key_hash: Set(key.to_owned()),
            failures: Set(Ord::max(delta, 0)),
            window_started_at: Set(self.window_start()),
            locked_until: Set(None),
        };
        let failures = Expr::col((sign_in_throttle::Entity, sign_in_throttle::Column::Failures));
        let add = OnConflict::column(sign_in_throttle::Column::KeyHash)
            .value(sign_in_throttle::Column::Failures, failures.add(delta))
            .to_owned();
        let counted = sign_in_throttle::Entity::insert(row).on_conflict(add).exec_with_returning(self.db).await?;
        Ok(counted.failures)
    }

    /// Deletes the counts of windows that have passed.
    async fn forget_past_windows(&self) -> Result<(), DbErr> {
        sign_in_throttle::Entity::delete_many()
            .filter(sign_in_throttle::Column::WindowStartedAt.lt(self.window_start()))
            .exec(self.db)
            .await?;
        Ok(())
    }

    /// The start of the window `now` falls in.
    fn window_start(&self) -> DateTime<Utc> {
        let length = Ord::max(self.settings.window_minutes, 1) * 60;
        let seconds = self.now.timestamp();
        DateTime::from_timestamp(seconds - seconds.rem_euclid(length), 0).unwrap_or(self.now)
    }

    fn pair_key(&self, attempt: &Attempt) -> String {
        self.windowed(&format!("pair {} {}", attempt.subject, attempt.address))
    }

    fn account_key(&self, attempt: &Attempt) -> String {
        self.windowed(&format!("account {}", attempt.subject))
    }

    fn address_key(&self, attempt: &Attempt) -> String {
        self.windowed(&format!("address {}", attempt.address))
    }

    fn known_key(&self, attempt: &Attempt) -> String {
        self.hashed(&format!("known {} {}", attempt.subject, attempt.address))
    }

    fn windowed(&self, key: &str) -> String {
        self.hashed(&format!("{key} {}", self.window_start().timestamp()))
    }

    /// The stored form of `key`: a keyed hash of it (hex-encoded first, since the keyed
    /// hash normalises its input), or its SHA-256 when the vault is locked.
    fn hashed(&self, key: &str) -> String {
        let hex = emis_crypto::to_hex(key.as_bytes());
        self.vault.blind("sign-in.throttle", &hex).unwrap_or_else(|| digest(&format!("sign-in:{key}")))
    }
}

#[cfg(test)]
mod tests {
    use super::ClientAddress;
    use std::net::IpAddr;

    fn throttled_as(address: &str) -> String {
        ClientAddress(address.parse::<IpAddr>().unwrap()).throttled_as()
    }

    #[test]
    fn an_ipv6_client_is_throttled_by_its_network_and_a_mapped_ipv4_one_by_its_address() {
        assert_eq!(throttled_as("2001:db8:1:2:aaaa::1"), throttled_as("2001:db8:1:2:bbbb::9"));
        assert_ne!(throttled_as("2001:db8:1:2::1"), throttled_as("2001:db8:1:3::1"));
        assert_eq!(throttled_as("::ffff:127.0.0.2"), throttled_as("127.0.0.2"));
        assert_ne!(throttled_as("127.0.0.11"), throttled_as("127.0.1.1"));
    }
}
