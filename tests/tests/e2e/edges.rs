//! Privacy at the edges: what filters, refusals and side effects could tell a caller about
//! records out of their reach, or do to them. An attack on what a caller learns compares the
//! answer for a record out of reach with the answer for one that does not exist (they must be
//! the same); an attack on what a call does checks that records out of the caller's reach
//! stay as they were.

mod exemptions;
mod filter_rule;
mod filters;
mod hidden_rows;
mod import;
mod leave;
mod list_filters;
mod lived_in;
mod movers;
mod narrowing;
mod policy_first;
mod policy_words;
mod record_filters;
mod world;
