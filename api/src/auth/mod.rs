//! Authentication: argon2id passwords, sign-in throttling, opaque database-backed sessions
//! with rotating refresh tokens, and the per-request [`Principal`] the privacy layer works
//! from.

pub mod facts;
pub mod password;
pub mod principal;
pub mod refresh;
pub mod session;
pub mod sign_in;
pub mod throttle;
pub mod token;
pub mod vendor;

pub use principal::{Account, Principal};
pub use session::{AuthError, IssuedTokens, TokenLifetimes};
pub use throttle::ClientAddress;
