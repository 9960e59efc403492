//! The school–family link: what a school publishes to its families and staff ([`notices`],
//! addressed through [`audience`], its words checked in [`drafting`], published later by
//! [`schedule`]), what families and staff read of it ([`feed`]), families' replies to
//! invitations ([`invitations`]), reminders ([`reminders`]) and edits ([`versions`]); and the
//! private conversations between a child's guardians and teachers ([`conversations`], with
//! whom ([`correspondents`]), [`messages`], [`talk`]) — each judged by the same privacy layer
//! as the books; and the notifications of every kind, counted and marked read: a guardian's
//! ([`alerts`]) and a staff member's ([`staff_alerts`]).

pub mod alerts;
pub mod audience;
pub mod conversations;
pub mod correspondents;
pub mod drafting;
pub mod feed;
pub mod invitations;
mod members;
pub mod messages;
pub mod notices;
pub mod reminders;
pub mod schedule;
pub mod staff_alerts;
pub mod talk;
pub mod versions;
