//! Reading one file of a package, row by row: the header checked against the file's columns,
//! the leading columns (`sourcedId`, `status`, `dateLastModified`) checked as the file's mode
//! requires, duplicates found, and each row handed to its record type through [`Fields`],
//! which parses values and records every problem at its cell.

use crate::files::{Column, FileKind};
use crate::package::{Mode, Package};
use crate::problem::{Location, Problem, Reason};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;

/// Whether a row is current or ends what it names (delta files only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Active,
    ToBeDeleted,
}

/// A row of a file that parsed without errors.
#[derive(Clone, Debug, PartialEq)]
pub struct Row<T> {
    /// 1-based line of the row in its file.
    pub line: u64,
    pub sourced_id: String,
    pub status: Status,
    pub modified: Option<DateTime<Utc>>,
    pub record: T,
    /// Where each column is in the file, for locating problems found later.
    pub positions: Arc<HashMap<&'static str, usize>>,
}

impl<T: Record> Row<T> {
    /// The location of column `name` in this row.
    pub fn cell(&self, name: &str) -> Location {
        let file = T::FILE.file_name();
        match self.positions.get_key_value(name) {
            Some((name, position)) => Location::cell(file, self.line, position + 1, *name),
            None => Location::line(file, self.line),
        }
    }

    /// A problem with column `name` of this row.
    pub fn problem(&self, name: &str, reason: Reason) -> Problem {
        Problem::new(self.cell(name), reason)
    }
}

/// A record type of a file.
pub trait Record: Sized {
    const FILE: FileKind;
    /// Parses the row's values; problems go to `fields`, which then marks the row failed.
    fn parse(fields: &mut Fields<'_>) -> Self;
}

/// The values of one row, by column name, with their locations.
pub struct Fields<'a> {
    file: &'static str,
    line: u64,
    record: &'a csv::StringRecord,
    /// Column name → 0-based position in the row.
    positions: &'a HashMap<&'static str, usize>,
    problems: &'a mut Vec<Problem>,
    failed: bool,
}

/// The allowed characters of an identifier.
fn is_sourced_id(value: &str) -> bool {
    (1..=255).contains(&value.len())
        && value.bytes().all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b'_' | b'/' | b'@'))
}

