//! The words schools write for EMIS's enumerated values, and how a cell is matched against
//! them: per field, each canonical value and the synonyms it accepts (Vietnamese, regional
//! and English forms, in [`tables`]), and the Ministry's subject list ([`subjects`]).
//!
//! A cell matches first as written, ignoring only case, spaces, underscores and hyphens
//! (`Bà` is a grandmother, `Ba` a southern father), then with diacritics removed too, when
//! that folded form belongs to one canonical value only. A canonical token matches silently;
//! any other accepted word is mapped with a warning, and an import counts each mapping.

pub mod subjects;
pub mod tables;

use std::fmt::Write as _;
use unicode_normalization::UnicodeNormalization as _;
use unicode_normalization::char::is_combining_mark;

/// A canonical value and the other words that mean it.
#[derive(Clone, Copy, Debug)]
pub struct Synonyms {
    /// The value EMIS stores (a token of its vocabulary).
    pub canonical: &'static str,
    pub words: &'static [&'static str],
}

/// The accepted words of one enumerated field.
#[derive(Clone, Copy, Debug)]
pub struct Table {
    /// Where the field is, e.g. `users.csv metadata.vn.relationship`.
    pub field: &'static str,
    pub entries: &'static [Synonyms],
    /// What the table's readers should know, for the README.
    pub note: &'static str,
}

/// How a cell matched a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Match {
    /// The canonical token itself.
    Canonical(&'static str),
    /// Another accepted word for this canonical value.
    Mapped(&'static str),
}

impl Match {
    /// The canonical value either way.
    pub fn canonical(self) -> &'static str {
        match self {
            Match::Canonical(value) | Match::Mapped(value) => value,
        }
    }
}

/// `text` lower-cased (composed), without spaces, underscores and hyphens: `Ông nội` →
/// `ôngnội`.
pub fn plain_key(text: &str) -> String {
    text.nfc().filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-')).flat_map(char::to_lowercase).collect()
}

/// [`plain_key`] without diacritics, `đ` read as `d`: `Ông nội` → `ongnoi`.
pub fn folded_key(text: &str) -> String {
    plain_key(text).nfd().filter(|c| !is_combining_mark(*c)).map(|c| if c == 'đ' { 'd' } else { c }).collect()
}

impl Table {
    /// The canonical value `value` stands for, if any.
    pub fn lookup(&self, value: &str) -> Option<Match> {
        let value = value.trim();
        if let Some(entry) = self.entries.iter().find(|entry| entry.canonical == value) {
            return Some(Match::Canonical(entry.canonical));
        }
        let plain = plain_key(value);
        let words = || self.entries.iter().flat_map(|entry| entry.all().map(move |word| (entry.canonical, word)));
        if let Some((canonical, _)) = words().find(|(_, word)| plain_key(word) == plain) {
            return Some(Match::Mapped(canonical));
        }
        let folded = folded_key(value);
        let mut candidates = words().filter(|(_, word)| folded_key(word) == folded).map(|(canonical, _)| canonical);
        let first = candidates.next()?;
        candidates.all(|other| other == first).then_some(Match::Mapped(first))
    }

    /// Every accepted word, canonical tokens first, for an error message.
    pub fn accepted(&self) -> Vec<&'static str> {
        let canonical = self.entries.iter().map(|entry| entry.canonical);
        canonical.chain(self.entries.iter().flat_map(|entry| entry.words.iter().copied())).collect()
    }

    /// The table as README rows: `| field | canonical | words |`.
    pub fn markdown_rows(&self, out: &mut String) {
        for entry in self.entries {
            let words: Vec<String> = entry.words.iter().map(|word| format!("`{word}`")).collect();
            let _ = writeln!(out, "| {} | `{}` | {} |", self.field, entry.canonical, words.join(", "));
        }
    }
}

impl Synonyms {
    /// The canonical token and its words.
    fn all(&self) -> impl Iterator<Item = &'static str> {
        std::iter::once(self.canonical).chain(self.words.iter().copied())
    }
}

/// The README's synonym table, generated from [`tables::ALL`] (a test keeps them equal).
pub fn markdown() -> String {
    let mut out = String::from("| field | EMIS value | also accepted |\n|---|---|---|\n");
    for table in tables::ALL {
        table.markdown_rows(&mut out);
    }
    out.push('\n');
    for table in tables::ALL.iter().filter(|table| !table.note.is_empty()) {
        let _ = writeln!(out, "- {}: {}.", table.field, table.note);
    }
    out
}

#[cfg(test)]
mod tests;
