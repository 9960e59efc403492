use super::tables::{self, ALL, RELATIONSHIP};
use super::{Match, folded_key, markdown, plain_key};
use std::collections::HashMap;

#[test]
fn every_documented_word_maps_to_its_value_and_canonical_tokens_match_silently() {
    for table in ALL {
        for entry in table.entries {
            assert_eq!(table.lookup(entry.canonical), Some(Match::Canonical(entry.canonical)), "{}", table.field);
            for word in entry.words {
                assert_eq!(table.lookup(word), Some(Match::Mapped(entry.canonical)), "{word} in {}", table.field);
            }
        }
    }
}

#[test]
fn no_word_is_written_the_same_way_for_two_values() {
    for table in ALL {
        let mut owner: HashMap<String, &str> = HashMap::new();
        for entry in table.entries {
            for word in std::iter::once(entry.canonical).chain(entry.words.iter().copied()) {
                let previous = owner.insert(plain_key(word), entry.canonical);
                assert!(previous.is_none_or(|value| value == entry.canonical), "{word} in {}", table.field);
            }
        }
    }
}

#[test]
fn case_diacritics_spaces_underscores_and_hyphens_are_ignored() {
    let table = &RELATIONSHIP;
    for (written, canonical) in [
        ("MÁ", "mother"),
        ("ma", "mother"),
        ("bam", "mother"),
        ("nguoi giam ho", "guardian"),
        ("NGƯỜI_GIÁM-HỘ", "guardian"),
        ("ong noi", "guardian"),
        ("Father", "father"),
        ("tia", "father"),
    ] {
        assert_eq!(table.lookup(written), Some(Match::Mapped(canonical)), "{written}");
    }
    let status = &tables::EMPLOYMENT_STATUS;
    assert_eq!(status.lookup("dang lam viec"), Some(Match::Mapped("active")));
    assert_eq!(status.lookup("On Leave"), Some(Match::Mapped("on_leave")));
    assert_eq!(tables::ASSESSMENT_MODE.lookup("DIEM"), Some(Match::Mapped("scored")));
    assert_eq!(tables::ASSESSMENT_MODE.lookup("Nhan xet"), Some(Match::Mapped("comment")));
    assert_eq!(tables::SCHOOL_LEVEL.lookup("tiểu học"), Some(Match::Mapped("TH")));
    assert_eq!(tables::COMMENT_RESULT.lookup("chua dat"), Some(Match::Mapped("Chưa đạt")));
}

#[test]
fn a_folded_form_shared_by_two_values_matches_only_as_written() {
    // `Ba` is a southern father, `Bà` a grandmother: with diacritics they differ.
    assert_eq!(RELATIONSHIP.lookup("ba"), Some(Match::Mapped("father")));
    assert_eq!(RELATIONSHIP.lookup("BÀ"), Some(Match::Mapped("guardian")));
    assert_eq!(RELATIONSHIP.lookup("Bá"), None, "folds to ba, which is both");
    assert_eq!(folded_key("Bà"), folded_key("Ba"));
}

#[test]
fn an_unknown_word_matches_nothing_and_the_accepted_words_are_listed() {
    assert_eq!(RELATIONSHIP.lookup("hàng xóm"), None);
    assert_eq!(RELATIONSHIP.lookup(""), None);
    let accepted = RELATIONSHIP.accepted();
    assert_eq!(&accepted[..3], ["father", "mother", "guardian"]);
    for word in ["Bố", "Má", "Người giám hộ", "Thím"] {
        assert!(accepted.contains(&word), "{word}");
    }
}

#[test]
fn the_readme_table_is_the_module_table() {
    let readme = include_str!("../../../README.md");
    assert!(readme.contains(&markdown()), "README's synonym table differs; it should read:\n{}", markdown());
}

#[test]
fn a_school_name_states_its_level_when_it_states_one() {
    assert_eq!(tables::school_level_in_name("Trường Tiểu học Kim Đồng"), Some("TH"));
    assert_eq!(tables::school_level_in_name("TRUONG TIEU HOC KIM DONG"), Some("TH"));
    assert_eq!(tables::school_level_in_name("Trường TH Nguyễn Huệ"), Some("TH"));
    assert_eq!(tables::school_level_in_name("Trường THCS Lê Lợi"), Some("THCS"));
    assert_eq!(tables::school_level_in_name("Trường Trung học phổ thông Lê Quý Đôn"), Some("THPT"));
    assert_eq!(tables::school_level_in_name("Trường TH và THCS Hòa Bình"), None, "two levels");
    assert_eq!(tables::school_level_in_name("Trường Lê Lợi"), None);
}
