//! The OneRoster 1.2 CSV binding as EMIS exchanges it: the files and their columns in the
//! specification's order ([`files`]), EMIS's Vietnamese extension columns (`metadata.vn.*`)
//! and `attendance.csv` extension file, a package's manifest and contents ([`package`]),
//! reading a file row by row into typed records ([`reader`], [`records`]) — a sensitive
//! value in a column EMIS does not read there refused, never skipped ([`sensitive`]) —
//! writing one ([`writer`]), and the problems
//! found on the way, each located at its file, line and column and explained in Vietnamese and
//! English ([`problem`]).
//!
//! For the REST binding, [`rest`] reads a collection read's query parameters (paging,
//! ordering, field selection and the filter grammar).
//!
//! Reading never stops at the first problem: every row is read and every problem listed, so
//! a school fixes its files in one pass. This crate knows nothing of the database; the import
//! and export map records onto EMIS's model.

pub mod files;
pub mod package;
pub mod problem;
pub mod reader;
pub mod records;
pub mod rest;
pub mod sensitive;
pub mod vocabulary;
pub mod writer;

pub use files::FileKind;
pub use package::{Manifest, Mode, Package};
pub use problem::{Location, Problem, Reason, Severity};
pub use reader::{Record, Row, Status, Vocabulary, read_file};
pub use writer::FileWriter;