impl Fields<'_> {
    /// The file and line of this row.
    pub fn location(&self) -> Location {
        Location::line(self.file, self.line)
    }

    /// The location of column `name` in this row.
    pub fn cell(&self, name: &str) -> Location {
        match self.positions.get_key_value(name) {
            Some((name, position)) => Location::cell(self.file, self.line, position + 1, *name),
            None => self.location(),
        }
    }

    /// Records a problem with column `name` of this row; an error fails the row.
    pub fn problem(&mut self, name: &str, reason: Reason) {
        self.failed |= reason.severity() == crate::problem::Severity::Error;
        self.problems.push(Problem::new(self.cell(name), reason));
    }

    /// The raw value of `name`, trimmed; `None` when blank or the column is absent.
    pub fn text(&self, name: &str) -> Option<&str> {
        let position = *self.positions.get(name)?;
        self.record.get(position).map(str::trim).filter(|value| !value.is_empty())
    }

    /// An optional text value.
    pub fn optional(&self, name: &str) -> Option<String> {
        self.text(name).map(str::to_owned)
    }

    /// A value that must be given.
    pub fn required(&mut self, name: &str) -> String {
        match self.text(name) {
            Some(value) => value.to_owned(),
            None => {
                self.problem(name, Reason::Required);
                String::new()
            }
        }
    }

    /// An optional reference to another record by `sourcedId`.
    pub fn reference(&mut self, name: &str) -> Option<String> {
        let value = self.text(name)?.to_owned();
        if !is_sourced_id(&value) {
            self.problem(name, Reason::BadSourcedId(value));
            return None;
        }
        Some(value)
    }

    /// A reference that must be given.
    pub fn required_reference(&mut self, name: &str) -> String {
        if self.text(name).is_none() {
            self.problem(name, Reason::Required);
            return String::new();
        }
        self.reference(name).unwrap_or_default()
    }

    /// A list: comma-separated items in one field, blank items dropped.
    pub fn list(&self, name: &str) -> Vec<String> {
        self.text(name)
            .map(|value| value.split(',').map(str::trim).filter(|item| !item.is_empty()).map(str::to_owned).collect())
            .unwrap_or_default()
    }

    /// A list of references.
    pub fn references(&mut self, name: &str) -> Vec<String> {
        let items = self.list(name);
        for item in items.iter().filter(|item| !is_sourced_id(item)) {
            let reason = Reason::BadSourcedId(item.clone());
            self.problem(name, reason);
        }
        items
    }

    /// An optional `YYYY-MM-DD` date.
    pub fn date(&mut self, name: &str) -> Option<NaiveDate> {
        let value = self.text(name)?;
        match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
            Ok(date) if value.len() == 10 => Some(date),
            _ => {
                let reason = Reason::BadDate(value.to_owned());
                self.problem(name, reason);
                None
            }
        }
    }

    /// A date that must be given (in a row that failed, any date).
    pub fn required_date(&mut self, name: &str) -> NaiveDate {
        if self.text(name).is_none() {
            self.problem(name, Reason::Required);
        }
        self.date(name).unwrap_or_default()
    }

    /// An optional number.
    pub fn number(&mut self, name: &str) -> Option<f64> {
        let value = self.text(name)?;
        match value.parse::<f64>() {
            Ok(number) if number.is_finite() => Some(number),
            _ => {
                let reason = Reason::BadNumber(value.to_owned());
                self.problem(name, reason);
                None
            }
        }
    }

    /// An optional whole number.
    pub fn integer(&mut self, name: &str) -> Option<i64> {
        let value = self.text(name)?;
        match value.parse::<i64>() {
            Ok(number) => Some(number),
            Err(_) => {
                let reason = Reason::BadNumber(value.to_owned());
                self.problem(name, reason);
                None
            }
        }
    }

    /// An optional `true`/`false`.
    pub fn boolean(&mut self, name: &str) -> Option<bool> {
        match self.text(name)? {
            "true" => Some(true),
            "false" => Some(false),
            other => {
                let reason = Reason::BadBoolean(other.to_owned());
                self.problem(name, reason);
                None
            }
        }
    }

    /// An optional value from a vocabulary.
    pub fn choice<V: Vocabulary>(&mut self, name: &str) -> Option<V> {
        let value = self.text(name)?;
        match V::parse(value) {
            Some(choice) => Some(choice),
            None => {
                let reason = Reason::BadValue { value: value.to_owned(), allowed: V::TOKENS };
                self.problem(name, reason);
                None
            }
        }
    }

    /// A value from a vocabulary that must be given (in a row that failed, any value).
    pub fn required_choice<V: Vocabulary>(&mut self, name: &str) -> V {
        if self.text(name).is_none() {
            self.problem(name, Reason::Required);
        }
        self.choice(name).unwrap_or(V::ALL[0])
    }
}

/// A closed set of tokens a column takes.
pub trait Vocabulary: Sized + Copy + 'static {
    /// Every value, the first standing in for a missing one in a row that failed.
    const ALL: &'static [Self];
    const TOKENS: &'static [&'static str];
    fn parse(token: &str) -> Option<Self>;
    fn token(self) -> &'static str;
}

/// Declares an enum whose variants are written as the given tokens.
#[macro_export]
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $token:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vmeta])* $variant),* }

        impl $crate::reader::Vocabulary for $name {
            const ALL: &'static [Self] = &[$($name::$variant),*];
            const TOKENS: &'static [&'static str] = &[$($token),*];
            fn parse(token: &str) -> Option<Self> {
                match token { $($token => Some($name::$variant),)* _ => None }
            }
            fn token(self) -> &'static str {
                match self { $($name::$variant => $token),* }
            }
        }
    };
}

/// Reads the file of record type `T` if the manifest announces it, handing each row that
/// parsed without errors to `visit`; every problem goes to `problems`. Returns the number of
/// rows read (with or without problems).
pub fn read_file<T: Record>(
    package: &Package,
    problems: &mut Vec<Problem>,
    mut visit: impl FnMut(Row<T>),
) -> std::io::Result<u64> {
    let mode = package.manifest.mode(T::FILE);
    if mode == Mode::Absent {
        return Ok(0);
    }
    package.with_file(T::FILE.file_name(), |input| read_rows::<T>(input, mode, problems, &mut visit))
}

