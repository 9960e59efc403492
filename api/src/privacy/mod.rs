//! The one privacy layer. Every resolver that returns data goes through an [`Access`]:
//!
//! 1. `Access::filter` compiles the policy into a SQL condition for a kind of record: the
//!    OR, over the caller's roles and the relationships the policy grants each role for that
//!    kind and action, of each relationship's condition (`sql.rs`, which merges like
//!    conditions on the same column). Lists, look-ups, counts,
//!    searches and nested relations all add it, so pagination and totals only ever see
//!    permitted rows. `Access::filter_branches` gives the same condition as its
//!    branches, for a list that reads each branch from its own index.
//! 2. The per-record check (`permits`, and `admit` over rows) decides every record before it
//!    leaves: it computes in Rust which relationships hold (`check.rs`) and asks the cached
//!    casbin enforcer. A record the SQL let through but the check denies is dropped and
//!    counted as an inconsistency (a bug).
//!
//! The check is private to this module: resolvers and the books reach it only through
//! what is public here —
//!
//! - a [`Visible`] read made from a registered [`Reader`] (`visible.rs`, `readers/`), or a
//!   [`MixedRead`] of a [`Mixed`] reader: it carries the condition from the start, lets
//!   filters narrow only by what the caller may read, and hands rows out only through the
//!   check ([`Checker`], [`LinkChecker`] for rows read by its statement);
//! - [`Access::reach`] and its kin (`reach.rs`), the one look-up of a mutation's target, which
//!   asks the policy in the look-up itself, so a forbidden target answers like a missing
//!   one; [`Access::may`] / [`Access::may_about`] / [`Access::may_about_each`] for rows a
//!   write holds, judged through a reader;
//! - [`Access::rows_for`] (`acting.rs`), the rows a write then touches (the stored entries
//!   it updates, the row it re-reads): a [`Visible`] whose condition and check are for the
//!   action the write was allowed (`write`, or `approve` for a decision), whose
//!   [`Visible::every`] refuses a write when the policy hides a row it would work on;
//! - `integrity.rs`, what a write must ask of every row whoever may read it (whether a
//!   column still holds results, whether a later move exists), answered yes or no or by
//!   ids the caller named, never by rows;
//! - [`Access::shows`] (`sealed.rs`), a field group of a record (a sealed column, or where a
//!   student is);
//! - the disclosure log's read ([`Access::disclosures`], `disclosures.rs`), whose entries
//!   each list many students, and the student a transfer names
//!   ([`Access::transfer_student`], `transfers.rs`).
//!
//! The policy tools ask through the same layer (`holding.rs`): which relationships hold
//! between a caller and a student ([`Access::relationships_holding`]), and the condition
//! one grant compiles to.
//!
//! A list filtered by where a student is (a class, a school) keeps only students whose
//! enrollment there the caller may read (`place.rs`).
//!
//! A vendor's client is a caller like the others, related to records by `shared`
//! (`shared.rs`: what its agreements in force cover, narrowed by families' consent); every
//! record about a student the per-record check lets it read is noted for the disclosure log
//! ([`Access::shown`]), whatever path read it.

mod acting;
mod check;
mod consented;
mod conversations;
mod disclosures;
mod enrolment;
mod holding;
pub mod integrity;
mod links;
mod mixed;
mod pages;
#[cfg(test)]
mod paths;
mod place;
mod reach;
pub mod readers;
mod sealed;
pub mod shape;
mod shared;
mod sql;
mod transfers;
mod visible;

pub use check::DerivedSets;
pub use disclosures::{DisclosureLog, LogQuery, Shown};
pub use enrolment::When;
pub use links::LinkChecker;
pub use mixed::{As, Mixed, MixedRead, Part};
pub use pages::{Matching, TOTAL};
pub use place::on_roster_today;
pub use shape::{Shape, Target, shapes};
pub use sql::{Branches, never};
pub use transfers::TransferStudent;
pub use visible::{Checker, Reader, Registered, Visible};

use crate::auth::Principal;
use crate::disclosure::Disclosures;
use emis_authz::{Action, Kind, Policy, Relationship, Role};
use sea_orm::{Condition, DatabaseConnection, DbErr};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// The (role, relationship) pairs that grant a kind of record and action to the caller.
pub type Grants = Arc<[(Role, Relationship)]>;

/// Records the SQL let through that the per-record check refused, since start.
pub static INCONSISTENCIES: AtomicU64 = AtomicU64::new(0);

/// The caller's access for one request: principal, the policy in force when the request
/// began, and the derived sets the per-record check loads lazily.
pub struct Access {
    principal: Arc<Principal>,
    policy: Arc<Policy>,
    db: DatabaseConnection,
    sets: DerivedSets,
    grants: Mutex<HashMap<(Kind, Action), Grants>>,
    /// What the request showed, for the disclosure log: resolvers note grades and
    /// sensitive fields; for a vendor, every record about a student the check lets through.
    shown: Arc<Disclosures>,
}

/// Counts and logs a record of `kind` the SQL let through that the per-record check refused.
pub fn inconsistency(kind: Kind) {
    INCONSISTENCIES.fetch_add(1, Ordering::Relaxed);
    tracing::error!(kind = kind.as_str(), "privacy inconsistency: SQL admitted a record the policy check denies");
}

