//! The mutation root, merged from one part per area so that each area's mutations live
//! beside each other: sessions, the books, and accounts.

mod accounts;
mod books;
mod session;

pub use session::AuthPayload;

/// The mutation root.
#[derive(async_graphql::MergedObject, Default)]
pub struct MutationRoot(session::SessionMutations, books::BookMutations, accounts::AccountMutations);
