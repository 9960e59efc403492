//! What can be wrong with a package, where, and how to say it: every problem names its file,
//! line and column (1-based, as a spreadsheet shows them) and reads in Vietnamese and English.
//! Errors stop an import (a sensitive value in a column EMIS does not read there among them);
//! warnings (unknown columns or files, values EMIS does not keep) are reported and the import
//! goes on.

use crate::sensitive::Sensitive;
use std::fmt;

/// Where a problem is: a file, and within it a line and a column when they apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    /// 1-based line; the header is line 1.
    pub line: Option<u64>,
    /// 1-based column number and the column's header.
    pub column: Option<(usize, String)>,
}

impl Location {
    /// A whole file.
    pub fn file(file: impl Into<String>) -> Self {
        Self { file: file.into(), line: None, column: None }
    }

    /// A line of a file.
    pub fn line(file: impl Into<String>, line: u64) -> Self {
        Self { file: file.into(), line: Some(line), column: None }
    }

    /// A cell: line and column (1-based number and header).
    pub fn cell(file: impl Into<String>, line: u64, number: usize, header: impl Into<String>) -> Self {
        Self { file: file.into(), line: Some(line), column: Some((number, header.into())) }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some((number, header)) = &self.column {
            write!(f, ":{number} ({header})")?;
        }
        Ok(())
    }
}

