//! The rights of the people the data is about (Law 91/2025 and Decree 356/2025). [`access`]
//! gathers everything about one child that the caller may read — the child's record with
//! its sealed fields opened, and every record kept about the child, kind by kind — through
//! the privacy layer, for the family's copy of the child's data. [`requests`] keeps the
//! family's requests (a copy, a correction, a restriction, a deletion) with their legal
//! deadlines, and the privacy officer's handling of them; [`erasure`] carries out a
//! deletion, and [`restriction`] makes a restriction of processing count; [`workbook`]
//! renders the copy as a workbook to read.

pub mod access;
pub mod erasure;
pub mod requests;
pub mod restriction;
pub mod staff_copy;
pub mod workbook;
