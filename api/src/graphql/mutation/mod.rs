//! The mutation root, merged from one part per area so that each area's mutations live
//! beside each other: sessions, accounts (staff's, guardians', students'), the books, the staff, the school year and
//! the intake of new students.

mod accounts;
mod books;
mod intake;
mod session;
mod staff;
mod student_accounts;
mod years;

pub use session::AuthPayload;

/// The mutation root.
#[derive(async_graphql::MergedObject, Default)]
pub struct MutationRoot(
    session::SessionMutations,
    accounts::AccountMutations,
    student_accounts::StudentAccountMutations,
    books::BookMutations,
    staff::StaffMutations,
    years::YearMutations,
    intake::IntakeMutations,
    crate::graphql::notice_mutations::NoticeMutations,
    crate::graphql::conversation_mutations::ConversationMutations,
    crate::graphql::channels::AlertMutations,
    crate::graphql::staff_alerts::AvailabilityMutations,
    crate::graphql::sharing_mutations::SharingMutations,
    crate::graphql::consent::ConsentMutations,
    crate::graphql::breaches::BreachMutations,
    crate::graphql::subject_requests::SubjectRequestMutations,
);
