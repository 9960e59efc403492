//! Reading one file of a package, row by row: the header checked against the file's columns
//! (a column naming a sensitive value the file does not read is never skipped quietly:
//! [`crate::sensitive`]), the leading columns (`sourcedId`, `status`, `dateLastModified`)
//! checked as the file's mode requires, duplicates found, and each row handed to its record
//! type through [`Fields`], which parses values and records every problem at its cell
//! (`fields.rs`).

mod fields;

pub use fields::{Fields, Vocabulary};

use crate::files::{Column, FileKind};
use crate::package::{Mode, Package};
use crate::problem::{Location, Problem, Reason};
use crate::sensitive::Strays;
use chrono::{DateTime, Utc};
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
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(false).from_reader(input);
    let mut record = csv::StringRecord::new();
    let mut strays = Strays::new(file);
    let Some(positions) = read_header(file, T::FILE.columns(), &mut reader, &mut record, &mut strays, problems) else {
        return 0;
    };
    strays.watch_not_kept(T::FILE, &positions);
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
        let mut fields = Fields::new(file, line, &record, &positions, problems);
        let sourced_id = fields.required_reference("sourcedId");
        let (status, modified) = leading(&mut fields, mode);
        let parsed = T::parse(&mut fields);
        let failed = fields.failed() | strays.check(line, &record, problems);
        if !sourced_id.is_empty() {
            if let Some(first_line) = seen.get(&sourced_id) {
                let location = Location::cell(file, line, positions["sourcedId"] + 1, "sourcedId");
                problems.push(Problem::new(location, Reason::DuplicateSourcedId { first_line: *first_line }));
                continue;
            }
            seen.insert(sourced_id.clone(), line);
        }
        if !failed {
            visit(Row { line, sourced_id, status, modified, record: parsed, positions: positions.clone() });
        }
    }
    strays.finish(problems);
    rows
}

/// Reads the header row into `record` and finds the known columns in it; `None` (with
/// problems) when the file is empty, the header is malformed or unusable.
fn read_header(
    file: &'static str,
    columns: &'static [Column],
    reader: &mut csv::Reader<&mut dyn Read>,
    record: &mut csv::StringRecord,
    strays: &mut Strays,
    problems: &mut Vec<Problem>,
) -> Option<HashMap<&'static str, usize>> {
    match reader.read_record(record) {
        Ok(true) => {
            // A UTF-8 byte-order mark before the header is allowed.
            let header: Vec<String> =
                record.iter().map(|name| name.trim_start_matches('\u{feff}').trim().to_owned()).collect();
            header_positions(file, columns, &header, strays, problems)
        }
        Ok(false) => {
            problems.push(Problem::new(
                Location::file(file),
                Reason::Model {
                    vietnamese: "tệp trống, không có dòng tiêu đề".into(),
                    english: "the file is empty: it has no header".into(),
                },
            ));
            None
        }
        Err(error) => {
            problems.push(Problem::new(Location::line(file, 1), Reason::MalformedCsv(error.to_string())));
            None
        }
    }
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
            let reason = Reason::BadValue { value: other.to_owned(), allowed: vec!["active", "tobedeleted"] };
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
/// missing or a column is named twice. Other columns naming a sensitive value go to `strays`;
/// the remaining unknown columns are reported and skipped.
fn header_positions(
    file: &'static str,
    columns: &'static [Column],
    header: &[String],
    strays: &mut Strays,
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
            None if strays.take(position, name) => {}
            None => problems.push(Problem::new(location, Reason::UnknownColumn)),
        }
    }
    for column in columns.iter().filter(|column| column.required && !positions.contains_key(column.name)) {
        problems.push(Problem::new(Location::line(file, 1), Reason::MissingColumn(column.name)));
        usable = false;
    }
    usable.then_some(positions)
}
