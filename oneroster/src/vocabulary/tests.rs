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
fn a_primary_level_is_read_from_its_letter_its_name_or_english() {
    let table = &tables::PRIMARY_SUBJECT_LEVEL;
    assert_eq!(table.lookup("T"), Some(Match::Canonical("T")));
    assert_eq!(table.lookup(" H "), Some(Match::Canonical("H")));
    for (written, canonical) in [
        ("t", "T"),
        ("Hoàn thành tốt", "T"),
        ("hoan thanh tot", "T"),
        ("HOÀN THÀNH TỐT", "T"),
        ("HTT", "T"),
        ("htt", "T"),
        ("completed well", "T"),
        ("Completed-Well", "T"),
        ("h", "H"),
        ("Hoàn thành", "H"),
        ("hoan thanh", "H"),
        ("HT", "H"),
        ("completed", "H"),
        ("c", "C"),
        ("Chưa hoàn thành", "C"),
        ("chua hoan thanh", "C"),
        ("CHT", "C"),
        ("not completed", "C"),
        ("Not Completed", "C"),
    ] {
        assert_eq!(table.lookup(written), Some(Match::Mapped(canonical)), "{written}");
    }
    for unknown in ["X", "Tốt", "Đạt", "hoàn thành xuất sắc", "10", ""] {
        assert_eq!(table.lookup(unknown), None, "{unknown}");
    }
    assert_eq!(&table.accepted()[..3], ["T", "H", "C"]);
}

#[test]
fn a_primary_checkpoint_is_read_from_its_vietnamese_name() {
    let table = &tables::PRIMARY_CHECKPOINT;
    assert_eq!(table.lookup("end_year"), Some(Match::Canonical("end_year")));
    for (written, canonical) in [
        ("giua hoc ky I", "mid_1"),
        ("Cuối học kì I", "end_1"),
        ("GIỮA HỌC KỲ II", "mid_2"),
        ("cuoi nam", "end_year"),
        ("End of year", "end_year"),
    ] {
        assert_eq!(table.lookup(written), Some(Match::Mapped(canonical)), "{written}");
    }
    assert_eq!(table.lookup("học kỳ III"), None);
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