/// Whether a problem stops the import.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// What is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// The path is neither a folder nor a zip file that can be read.
    Unreadable(String),
    /// A file the manifest names is not in the package.
    MissingFile,
    /// The package has no `manifest.csv`.
    MissingManifest,
    /// A file is in the package but the manifest does not mark it bulk or delta.
    NotInManifest,
    /// `attendance.csv` is in the package and the manifest does not name it: read as bulk.
    ReadUnlisted,
    /// A file EMIS does not know.
    UnknownFile,
    /// A file of the binding that EMIS recognises but does not keep.
    NotKept,
    /// The CSV cannot be read (bad quoting, not UTF-8, a row with too many fields).
    MalformedCsv(String),
    /// A column the file must have is not in its header.
    MissingColumn(&'static str),
    /// A header names the same column twice.
    DuplicateColumn,
    /// A column EMIS does not know.
    UnknownColumn,
    /// A value in a column that names a sensitive value its file does not read there (an
    /// error: the value would be lost).
    SensitiveNotRead(&'static Sensitive),
    /// A column that names a sensitive value its file does not read there, empty in every row.
    SensitiveColumnEmpty(&'static Sensitive),
    /// A required value is blank.
    Required,
    /// Not a `YYYY-MM-DD` date.
    BadDate(String),
    /// Not an ISO 8601 UTC date-time.
    BadDateTime(String),
    /// Not a number.
    BadNumber(String),
    /// Not `true` or `false`.
    BadBoolean(String),
    /// Not one of the allowed values (nor a word the field's synonym table accepts).
    BadValue { value: String, allowed: Vec<&'static str> },
    /// A word of the field's synonym table, read as EMIS's value (a warning, counted).
    Mapped { value: String, canonical: &'static str },
    /// Not a valid identifier (1–255 characters of letters, digits and `. - _ / @`).
    BadSourcedId(String),
    /// The same `sourcedId` is on an earlier line of the file.
    DuplicateSourcedId { first_line: u64 },
    /// `status` or `dateLastModified` given in a bulk file (ignored).
    IgnoredInBulk,
    /// The manifest's value for a property is not allowed.
    BadManifestValue { property: String, value: String },
    /// A reference to a record that is neither in the package nor in the database.
    UnknownReference { file: &'static str, value: String },
    /// A rule of the EMIS model, stated by the caller in both languages.
    Model { vietnamese: String, english: String },
    /// A row or value EMIS does not keep, said by the caller in both languages (a warning).
    Skipped { vietnamese: String, english: String },
}

impl Reason {
    /// How bad it is.
    pub fn severity(&self) -> Severity {
        match self {
            Reason::UnknownFile
            | Reason::NotKept
            | Reason::NotInManifest
            | Reason::ReadUnlisted
            | Reason::UnknownColumn
            | Reason::SensitiveColumnEmpty(_)
            | Reason::IgnoredInBulk
            | Reason::Mapped { .. }
            | Reason::Skipped { .. } => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// The reason in English.
    pub fn english(&self) -> String {
        match self {
            Reason::Unreadable(why) => format!("cannot be read: {why}"),
            Reason::MissingFile => "the manifest names this file but it is not in the package".into(),
            Reason::MissingManifest => "the package has no manifest.csv".into(),
            Reason::NotInManifest => {
                "the file is in the package but the manifest does not mark it bulk or delta; it was not read".into()
            }
            Reason::ReadUnlisted => "the manifest does not name this file; it was read as bulk".into(),
            Reason::UnknownFile => "unknown file; it was not read".into(),
            Reason::NotKept => "a OneRoster file that EMIS does not keep; it was not read".into(),
            Reason::MalformedCsv(why) => format!("malformed CSV: {why}"),
            Reason::MissingColumn(name) => format!("the header lacks the required column {name}"),
            Reason::DuplicateColumn => "the header names this column twice".into(),
            Reason::UnknownColumn => "unknown column; its values were not read".into(),
            Reason::SensitiveNotRead(sensitive) => format!(
                "a sensitive value ({}) is not read in this column: refused rather than lost; EMIS reads it in {}",
                sensitive.english,
                sensitive.places_english()
            ),
            Reason::SensitiveColumnEmpty(sensitive) => format!(
                "a column of sensitive values ({}) that is not read here; it is empty, so nothing was lost; EMIS reads it in {}",
                sensitive.english,
                sensitive.places_english()
            ),
            Reason::Required => "a value is required".into(),
            Reason::BadDate(value) => format!("\"{value}\" is not a date (YYYY-MM-DD)"),
            Reason::BadDateTime(value) => format!("\"{value}\" is not a UTC date-time (YYYY-MM-DDTHH:MM:SS.sssZ)"),
            Reason::BadNumber(value) => format!("\"{value}\" is not a number"),
            Reason::BadBoolean(value) => format!("\"{value}\" is not true or false"),
            Reason::BadValue { value, allowed } => {
                format!("\"{value}\" is not allowed here; expected one of: {}", allowed.join(", "))
            }
            Reason::Mapped { value, canonical } => format!("mapped \"{value}\" to {canonical}"),
            Reason::BadSourcedId(value) => {
                format!("\"{value}\" is not a valid identifier (1–255 letters, digits or . - _ / @)")
            }
            Reason::DuplicateSourcedId { first_line } => format!("this sourcedId is already used on line {first_line}"),
            Reason::IgnoredInBulk => {
                "status and dateLastModified are blank in a bulk file; the value was ignored".into()
            }
            Reason::BadManifestValue { property, value } => format!("\"{value}\" is not allowed for {property}"),
            Reason::UnknownReference { file, value } => {
                format!("\"{value}\" is neither in {file} nor already in the database")
            }
            Reason::Model { english, .. } | Reason::Skipped { english, .. } => english.clone(),
        }
    }

    /// The reason in Vietnamese.
    pub fn vietnamese(&self) -> String {
        match self {
            Reason::Unreadable(why) => format!("không đọc được: {why}"),
            Reason::MissingFile => "tệp kê khai (manifest) có tệp này nhưng gói dữ liệu không có".into(),
            Reason::MissingManifest => "gói dữ liệu không có manifest.csv".into(),
            Reason::NotInManifest => {
                "tệp có trong gói nhưng manifest không khai là bulk hay delta; tệp không được đọc".into()
            }
            Reason::ReadUnlisted => "manifest không khai tệp này; tệp được đọc như bulk".into(),
            Reason::UnknownFile => "tệp không xác định; tệp không được đọc".into(),
            Reason::NotKept => "tệp OneRoster mà EMIS không lưu; tệp không được đọc".into(),
            Reason::MalformedCsv(why) => format!("CSV sai định dạng: {why}"),
            Reason::MissingColumn(name) => format!("dòng tiêu đề thiếu cột bắt buộc {name}"),
            Reason::DuplicateColumn => "dòng tiêu đề có cột này hai lần".into(),
            Reason::UnknownColumn => "cột không xác định; giá trị của cột không được đọc".into(),
            Reason::SensitiveNotRead(sensitive) => format!(
                "giá trị nhạy cảm ({}) không được đọc ở cột này: bị từ chối thay vì bị mất; EMIS đọc giá trị này ở {}",
                sensitive.vietnamese,
                sensitive.places_vietnamese()
            ),
            Reason::SensitiveColumnEmpty(sensitive) => format!(
                "cột chứa giá trị nhạy cảm ({}) không được đọc ở đây; cột trống nên không mất gì; EMIS đọc giá trị này ở {}",
                sensitive.vietnamese,
                sensitive.places_vietnamese()
            ),
            Reason::Required => "bắt buộc phải có giá trị".into(),
            Reason::BadDate(value) => format!("\"{value}\" không phải là ngày (YYYY-MM-DD)"),
            Reason::BadDateTime(value) => format!("\"{value}\" không phải là thời điểm UTC (YYYY-MM-DDTHH:MM:SS.sssZ)"),
            Reason::BadNumber(value) => format!("\"{value}\" không phải là số"),
            Reason::BadBoolean(value) => format!("\"{value}\" không phải là true hoặc false"),
            Reason::BadValue { value, allowed } => {
                format!("\"{value}\" không được phép ở đây; giá trị hợp lệ: {}", allowed.join(", "))
            }
            Reason::Mapped { value, canonical } => format!("đã hiểu \"{value}\" là {canonical}"),
            Reason::BadSourcedId(value) => {
                format!("\"{value}\" không phải là mã định danh hợp lệ (1–255 chữ cái, chữ số hoặc . - _ / @)")
            }
            Reason::DuplicateSourcedId { first_line } => format!("sourcedId này đã dùng ở dòng {first_line}"),
            Reason::IgnoredInBulk => "tệp bulk để trống status và dateLastModified; giá trị đã bị bỏ qua".into(),
            Reason::BadManifestValue { property, value } => format!("\"{value}\" không hợp lệ cho {property}"),
            Reason::UnknownReference { file, value } => {
                format!("\"{value}\" không có trong {file} và cũng chưa có trong cơ sở dữ liệu")
            }
            Reason::Model { vietnamese, .. } | Reason::Skipped { vietnamese, .. } => vietnamese.clone(),
        }
    }
}

/// One problem of a package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub location: Location,
    pub reason: Reason,
}

impl Problem {
    pub fn new(location: Location, reason: Reason) -> Self {
        Self { location, reason }
    }

    pub fn severity(&self) -> Severity {
        self.reason.severity()
    }

    pub fn is_error(&self) -> bool {
        self.severity() == Severity::Error
    }
}

impl fmt::Display for Problem {
    /// `users.csv:12:4 (givenName): bắt buộc phải có giá trị / a value is required`, with
    /// `cảnh báo / warning` before a warning.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let marker = match self.severity() {
            Severity::Error => "lỗi / error",
            Severity::Warning => "cảnh báo / warning",
        };
        write!(f, "{}: {marker}: {} / {}", self.location, self.reason.vietnamese(), self.reason.english())
    }
}

#[cfg(test)]
mod tests {
    use super::{Location, Problem, Reason};

    #[test]
    fn a_problem_names_file_line_and_column_in_both_languages() {
        let problem = Problem::new(Location::cell("users.csv", 12, 8, "givenName"), Reason::Required);
        assert_eq!(
            problem.to_string(),
            "users.csv:12:8 (givenName): lỗi / error: bắt buộc phải có giá trị / a value is required"
        );
        let warning = Problem::new(Location::file("extra.csv"), Reason::UnknownFile);
        assert!(!warning.is_error());
        assert!(warning.to_string().starts_with("extra.csv: cảnh báo / warning: "));
    }
}
