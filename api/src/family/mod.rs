//! The school–family link: what a school publishes to its families ([`notices`]) and what
//! families read of it ([`feed`]), and the private conversations between a child's guardians
//! and teachers ([`conversations`], [`messages`], [`talk`]), each judged by the same privacy
//! layer as the books.

pub mod conversations;
pub mod feed;
mod members;
pub mod messages;
pub mod notices;
pub mod talk;
