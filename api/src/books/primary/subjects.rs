//! The book's subjects as the subject teacher rates them: the levels T/H/C, and which
//! subjects have a periodic test at which checkpoint.

use emis_oneroster::vocabulary::subjects::identify;
use emis_rules::primary::{self as rules, Checkpoint, SubjectLevel, TestedSubject};

/// The subject with periodic tests that subject `code` is, if any: the code is identified
/// through the Ministry's subject list, so `TOAN`, `Toán` and `toan` are one subject.
fn tested(code: &str) -> Option<TestedSubject> {
    Some(match identify(code)?.code {
        "tieng_viet" => TestedSubject::TiengViet,
        "toan" => TestedSubject::Toan,
        "tieng_anh" | "ngoai_ngu" => TestedSubject::NgoaiNgu1,
        "lsdl" => TestedSubject::LichSuDiaLi,
        "tin_hoc" | "cong_nghe" | "tin_hoc_cong_nghe" => TestedSubject::TinHocCongNghe,
        "khoa_hoc" => TestedSubject::KhoaHoc,
        _ => return None,
    })
}

/// Whether the subject `code` has a periodic test at `checkpoint` in `grade`.
pub fn has_test(code: &str, grade: u8, checkpoint: Checkpoint) -> bool {
    tested(code).is_some_and(|tested| rules::has_periodic_test(tested, grade, checkpoint))
}

/// The subject level coded `code`.
pub(super) fn subject_level(code: &str) -> Option<SubjectLevel> {
    Some(match code {
        "T" => SubjectLevel::T,
        "H" => SubjectLevel::H,
        "C" => SubjectLevel::C,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::{Checkpoint, has_test};

    #[test]
    fn a_subject_has_its_periodic_tests_however_its_code_is_spelled() {
        for code in ["khoa_hoc", "KHOAHOC", "Khoa học", "KH"] {
            assert!(has_test(code, 4, Checkpoint::EndOfYear), "{code}");
        }
        for code in ["toan", "TOAN", "Toán"] {
            assert!(has_test(code, 5, Checkpoint::MidSemesterTwo), "{code}");
            assert!(!has_test(code, 3, Checkpoint::MidSemesterTwo), "{code}");
        }
        assert!(!has_test("dao_duc", 4, Checkpoint::EndOfYear));
        assert!(!has_test("Vẽ", 4, Checkpoint::EndOfYear));
    }
}
