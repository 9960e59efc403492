//! The mutation root, merged from one part per area so that each area's mutations live
//! beside each other: sessions, the books, and the school year.

mod books;
mod session;
mod years;

pub use session::AuthPayload;

/// The mutation root.
#[derive(async_graphql::MergedObject, Default)]
pub struct MutationRoot(session::SessionMutations, books::BookMutations, years::YearMutations);
