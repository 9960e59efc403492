//! Accounts of staff and guardians beyond signing in: activation codes for accounts without
//! a password (one by one, or a class's printable sheet), the first sign-in with such a
//! code, password changes and resets by a code sent to the phone on record, a school's
//! reset of a guardian's access, the password rules, and the audit of every step.
//!
//! Which accounts a caller may act on is the privacy layer's decision (the policy's
//! `account` kind, asked in `graphql/accounts.rs`); this module works on the accounts it
//! was allowed.

pub mod codes;
pub mod events;
pub mod families;
pub mod first;
pub mod holders;
pub mod issue;
pub mod recovery;
pub mod reset;
pub mod rules;
pub mod sheet;
pub mod sms;
