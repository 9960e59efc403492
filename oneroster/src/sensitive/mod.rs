//! The sensitive values EMIS keeps — identity number, address, phone, e-mail, birth date,
//! ethnicity, religion, health — with the file and column EMIS reads each from, and the
//! recognition of a header naming one of them however a school writes it: any case, with or
//! without the `metadata.vn.` or `metadata.` prefix, with or without Vietnamese diacritics,
//! in the words schools use (`Dân tộc`, `metadata.vn.danToc`, `CCCD`, `ngày sinh`…).
//!
//! A column recognised here that its file does not read is never skipped as an unknown
//! column: a value in it is an error at its cell, an empty one a warning ([`stray`]).

mod stray;

pub(crate) use stray::Strays;

use crate::files::FileKind;
use crate::vocabulary::folded_key;
use std::fmt::Write as _;

/// A sensitive value EMIS keeps, and where a package gives it.
#[derive(Debug, PartialEq, Eq)]
pub struct Sensitive {
    /// What it is, in Vietnamese and in English.
    pub vietnamese: &'static str,
    pub english: &'static str,
    /// The files and columns EMIS reads it from, its usual place first.
    pub places: &'static [(FileKind, &'static str)],
    /// The header names recognised as this value besides its columns' own (compared folded:
    /// case, spaces, underscores, hyphens, dots and diacritics aside). A name of five letters
    /// or more is recognised inside a longer header too (`parentPhone`, `hs_dan_toc`), a
    /// shorter one as a word of it (`CCCD_HS`, `SĐT mẹ`).
    pub words: &'static [&'static str],
}

/// Every sensitive value EMIS keeps.
pub const ALL: [Sensitive; 8] = [
    Sensitive {
        vietnamese: "số định danh cá nhân",
        english: "national identity number",
        places: &[(FileKind::Users, "metadata.vn.nationalId")],
        words: &[
            "nationalIdNumber",
            "national identity number",
            "citizenId",
            "citizen identity",
            "personalIdNumber",
            "identityNumber",
            "identityNo",
            "idCard",
            "identity card",
            "CCCD",
            "số CCCD",
            "CMND",
            "số CMND",
            "căn cước",
            "căn cước công dân",
            "chứng minh nhân dân",
            "số định danh",
            "mã định danh",
            "định danh cá nhân",
        ],
    },
    Sensitive {
        vietnamese: "địa chỉ",
        english: "address",
        places: &[(FileKind::Users, "metadata.vn.address")],
        words: &[
            "home address",
            "street address",
            "địa chỉ",
            "địa chỉ nhà",
            "thường trú",
            "tạm trú",
            "nơi ở",
            "chỗ ở",
            "hộ khẩu",
        ],
    },
    Sensitive {
        vietnamese: "số điện thoại",
        english: "phone",
        places: &[(FileKind::Users, "phone")],
        words: &[
            "phone number",
            "telephone",
            "tel",
            "mobile",
            "cell phone",
            "số điện thoại",
            "điện thoại",
            "SĐT",
            "di động",
        ],
    },
    Sensitive {
        vietnamese: "thư điện tử",
        english: "e-mail",
        places: &[(FileKind::Users, "email")],
        words: &["e-mail", "email address", "mail", "thư điện tử", "địa chỉ email", "địa chỉ thư điện tử", "hộp thư"],
    },
    Sensitive {
        vietnamese: "ngày sinh",
        english: "birth date",
        places: &[(FileKind::Demographics, "birthDate")],
        words: &["date of birth", "birthday", "DOB", "ngày sinh", "ngày tháng năm sinh", "sinh ngày", "năm sinh"],
    },
    Sensitive {
        vietnamese: "dân tộc",
        english: "ethnicity",
        places: &[(FileKind::Demographics, "metadata.vn.ethnicity"), (FileKind::Users, "metadata.vn.ethnicity")],
        words: &["ethnic", "ethnic group", "race", "dân tộc", "sắc tộc"],
    },
    Sensitive {
        vietnamese: "tôn giáo",
        english: "religion",
        places: &[(FileKind::Demographics, "metadata.vn.religion"), (FileKind::Users, "metadata.vn.religion")],
        words: &["faith", "tôn giáo", "tín ngưỡng"],
    },
    Sensitive {
        vietnamese: "sức khỏe",
        english: "health",
        places: &[(FileKind::Demographics, "metadata.vn.health"), (FileKind::Users, "metadata.vn.health")],
        words: &[
            "health notes",
            "medical",
            "medical notes",
            "allergy",
            "allergies",
            "disability",
            "sức khỏe",
            "sức khoẻ",
            "tình trạng sức khỏe",
            "dị ứng",
            "khuyết tật",
            "bệnh",
        ],
    },
];

