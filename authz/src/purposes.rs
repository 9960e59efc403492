//! The purposes personal data is processed for (`purposes.csv`, kept by the privacy officer
//! beside the policy): each with its legal basis and, for a purpose that needs the families'
//! consent, the kinds of record the school's own staff may reach under the `consented_for`
//! relationship once a family (and the child, from 7) gave it. A sharing agreement with a
//! vendor names one purpose too.
//!
//! A line reads `code, basis, kinds, Vietnamese, English`: `basis` is one of [`Basis`]'s
//! words; `kinds` is `-` or kinds joined by `|`; the two descriptions are what families are
//! shown (the English may hold commas, the Vietnamese may not). `#` starts a comment.

use std::fmt;
use std::path::Path;

use crate::error::PolicyError;
use crate::vocab::{Kind, Relationship};

/// The file's name in the policy folder.
pub const PURPOSES: &str = "purposes.csv";

/// Why processing for a purpose is lawful (Law 91/2025).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Basis {
    /// The data subject's consent (for a child, the family's and, from 7, the child's).
    Consent,
    /// The school's task under the education law, which needs no consent.
    Task,
    /// A duty another law puts on the school (reporting to the sector database).
    Obligation,
    /// A contract the family entered (school meals, day boarding).
    Contract,
}

impl Basis {
    const ALL: [Basis; 4] = [Basis::Consent, Basis::Task, Basis::Obligation, Basis::Contract];

    /// The word in the file.
    pub const fn as_str(self) -> &'static str {
        match self {
            Basis::Consent => "consent",
            Basis::Task => "task",
            Basis::Obligation => "obligation",
            Basis::Contract => "contract",
        }
    }

    /// The basis in Vietnamese and English.
    pub const fn words(self) -> (&'static str, &'static str) {
        match self {
            Basis::Consent => ("sự đồng ý của gia đình", "the family's consent"),
            Basis::Task => ("nhiệm vụ của nhà trường theo luật", "the school's task under the law"),
            Basis::Obligation => ("nghĩa vụ theo luật khác", "a duty under another law"),
            Basis::Contract => ("hợp đồng với gia đình", "a contract with the family"),
        }
    }
}

impl fmt::Display for Basis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One purpose of the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Purpose {
    pub code: String,
    pub basis: Basis,
    /// The kinds the school's staff reach under `consented_for` while consent to this
    /// purpose stands (a consent purpose only).
    pub kinds: Vec<Kind>,
    pub vietnamese: String,
    pub english: String,
}

impl Purpose {
    /// Whether families must consent before anything is processed for it.
    pub fn needs_consent(&self) -> bool {
        self.basis == Basis::Consent
    }
}

/// The purposes of `text`, or every line that cannot be read, named by `file` and line.
pub fn parse_purposes(file: &Path, text: &str) -> Result<Vec<Purpose>, PolicyError> {
    let mut purposes: Vec<Purpose> = Vec::new();
    let mut problems = Vec::new();
    for (at, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match purpose(line) {
            Ok(purpose) if purposes.iter().any(|known| known.code == purpose.code) => {
                problems.push((at + 1, format!("mã {c} lặp lại / {c} again", c = purpose.code)));
            }
            Ok(purpose) => purposes.push(purpose),
            Err(reason) => problems.push((at + 1, reason)),
        }
    }
    if problems.is_empty() {
        return Ok(purposes);
    }
    let reasons = problems.into_iter().map(|(line, reason)| format!("{}:{line}: {reason}", file.display()));
    Err(PolicyError::Purposes { file: file.to_path_buf(), reasons: reasons.collect() })
}

/// One line, or why it cannot be read.
fn purpose(line: &str) -> Result<Purpose, String> {
    let fields: Vec<&str> = line.splitn(5, ',').map(str::trim).collect();
    let [code, basis, kinds, vietnamese, english] = fields[..] else {
        return Err("dòng phải có dạng mã, cơ sở pháp lý, loại dữ liệu, tiếng Việt, tiếng Anh / a line must read \
                    code, basis, kinds, Vietnamese, English"
            .to_owned());
    };
    if code.is_empty() || !code.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
        return Err(format!(
            "mã {code:?} chỉ được gồm chữ thường và dấu gạch dưới / the code {code:?} may hold lower-case letters \
             and underscores only"
        ));
    }
    let words = Basis::ALL.map(Basis::as_str).join(", ");
    let basis = Basis::ALL.into_iter().find(|known| known.as_str() == basis).ok_or_else(|| {
        format!("cơ sở pháp lý {basis:?} không có (dùng: {words}) / unknown basis {basis:?} (use: {words})")
    })?;
    let kinds = match kinds {
        "-" | "" => Vec::new(),
        kinds => kinds.split('|').map(|word| covered_kind(word.trim())).collect::<Result<_, _>>()?,
    };
    if !kinds.is_empty() && basis != Basis::Consent {
        return Err("chỉ mục đích cần đồng ý mới kê loại dữ liệu (ghi -) / only a purpose that needs consent \
                    lists kinds (write -)"
            .to_owned());
    }
    if vietnamese.is_empty() || english.is_empty() {
        return Err("thiếu mô tả tiếng Việt hoặc tiếng Anh / a description is missing".to_owned());
    }
    Ok(Purpose { code: code.to_owned(), basis, kinds, vietnamese: vietnamese.to_owned(), english: english.to_owned() })
}

/// A kind a consent purpose may cover: one the `consented_for` relationship means something
/// for.
fn covered_kind(word: &str) -> Result<Kind, String> {
    let kind: Kind = word.parse().map_err(|error: crate::vocab::UnknownName| error.to_string())?;
    if !kind.allows_relationship(Relationship::ConsentedFor) {
        return Err(format!(
            "loại \"{kind}\" không dùng được với quan hệ consented_for / the kind \"{kind}\" cannot be reached \
             under consented_for"
        ));
    }
    Ok(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<Purpose>, String> {
        parse_purposes(Path::new("purposes.csv"), text).map_err(|error| error.to_string())
    }

    #[test]
    fn the_shipped_list_reads_and_every_bad_line_is_named() {
        let shipped = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../policy/purposes.csv")).unwrap();
        let purposes = parse(&shipped).unwrap();
        let health = purposes.iter().find(|purpose| purpose.code == "school_health").unwrap();
        assert_eq!((health.basis, health.kinds.as_slice()), (Basis::Consent, &[Kind::StudentHealth][..]));
        assert!(purposes.iter().any(|purpose| purpose.basis == Basis::Task));

        let error = parse("ok, task, -, Được, Fine\nbad line\nBad, task, -, x, y").unwrap_err();
        assert!(error.contains("purposes.csv:2:") && error.contains("purposes.csv:3:"), "{error}");
        assert!(parse("a, maybe, -, x, y").unwrap_err().contains("unknown basis"));
        assert!(parse("a, task, student.health, x, y").unwrap_err().contains("only a purpose that needs consent"));
        assert!(parse("a, consent, sharing, x, y").unwrap_err().contains("consented_for"));
        assert!(parse("a, consent, helth, x, y").unwrap_err().contains("helth"));
        assert!(parse("a, task, -, x, y\na, task, -, x, y").unwrap_err().contains("again"));
        let english = parse("a, contract, -, Bán trú, Meals, and day boarding").unwrap();
        assert_eq!(english[0].english, "Meals, and day boarding");
    }
}
