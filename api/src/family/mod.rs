//! The school–family link: what a school publishes to its families ([`notices`]) and what
//! families read of it ([`feed`]), each judged by the same privacy layer as the books.

pub mod feed;
pub mod notices;
