//! # emis-authz: the privacy policy of EMIS
//!
//! Every answer the EMIS API gives obeys a casbin policy that privacy
//! officers edit as two plain files, `policy/model.conf` and
//! `policy/policy.csv`, checked by a third, `policy/cases.csv`, of expected
//! decisions. The files load unchanged in any casbin implementation.
//!
//! ## The request
//!
//! A request names four things:
//!
//! ```text
//! (role,             kind,             action, relationship)
//! (homeroom_teacher, guardian.contact, read,   homeroom_of)
//! ```
//!
//! * [`Role`]: who asks (`guardian`, `subject_teacher`, `principal`, …).
//! * [`Kind`]: a kind of record or a group of fields (`student`,
//!   `student.health`, `guardian.contact`, `result`, …).
//! * [`Action`]: `read`, `write`, `approve`, `lock` (`export`, like the
//!   kinds `org` and `subject`, is a word the server does not use: a line
//!   naming it is refused, see [`Unused`]).
//! * [`Relationship`]: how the caller relates to the record concerned
//!   (`self`, `guardian_of`, `homeroom_of`, `teaches_section`, `in_school`,
//!   `oversees`, `any`). Which relationships actually hold is looked up in
//!   the database by the caller of this crate; the policy only says which
//!   relationships grant what. [`Kind::relationships`] lists the ones that
//!   are meaningful for each kind.
//!
//! A policy line `p, role, kind, action, relationship, allow|deny` grants
//! (or, with `deny`, takes away) one such request; `g, role, parent` gives a
//! role every permission of another. Anything not allowed is denied, and a
//! `deny` line beats any `allow` of its role and of the roles inheriting
//! from it. Lines of roles no account can hold yet are kept and listed as
//! [`Notice`]s.
//!
//! ## Use
//!
//! [`PolicyStore::open`] loads and validates the files and requires every
//! case to pass; [`PolicyStore::current`] gives the running [`Policy`], whose
//! [`Policy::decide`] answers from a per-request cache.
//! [`PolicyStore::spawn_watcher`] reloads when the files change and keeps the
//! running policy when a change is invalid or breaks a case.
//! [`Policy::load`], [`read_cases`] and [`Policy::check_cases`] check a change
//! without running it (`emis policy test`).

mod cases;
mod change;
mod error;
mod files;
mod grants;
mod lines;
mod lint;
mod meaning;
mod model;
mod policy;
mod purposes;
mod store;
mod vocab;
mod words;

pub use cases::{Case, CaseFailure, CaseReport, read_cases};
pub use change::{CONFIRMATIONS, LineDiff, Outcome, PolicyChange, confirmations};
pub use error::{Notice, PolicyError, Problem, Reason};
pub use files::PolicyFiles;
pub use grants::{Decisive, Explanation, Grant, PolicyDiff};
pub use lint::{Finding, Lint};
pub use meaning::Unused;
pub use policy::Policy;
pub use purposes::{Basis, PURPOSES, Purpose, parse_purposes};
pub use store::PolicyStore;
pub use vocab::{Action, Kind, Relationship, Role, UnknownName, Vocabulary};
pub use words::Sensitive;