/// Reads rows of `T` from `input` in `mode`.
pub fn read_rows<T: Record>(
    input: &mut dyn Read,
    mode: Mode,
    problems: &mut Vec<Problem>,
    visit: &mut dyn FnMut(Row<T>),
) -> u64 {
    let file = T::FILE.file_name();
    // A UTF-8 byte-order mark before the header is allowed.
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(false).from_reader(input);
    let mut record = csv::StringRecord::new();
    let header = match reader.read_record(&mut record) {
        Ok(true) => record.iter().map(|name| name.trim_start_matches('\u{feff}').trim().to_owned()).collect::<Vec<_>>(),
        Ok(false) => {
            problems.push(Problem::new(
                Location::file(file),
                Reason::Model {
                    vietnamese: "tệp trống, không có dòng tiêu đề".into(),
                    english: "the file is empty: it has no header".into(),
                },
            ));
            return 0;
        }
        Err(error) => {
            problems.push(Problem::new(Location::line(file, 1), Reason::MalformedCsv(error.to_string())));
            return 0;
        }
    };
    let Some(positions) = header_positions(file, T::FILE.columns(), &header, problems) else {
        return 0;
    };
    let positions = Arc::new(positions);
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut rows = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => {
                let line = error.position().map_or(0, csv::Position::line);
                let stop = error.is_io_error();
                problems.push(Problem::new(Location::line(file, line), Reason::MalformedCsv(error.to_string())));
                // After a row with the wrong number of fields or invalid UTF-8 the reader goes
                // on with the next row; after a read error it cannot.
                if stop {
                    break;
                }
                continue;
            }
        }
        rows += 1;
        let line = record.position().map_or(0, csv::Position::line);
        let mut fields = Fields { file, line, record: &record, positions: &positions, problems, failed: false };
        let sourced_id = fields.required_reference("sourcedId");
        let (status, modified) = leading(&mut fields, mode);
        let parsed = T::parse(&mut fields);
        let failed = fields.failed;
        if !sourced_id.is_empty() {
            match seen.get(&sourced_id) {
                Some(first_line) => {
                    let location = Location::cell(file, line, positions["sourcedId"] + 1, "sourcedId");
                    problems.push(Problem::new(location, Reason::DuplicateSourcedId { first_line: *first_line }));
                    continue;
                }
                None => {
                    seen.insert(sourced_id.clone(), line);
                }
            }
        }
        if !failed {
            visit(Row { line, sourced_id, status, modified, record: parsed, positions: positions.clone() });
        }
    }
    rows
}

/// Status and time of modification as the mode requires them.
fn leading(fields: &mut Fields<'_>, mode: Mode) -> (Status, Option<DateTime<Utc>>) {
    if mode != Mode::Delta {
        for name in ["status", "dateLastModified"] {
            if fields.text(name).is_some() {
                fields.problem(name, Reason::IgnoredInBulk);
            }
        }
        return (Status::Active, None);
    }
    let status = match fields.text("status") {
        Some("active") => Status::Active,
        Some("tobedeleted") => Status::ToBeDeleted,
        Some(other) => {
            let reason = Reason::BadValue { value: other.to_owned(), allowed: &["active", "tobedeleted"] };
            fields.problem("status", reason);
            Status::Active
        }
        None => {
            fields.problem("status", Reason::Required);
            Status::Active
        }
    };
    let modified = match fields.text("dateLastModified") {
        Some(value) => match parse_date_time(value) {
            Some(at) => Some(at),
            None => {
                let reason = Reason::BadDateTime(value.to_owned());
                fields.problem("dateLastModified", reason);
                None
            }
        },
        None => {
            fields.problem("dateLastModified", Reason::Required);
            None
        }
    };
    (status, modified)
}

/// An ISO 8601 date-time with a `Z` or an offset, with or without fractions of a second.
pub fn parse_date_time(value: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(value).ok().map(|at| at.with_timezone(&Utc))
}

/// Where each known column is in the header; `None` (with problems) when a required column is
/// missing or a column is named twice. Unknown columns are reported and skipped.
fn header_positions(
    file: &'static str,
    columns: &'static [Column],
    header: &[String],
    problems: &mut Vec<Problem>,
) -> Option<HashMap<&'static str, usize>> {
    let mut positions = HashMap::new();
    let mut usable = true;
    for (position, name) in header.iter().enumerate() {
        let location = Location::cell(file, 1, position + 1, name.clone());
        match columns.iter().find(|column| column.name == name) {
            Some(column) => {
                if positions.insert(column.name, position).is_some() {
                    problems.push(Problem::new(location, Reason::DuplicateColumn));
                    usable = false;
                }
            }
            None => problems.push(Problem::new(location, Reason::UnknownColumn)),
        }
    }
    for column in columns.iter().filter(|column| column.required && !positions.contains_key(column.name)) {
        problems.push(Problem::new(Location::line(file, 1), Reason::MissingColumn(column.name)));
        usable = false;
    }
    usable.then_some(positions)
}
