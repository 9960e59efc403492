//! Name text for search and sorting: [`fold`] (lower case, no Vietnamese diacritics, single
//! spaces), [`sort_name`] (given name first, as Vietnamese rosters are read),
//! [`split_full_name`], and [`contains`], the SQL condition a name search is.

use sea_orm::DatabaseBackend;
use sea_orm::sea_query::{Alias, ExprTrait as _, Func, IntoColumnRef, SimpleExpr};
use unicode_normalization::UnicodeNormalization as _;
use unicode_normalization::char::is_combining_mark;

/// Lower-cases `s`, removes diacritics (NFD, combining marks dropped, `đ`/`Đ` → `d`),
/// collapses runs of whitespace to one space and trims.
///
/// `"Nguyễn Thị Ánh Tuyết"` folds to `"nguyen thi anh tuyet"`.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// `column` (a folded name) contains `folded` as a plain substring: `strpos` on PostgreSQL,
/// `instr` on SQLite. Unlike `LIKE`, no character of the search is a pattern, so nothing
/// needs escaping (and the database does less per row).
pub fn contains(backend: DatabaseBackend, column: impl IntoColumnRef, folded: String) -> SimpleExpr {
    let function = match backend {
        DatabaseBackend::Postgres => "strpos",
        _ => "instr",
    };
    Func::cust(Alias::new(function)).arg(sea_orm::sea_query::Expr::col(column)).arg(folded).gt(0)
}

/// The key rosters sort by: folded given name, a space, folded family (and middle) name.
pub fn sort_name(family_name: &str, given_name: &str) -> String {
    let given = fold(given_name);
    let family = fold(family_name);
    match (given.is_empty(), family.is_empty()) {
        (_, true) => given,
        (true, false) => family,
        (false, false) => format!("{given} {family}"),
    }
}

/// Splits a full name into (family and middle names, given name): the given name is the last
/// word. Whitespace is normalised; a one-word name is all given name.
pub fn split_full_name(full: &str) -> (String, String) {
    let mut words: Vec<&str> = full.split_whitespace().collect();
    let given = words.pop().unwrap_or_default().to_owned();
    (words.join(" "), given)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_removes_vietnamese_diacritics_and_lowers_case() {
        assert_eq!(fold("Nguyễn Thị Ánh Tuyết"), "nguyen thi anh tuyet");
        assert_eq!(fold("Đặng Văn Đức"), "dang van duc");
        assert_eq!(fold("ĐỖ QUỲNH HƯƠNG"), "do quynh huong");
    }

    #[test]
    fn folding_collapses_and_trims_whitespace() {
        assert_eq!(fold("  Lê \t Ngọc\n\nHân  "), "le ngoc han");
        assert_eq!(fold("   "), "");
    }

    #[test]
    fn folding_also_handles_precomposed_and_decomposed_input() {
        let decomposed: String = "Tuyết".nfd().collect();
        assert_eq!(fold(&decomposed), fold("Tuyết"));
    }

    #[test]
    fn a_folded_search_term_matches_by_contains() {
        let stored = fold("Nguyễn Thị Ánh Tuyết");
        assert!(stored.contains(&fold("tuyet")));
        assert!(stored.contains(&fold("Ánh Tuyết")));
        assert!(!stored.contains(&fold("tuyen")));
    }

    #[test]
    fn the_sort_name_puts_the_given_name_first() {
        assert_eq!(sort_name("Nguyễn Thị Ánh", "Tuyết"), "tuyet nguyen thi anh");
        assert!(sort_name("Trần Văn", "An") < sort_name("Lê Thị", "Bình"));
        assert_eq!(sort_name("", "An"), "an");
    }

    #[test]
    fn the_last_word_is_the_given_name() {
        assert_eq!(split_full_name(" Nguyễn  Thị Ánh Tuyết "), ("Nguyễn Thị Ánh".to_owned(), "Tuyết".to_owned()));
        assert_eq!(split_full_name("Tuyết"), (String::new(), "Tuyết".to_owned()));
        assert_eq!(split_full_name(""), (String::new(), String::new()));
    }
}
