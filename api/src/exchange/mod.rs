//! Data exchange in the OneRoster 1.2 CSV format (with EMIS's Vietnamese extension columns):
//! `emis import oneroster PATH` brings a package into the database in one transaction —
//! whole or not at all, every problem listed with its file, line and column — and
//! `emis export oneroster DIR` writes one, sensitive values only when asked; both are
//! recorded in `exchange_log`.
//!
//! Records are matched by their exchange identifier (`sourcedId`), so importing the same
//! package twice changes nothing; a delta package's `tobedeleted` rows end what they name
//! (an enrollment, a role, a guardianship), dated, and never delete a person; a bulk
//! package is no removal or reset list: what a row does not say stays as it is. Sensitive
//! values are sealed as they are written; an unchanged value keeps its ciphertext.

mod attendance;
mod export;
mod import;
pub mod names;
mod people;
mod person;
mod progress;
mod records;
mod results;
mod roster;
mod store;

pub use export::{ExportOptions, ExportReport, export};
pub use import::{ImportOptions, ImportOutcome, Mapping, Progress, Silent, import};
pub use progress::Bars;
pub use store::Counts;
