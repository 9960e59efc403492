//! The files of a package being written, and how EMIS's values are written in their cells:
//! exchange identifiers, dates, grades, scores, semester numerals and a person's names.

use super::ExportReport;
use anyhow::Context as _;
use chrono::NaiveDate;
use emis_oneroster::{FileKind, FileWriter};
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

/// One file of the package being written.
pub(super) type Writer = FileWriter<BufWriter<File>>;

/// The folder a package is written into, and the rows written per file.
pub(super) struct Out<'a> {
    pub dir: &'a Path,
    pub report: ExportReport,
}

impl Out<'_> {
    /// Creates (or replaces) the file of `kind`, its header written.
    pub fn file(&self, kind: FileKind) -> anyhow::Result<Writer> {
        let path = self.dir.join(kind.file_name());
        let file = File::create(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(FileWriter::new(kind, BufWriter::new(file))?)
    }

    /// Ends a file; a file without rows is removed (the manifest says it is absent).
    pub fn done(&mut self, kind: FileKind, writer: Writer) -> anyhow::Result<()> {
        let rows = writer.finish()?;
        if rows == 0 {
            std::fs::remove_file(self.dir.join(kind.file_name()))?;
        } else {
            self.report.insert(kind, rows);
        }
        Ok(())
    }
}

pub(super) use crate::exchange::names::ext;

pub(super) fn date(value: NaiveDate) -> String {
    value.format("%Y-%m-%d").to_string()
}

pub(super) use crate::exchange::names::grade;

/// A score in tenths as OneRoster writes it: `8.5`, `9`.
pub(super) fn score(tenths: i16) -> String {
    let value = f64::from(tenths) / 10.0;
    format!("{value}")
}

/// A semester's number in Roman numerals, as Vietnamese school books write it.
pub(super) fn roman(number: i16) -> String {
    match number {
        1 => "I".to_owned(),
        2 => "II".to_owned(),
        3 => "III".to_owned(),
        other => other.to_string(),
    }
}

/// A person's names as OneRoster splits them: the first word of the family part, the rest of
/// it as middle name, and the given name.
pub(super) fn name_cells(family: &str, given: &str) -> Vec<(&'static str, String)> {
    let (last, middle, given) = crate::exchange::names::split_name(family, given);
    vec![("familyName", last.to_owned()), ("middleName", middle.to_owned()), ("givenName", given.to_owned())]
}
