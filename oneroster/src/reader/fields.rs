//! The values of one row as a record type sees them: each column looked up by name, parsed
//! (text, references, dates, numbers, booleans, vocabulary tokens) and every problem recorded
//! at its cell, which fails the row.

use crate::problem::{Location, Problem, Reason};
use crate::vocabulary::{Match, Table};
use chrono::NaiveDate;
use std::collections::HashMap;

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

impl<'a> Fields<'a> {
    /// The values of the row `record` at `line` of `file`, whose columns stand at `positions`;
    /// problems go to `problems`.
    pub(super) fn new(
        file: &'static str,
        line: u64,
        record: &'a csv::StringRecord,
        positions: &'a HashMap<&'static str, usize>,
        problems: &'a mut Vec<Problem>,
    ) -> Self {
        Fields { file, line, record, positions, problems, failed: false }
    }

    /// Whether an error was found in the row.
    pub(super) fn failed(&self) -> bool {
        self.failed
    }

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

    /// An optional value from a vocabulary: a token, or a word of the vocabulary's synonym
    /// table (mapped with a warning); anything else is an error listing the accepted words.
    pub fn choice<V: Vocabulary>(&mut self, name: &str) -> Option<V> {
        let value = self.text(name)?;
        if let Some(choice) = V::parse(value) {
            return Some(choice);
        }
        let Some(table) = V::SYNONYMS else {
            let reason = Reason::BadValue { value: value.to_owned(), allowed: V::TOKENS.to_vec() };
            self.problem(name, reason);
            return None;
        };
        match table.lookup(value).map(Match::canonical).and_then(|canonical| Some((canonical, V::parse(canonical)?))) {
            Some((canonical, choice)) => {
                self.problem(name, Reason::Mapped { value: value.to_owned(), canonical });
                Some(choice)
            }
            None => {
                self.problem(name, Reason::BadValue { value: value.to_owned(), allowed: table.accepted() });
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
    /// The other words a package may write for the tokens, if the field takes any.
    const SYNONYMS: Option<&'static Table> = None;
    fn parse(token: &str) -> Option<Self>;
    fn token(self) -> &'static str;
}
