//! Privacy at the edges: what filters, refusals and side effects could tell a caller about
//! records out of their reach. Each attack compares the answer for a record out of reach
//! with the answer for one that does not exist; they must be the same.

mod filters;
mod policy_first;
mod world;
