//! A vendor's client as a caller: what its access token reaches today. Each sharing
//! agreement in force gives, for each kind it shares within the token's scopes, a
//! [`Share`] — the schools and classes it covers and whether families' consent is needed —
//! which the privacy layer's `shared` relationship is judged on (`privacy/shared.rs`).
//! Loaded from the database on every request ([`crate::sharing::reach`]), so an agreement
//! that ended, a suspended client or a withdrawn consent ends access at the next request.

use emis_authz::Kind;
use std::collections::{BTreeSet, HashMap};

/// The client behind a vendor's token, and what it reaches today.
#[derive(Debug, Clone, Default)]
pub struct Vendor {
    /// The client (`vendor_client.id`).
    pub client: i64,
    /// The access token (`vendor_token.id`).
    pub token: i64,
    /// The scopes the token was granted.
    pub scopes: BTreeSet<String>,
    /// The agreements in force today that give the token anything.
    pub agreements: Vec<Agreement>,
    /// Per kind, one share per agreement that shares it.
    pub shares: HashMap<Kind, Vec<Share>>,
    /// The agreements in force that share nothing more today: their daily cap was crossed.
    pub blocked: Vec<i64>,
}

/// An agreement in force, as the disclosure log names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agreement {
    pub id: i64,
    /// The purpose's code (from the privacy officer's list).
    pub purpose: String,
    /// The schools it covers, whole or by some of their classes.
    pub schools: BTreeSet<i64>,
    /// Distinct students it may show a day; `None`: the server's default.
    pub cap: Option<u32>,
}

/// What one agreement shares of one kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Share {
    pub agreement: i64,
    /// Whole schools covered.
    pub schools: BTreeSet<i64>,
    /// Single classes covered.
    pub classes: BTreeSet<i64>,
    /// The schools of those classes (their own rows are shown, nothing else of them).
    pub class_schools: BTreeSet<i64>,
    /// The sections of those classes.
    pub sections: BTreeSet<i64>,
    /// The purpose whose consent a child's guardian must have given, when the agreement
    /// needs it.
    pub consent: Option<String>,
}

impl Vendor {
    /// The shares of `kind`; empty when none.
    pub fn shares(&self, kind: Kind) -> &[Share] {
        self.shares.get(&kind).map_or(&[], Vec::as_slice)
    }

    /// The agreements covering `school`.
    pub fn agreements_at(&self, school: i64) -> impl Iterator<Item = &Agreement> {
        self.agreements.iter().filter(move |agreement| agreement.schools.contains(&school))
    }
}
