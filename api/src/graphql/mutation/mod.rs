//! The mutation root, merged from one part per area so that each area's mutations live
//! beside each other: sessions, accounts, the books, the staff and the school year.

mod accounts;
mod books;
mod session;
mod staff;
mod years;

pub use session::AuthPayload;

/// The mutation root.
#[derive(async_graphql::MergedObject, Default)]
pub struct MutationRoot(
    session::SessionMutations,
    accounts::AccountMutations,
    books::BookMutations,
    staff::StaffMutations,
    years::YearMutations,
);