impl Access {
    /// Access of `principal` under `policy`.
    pub fn new(principal: Arc<Principal>, policy: Arc<Policy>, db: DatabaseConnection) -> Self {
        Self { principal, policy, db, sets: DerivedSets::default(), grants: Mutex::default(), shown: Arc::default() }
    }

    /// What the request showed, for the disclosure log.
    pub fn shown(&self) -> Arc<Disclosures> {
        Arc::clone(&self.shown)
    }

    /// Who is asking.
    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    /// The connection the request reads through: a streaming replica for a query when one
    /// is fresh enough for the caller (see [`crate::replicas`]), the primary otherwise.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// The access of `principal` under the same policy as this request's: to ask what
    /// another person may do (the teacher a guardian names for a conversation).
    pub fn of_other(&self, principal: Principal) -> Access {
        Access::new(Arc::new(principal), Arc::clone(&self.policy), self.db.clone())
    }

    /// Whether the caller may read some record of `kind` at all: the policy grants it, and a
    /// vendor's agreements in force share the kind. A filter on a field of a kind the caller
    /// can never read is refused rather than applied.
    pub fn may_read_some(&self, kind: Kind) -> bool {
        let granted = self.grants(kind, Action::Read);
        let shared_only = granted.iter().all(|(_, rel)| *rel == Relationship::Shared);
        match &self.principal.vendor {
            Some(vendor) if shared_only => !granted.is_empty() && !vendor.shares(kind).is_empty(),
            _ => !granted.is_empty(),
        }
    }

    /// The purposes list read with the policy in force.
    pub fn purposes(&self) -> &[emis_authz::Purpose] {
        self.policy.purposes()
    }

    /// Whether the policy in force lets `role` `action` records of `kind` under `rel`
    /// (whoever asks): what a vendor may ever be shown, say.
    pub fn policy_allows(&self, role: Role, kind: Kind, action: Action, rel: Relationship) -> bool {
        self.policy.allowed_relationships(role, kind, action).contains(&rel)
    }

    /// The (role, relationship) pairs the policy grants the caller for `kind` and `action`,
    /// worked out once per request.
    pub fn grants(&self, kind: Kind, action: Action) -> Grants {
        if let Some(found) = self.grants.lock().ok().and_then(|cache| cache.get(&(kind, action)).cloned()) {
            return found;
        }
        let grants: Grants = self
            .principal
            .roles
            .keys()
            .flat_map(|role| {
                self.policy.allowed_relationships(*role, kind, action).into_iter().map(move |rel| (*role, rel))
            })
            .collect();
        if let Ok(mut cache) = self.grants.lock() {
            cache.insert((kind, action), Arc::clone(&grants));
        }
        grants
    }

    /// The SQL condition selecting the records of `shape` the caller may `action` as `kind`.
    pub(crate) fn filter(&self, kind: Kind, action: Action, shape: &Shape) -> Condition {
        let consents = self.policy.consent_purposes(kind);
        let grants = self.grants(kind, action);
        let granted = sql::granted(&self.principal, self.db.get_database_backend(), kind, &grants, consents, shape);
        match shape {
            Shape::Conversation { conversation, .. } => {
                Condition::all().add(granted).add(self.party_condition(action, conversation))
            }
            _ => granted,
        }
    }

    /// [`Access::filter`] kept as its branches, for a list that reads each from its own
    /// index ([`Branches::disjoint`]) and also needs the whole condition ([`Branches::any`]).
    pub(crate) fn filter_branches(&self, kind: Kind, action: Action, shape: &Shape) -> Branches {
        let consents = self.policy.consent_purposes(kind);
        let grants = self.grants(kind, action);
        let branches = sql::branches(&self.principal, self.db.get_database_backend(), kind, &grants, consents, shape);
        match shape {
            Shape::Conversation { conversation, .. } => branches.each_with(&self.party_condition(action, conversation)),
            _ => branches,
        }
    }

    /// Whether the caller may `action` the record `target` as `kind`, by the per-record
    /// check and the cached enforcer.
    async fn permits(&self, kind: Kind, action: Action, target: Target) -> Result<bool, DbErr> {
        let grants = self.grants(kind, action);
        if grants.is_empty() {
            return Ok(false);
        }
        if let Target::Conversation { conversation, .. } = target
            && !self.party(action, conversation).await?
        {
            return Ok(false);
        }
        let consents = self.policy.consent_purposes(kind);
        for &(role, rel) in grants.iter() {
            if check::holds(&self.db, &self.principal, &self.sets, (kind, consents), role, rel, target).await? {
                if self.principal.vendor.is_some()
                    && action == Action::Read
                    && let Target::Personal { student, school, .. } = target.as_record()
                {
                    self.shown.note(&self.principal, student, school, kind.as_str());
                }
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Keeps the records the per-record check permits to read ([`Access::admit_for`]).
    async fn admit<T>(&self, kind: Kind, rows: Vec<T>, target: impl Fn(&T) -> Target) -> Result<Vec<T>, DbErr> {
        self.admit_for(kind, Action::Read, rows, target).await
    }
}
