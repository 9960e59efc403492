//! Authentication: argon2id passwords, opaque database-backed sessions, sign-in throttling,
//! and the per-request [`Principal`] the privacy layer works from.

pub mod facts;
pub mod password;
pub mod principal;
pub mod session;
pub mod throttle;
pub mod token;

pub use principal::{Account, Principal};
pub use session::{AuthError, IssuedTokens, TokenLifetimes};
