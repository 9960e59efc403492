//! Sensitive columns a file does not read: found in its header, then each value in them an
//! error at its cell (the value would otherwise be lost), and a column left empty throughout
//! a warning at its header once the file is read. The specification's sensitive columns EMIS
//! does not keep ([`super::NOT_KEPT`]) are counted, and reported once per column.

use super::{NOT_KEPT, Sensitive, recognise};
use crate::files::FileKind;
use crate::problem::{Location, Problem, Reason};
use std::collections::HashMap;

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
    /// The specification's sensitive columns not kept: position, name, values given.
    not_kept: Vec<(usize, &'static str, u64)>,
}

impl Strays {
    /// No stray column yet, in `file`.
    pub fn new(file: &'static str) -> Self {
        Strays { file, columns: Vec::new(), not_kept: Vec::new() }
    }

    /// Watches the columns of `kind` at `positions` that hold sensitive values EMIS does not
    /// keep.
    pub fn watch_not_kept(&mut self, kind: FileKind, positions: &HashMap<&'static str, usize>) {
        for (_, name) in NOT_KEPT.iter().filter(|(file, _)| *file == kind) {
            if let Some(&position) = positions.get(name) {
                self.not_kept.push((position, name, 0));
            }
        }
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
        let given = |position: usize| record.get(position).is_some_and(|value| !value.trim().is_empty());
        for (position, _, count) in &mut self.not_kept {
            *count += u64::from(given(*position));
        }
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
        for (position, name, count) in self.not_kept.into_iter().filter(|(_, _, count)| *count > 0) {
            let location = Location::cell(self.file, 1, position + 1, name);
            let reason = Reason::Skipped {
                vietnamese: format!(
                    "{count} giá trị nhạy cảm ở cột này không được lưu: EMIS ghi dân tộc ở metadata.vn.ethnicity, \
                     không giữ các cột chủng tộc của đặc tả"
                ),
                english: format!(
                    "{count} sensitive values in this column were not kept: EMIS keeps ethnicity in \
                     metadata.vn.ethnicity, not the specification's race columns"
                ),
            };
            problems.push(Problem::new(location, reason));
        }
        for column in self.columns.into_iter().filter(|column| !column.given) {
            let location = Location::cell(self.file, 1, column.position + 1, column.header);
            problems.push(Problem::new(location, Reason::SensitiveColumnEmpty(column.sensitive)));
        }
    }
}
