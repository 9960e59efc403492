//! The school-year lifecycle: the national calendar's years ([`calendar`]), a school's
//! classes of a year with their sections ([`classes`]), the intake of new students with
//! their guardians ([`intake`]), and the year-end rollover ([`rollover`]) that promotes,
//! keeps back and graduates every student of a school in one reviewed operation and locks
//! the year's books.

pub mod calendar;
pub mod classes;
mod curriculum;
pub mod intake;
pub mod rollover;

pub use curriculum::curriculum;
