//! Sensitive columns a file does not read: found in its header, then each value in them an
//! error at its cell (the value would otherwise be lost), and a column left empty throughout
//! a warning at its header once the file is read.

use super::{Sensitive, recognise};
use crate::problem::{Location, Problem, Reason};

/// A header cell that names a sensitive value its file does not read there.
struct Stray {
    /// 0-based position in the row.
    position: usize,
    header: String,
    sensitive: &'static Sensitive,
    /// Whether a row gave a value in it.
    given: bool,
}

/// The sensitive columns of a file's header that the file does not read.
pub(crate) struct Strays {
    file: &'static str,
    columns: Vec<Stray>,
}

impl Strays {
    /// No stray column yet, in `file`.
    pub fn new(file: &'static str) -> Self {
        Strays { file, columns: Vec::new() }
    }

    /// Takes header cell `header` at `position`, which is not a column of the file, when it
    /// names a sensitive value; `false` when it does not.
    pub fn take(&mut self, position: usize, header: &str) -> bool {
        let Some(sensitive) = recognise(header) else { return false };
        self.columns.push(Stray { position, header: header.to_owned(), sensitive, given: false });
        true
    }

    /// Records an error for each value row `record` at `line` gives in a stray column;
    /// whether it gave any.
    pub fn check(&mut self, line: u64, record: &csv::StringRecord, problems: &mut Vec<Problem>) -> bool {
        let mut found = false;
        for column in &mut self.columns {
            if record.get(column.position).is_some_and(|value| !value.trim().is_empty()) {
                column.given = true;
                found = true;
                let location = Location::cell(self.file, line, column.position + 1, column.header.clone());
                problems.push(Problem::new(location, Reason::SensitiveNotRead(column.sensitive)));
            }
        }
        found
    }

    /// Once every row is read: a warning at the header of each stray column no row gave a
    /// value in.
    pub fn finish(self, problems: &mut Vec<Problem>) {
        for column in self.columns.into_iter().filter(|column| !column.given) {
            let location = Location::cell(self.file, 1, column.position + 1, column.header);
            problems.push(Problem::new(location, Reason::SensitiveColumnEmpty(column.sensitive)));
        }
    }
}