/// The specification's columns of sensitive values EMIS does not keep: the United States'
/// race and ethnicity flags (racial or ethnic origin is sensitive data under Law 91/2025). A
/// value in one is reported once per column (how many were not kept), never dropped
/// quietly.
pub const NOT_KEPT: [(FileKind, &str); 7] = [
    (FileKind::Demographics, "americanIndianOrAlaskaNative"),
    (FileKind::Demographics, "asian"),
    (FileKind::Demographics, "blackOrAfricanAmerican"),
    (FileKind::Demographics, "nativeHawaiianOrOtherPacificIslander"),
    (FileKind::Demographics, "white"),
    (FileKind::Demographics, "demographicRaceTwoOrMoreRaces"),
    (FileKind::Demographics, "hispanicOrLatinoEthnicity"),
];

/// The shortest folded word recognised inside a longer header.
const INSIDE: usize = 5;

/// A header name folded for comparison: [`folded_key`] without dots and without a leading
/// `metadata.` or `metadata.vn.` (`metadata.vn.Dân_tộc` → `dantoc`).
pub fn header_key(header: &str) -> String {
    let key: String = folded_key(header).chars().filter(|c| *c != '.').collect();
    match key.strip_prefix("metadata") {
        Some(rest) => rest.strip_prefix("vn").unwrap_or(rest).to_owned(),
        None => key,
    }
}

impl Sensitive {
    /// Every name of this value: its columns' and its other words.
    fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.places.iter().map(|(_, column)| *column).chain(self.words.iter().copied())
    }

    /// Where EMIS reads it, in Vietnamese: `demographics.csv cột metadata.vn.ethnicity`.
    pub fn places_vietnamese(&self) -> String {
        self.places_in("cột", "hoặc")
    }

    /// Where EMIS reads it, in English: `demographics.csv column metadata.vn.ethnicity`.
    pub fn places_english(&self) -> String {
        self.places_in("column", "or")
    }

    fn places_in(&self, column: &str, or: &str) -> String {
        let places: Vec<String> =
            self.places.iter().map(|(file, name)| format!("{} {column} {name}", file.file_name())).collect();
        places.join(&format!(" {or} "))
    }
}

/// The sensitive value a header names, if it names one: the one with a name equal to the
/// whole header, else the one with the longest name of [`INSIDE`] letters or more inside it,
/// else one with a shorter name equal to a word of the header.
pub fn recognise(header: &str) -> Option<&'static Sensitive> {
    let key = header_key(header);
    if key.is_empty() {
        return None;
    }
    let names = || ALL.iter().flat_map(|sensitive| sensitive.names().map(move |name| (sensitive, header_key(name))));
    let long = |name: &String| name.chars().count() >= INSIDE;
    let words: Vec<String> =
        header.split(|c: char| c.is_whitespace() || matches!(c, '_' | '-' | '.')).map(header_key).collect();
    names()
        .find(|(_, name)| *name == key)
        .or_else(|| {
            names().filter(|(_, name)| long(name) && key.contains(name.as_str())).max_by_key(|(_, name)| name.len())
        })
        .or_else(|| names().find(|(_, name)| !long(name) && words.contains(name)))
        .map(|(sensitive, _)| sensitive)
}

/// The README's table of sensitive values, generated from [`ALL`] (a test keeps them equal).
pub fn markdown() -> String {
    let mut out = String::from("| sensitive value | read from | also recognised as |\n|---|---|---|\n");
    for sensitive in &ALL {
        let places: Vec<String> =
            sensitive.places.iter().map(|(file, column)| format!("`{}` `{column}`", file.file_name())).collect();
        let words: Vec<String> = sensitive.words.iter().map(|word| format!("`{word}`")).collect();
        let _ = writeln!(out, "| {} | {} | {} |", sensitive.english, places.join(", "), words.join(", "));
    }
    out
}

#[cfg(test)]
mod tests;
