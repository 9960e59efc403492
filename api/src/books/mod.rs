//! The writing side of the school books: what teachers, homeroom teachers, principals and
//! guardians record, each write decided by the same privacy layer as reads (the policy's
//! `write`, `approve` and `lock` actions) and kept in the books' history (`record_change`).

pub mod changes;
pub mod columns;
pub mod conduct;
pub mod leave;
pub mod locks;
pub mod roll_call;
pub mod scores;
pub mod summary;
