//! Circular 27/2020 (primary): the checkpoints of the summary book, which subjects have a
//! periodic test at which checkpoint, the score of a retaken test, the year result from the
//! subject levels, the qualities and competencies and the end-of-year tests, grade and
//! programme completion, and the awards.

/// The four checkpoints of the primary summary book.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Checkpoint {
    MidSemesterOne,
    EndSemesterOne,
    MidSemesterTwo,
    EndOfYear,
}

/// A subject's level at a checkpoint: Chưa hoàn thành (C) < Hoàn thành (H) < Hoàn thành tốt (T).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SubjectLevel {
    C,
    H,
    T,
}

/// A quality's or competency's rating: Cần cố gắng < Đạt < Tốt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rating {
    CanCoGang,
    Dat,
    Tot,
}

impl Rating {
    /// The rating's name in the book.
    pub fn vietnamese(self) -> &'static str {
        match self {
            Self::CanCoGang => "Cần cố gắng",
            Self::Dat => "Đạt",
            Self::Tot => "Tốt",
        }
    }
}

/// The five qualities (phẩm chất).
pub const QUALITIES: [&str; 5] = ["Yêu nước", "Nhân ái", "Chăm chỉ", "Trung thực", "Trách nhiệm"];

/// The competencies (năng lực): three general, then seven specific.
pub const COMPETENCIES: [&str; 10] = [
    "Tự chủ và tự học",
    "Giao tiếp và hợp tác",
    "Giải quyết vấn đề và sáng tạo",
    "Ngôn ngữ",
    "Tính toán",
    "Khoa học",
    "Công nghệ",
    "Tin học",
    "Thẩm mĩ",
    "Thể chất",
];

/// The subjects with periodic tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TestedSubject {
    TiengViet,
    Toan,
    NgoaiNgu1,
    LichSuDiaLi,
    TinHocCongNghe,
    KhoaHoc,
}

/// Whether `subject` has a periodic test at `checkpoint` in `grade`: every tested subject at
/// the end of semester I and of the year; in grades 4 and 5 Tiếng Việt and Toán at the two
/// mid-semesters too.
pub fn has_periodic_test(subject: TestedSubject, grade: u8, checkpoint: Checkpoint) -> bool {
    match checkpoint {
        Checkpoint::EndSemesterOne | Checkpoint::EndOfYear => true,
        Checkpoint::MidSemesterOne | Checkpoint::MidSemesterTwo => {
            matches!(grade, 4 | 5) && matches!(subject, TestedSubject::TiengViet | TestedSubject::Toan)
        }
    }
}

/// The score of a periodic test taken `attempts` times (whole numbers 0–10, in the order
/// taken): the last one counts.
pub fn test_score(attempts: &[u8]) -> Option<u8> {
    attempts.last().copied()
}

/// The year result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum YearResult {
    ChuaHoanThanh,
    HoanThanh,
    HoanThanhTot,
    HoanThanhXuatSac,
}

impl YearResult {
    /// The result's name in the book.
    pub fn vietnamese(self) -> &'static str {
        match self {
            Self::ChuaHoanThanh => "Chưa hoàn thành",
            Self::HoanThanh => "Hoàn thành",
            Self::HoanThanhTot => "Hoàn thành tốt",
            Self::HoanThanhXuatSac => "Hoàn thành xuất sắc",
        }
    }
}

/// What the year result is worked out from, at the end of the year.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct YearRecord {
    /// Every subject's level.
    pub subjects: Vec<SubjectLevel>,
    /// Every quality's and competency's rating.
    pub ratings: Vec<Rating>,
    /// The end-of-year periodic test scores (after retakes).
    pub tests: Vec<u8>,
}

/// The year result: Hoàn thành xuất sắc — every subject T, every quality and competency Tốt,
/// every end-of-year test ≥ 9; Hoàn thành tốt — the same with tests ≥ 7; Hoàn thành — every
/// subject T or H, every quality and competency Tốt or Đạt, every test ≥ 5; else Chưa hoàn
/// thành.
pub fn year_result(record: &YearRecord) -> YearResult {
    let subjects_at = |level: SubjectLevel| record.subjects.iter().all(|&subject| subject >= level);
    let ratings_at = |rating: Rating| record.ratings.iter().all(|&given| given >= rating);
    let tests_at = |score: u8| record.tests.iter().all(|&test| test >= score);
    let top = subjects_at(SubjectLevel::T) && ratings_at(Rating::Tot);
    if top && tests_at(9) {
        YearResult::HoanThanhXuatSac
    } else if top && tests_at(7) {
        YearResult::HoanThanhTot
    } else if subjects_at(SubjectLevel::H) && ratings_at(Rating::Dat) && tests_at(5) {
        YearResult::HoanThanh
    } else {
        YearResult::ChuaHoanThanh
    }
}

/// Whether a student with `result` completes the grade.
pub fn completes_grade(result: YearResult) -> bool {
    result >= YearResult::HoanThanh
}

/// Whether a student of `grade` with `result` completes the primary programme (grade 5).
pub fn completes_primary(grade: u8, result: YearResult) -> bool {
    grade == 5 && completes_grade(result)
}

/// A primary award.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Award {
    /// Học sinh Xuất sắc: Hoàn thành xuất sắc.
    XuatSac,
    /// Học sinh Tiêu biểu: Hoàn thành tốt and nominated by the class for an outstanding
    /// subject or clear progress.
    TieuBieu,
}

impl Award {
    /// The award's name in the book.
    pub fn vietnamese(self) -> &'static str {
        match self {
            Self::XuatSac => "Học sinh Xuất sắc",
            Self::TieuBieu => "Học sinh Tiêu biểu",
        }
    }
}

/// Why the class nominates a student for Học sinh Tiêu biểu.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ground {
    /// An outstanding subject (môn học nổi bật).
    OutstandingSubject,
    /// Clear progress over the year (tiến bộ rõ rệt).
    ClearProgress,
}

impl Ground {
    /// The ground's name in the book.
    pub fn vietnamese(self) -> &'static str {
        match self {
            Self::OutstandingSubject => "Môn học nổi bật",
            Self::ClearProgress => "Tiến bộ rõ rệt",
        }
    }
}

/// The award of a year with `result`, `nominated` when a nomination of the class stands:
/// Học sinh Xuất sắc for Hoàn thành xuất sắc (nominated or not); Học sinh Tiêu biểu for
/// Hoàn thành tốt with the nomination; none otherwise.
pub fn award(result: YearResult, nominated: bool) -> Option<Award> {
    match result {
        YearResult::HoanThanhXuatSac => Some(Award::XuatSac),
        YearResult::HoanThanhTot if nominated => Some(Award::TieuBieu),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::Checkpoint::{EndOfYear, EndSemesterOne, MidSemesterOne, MidSemesterTwo};
    use super::SubjectLevel::{C, H, T};
    use super::*;

    fn record(subjects: &[SubjectLevel], ratings: &[Rating], tests: &[u8]) -> YearRecord {
        YearRecord { subjects: subjects.to_vec(), ratings: ratings.to_vec(), tests: tests.to_vec() }
    }

    #[test]
    fn tests_fall_at_the_end_of_semester_i_and_the_year_and_mid_semester_in_grades_4_and_5() {
        for subject in [TestedSubject::NgoaiNgu1, TestedSubject::KhoaHoc] {
            assert!(has_periodic_test(subject, 4, EndSemesterOne) && has_periodic_test(subject, 4, EndOfYear));
            assert!(!has_periodic_test(subject, 5, MidSemesterOne));
        }
        assert!(has_periodic_test(TestedSubject::Toan, 4, MidSemesterOne));
        assert!(has_periodic_test(TestedSubject::TiengViet, 5, MidSemesterTwo));
        assert!(!has_periodic_test(TestedSubject::Toan, 3, MidSemesterOne), "grade 3 has no mid-semester test");
    }

    #[test]
    fn a_retaken_test_counts_its_last_score() {
        assert_eq!(test_score(&[4, 6]), Some(6));
        assert_eq!(test_score(&[8]), Some(8));
        assert_eq!(test_score(&[]), None);
    }

    #[test]
    fn the_year_result_follows_the_levels_ratings_and_tests() {
        let all_tot = [Rating::Tot; 15];
        assert_eq!(year_result(&record(&[T; 9], &all_tot, &[9, 10, 9])), YearResult::HoanThanhXuatSac);
        assert_eq!(year_result(&record(&[T; 9], &all_tot, &[9, 8, 10])), YearResult::HoanThanhTot, "a test at 8");
        assert_eq!(year_result(&record(&[T; 9], &all_tot, &[7, 7, 7])), YearResult::HoanThanhTot);
        let one_dat = [[Rating::Tot; 14].as_slice(), &[Rating::Dat]].concat();
        assert_eq!(year_result(&record(&[T; 9], &one_dat, &[10, 10])), YearResult::HoanThanh, "one rating Đạt");
        let one_h = [[T; 8].as_slice(), &[H]].concat();
        assert_eq!(year_result(&record(&one_h, &all_tot, &[10, 10])), YearResult::HoanThanh, "one subject H");
        assert_eq!(year_result(&record(&[T; 9], &all_tot, &[6, 10])), YearResult::HoanThanh, "a test at 6");
        assert_eq!(year_result(&record(&[H; 9], &[Rating::Dat; 15], &[5, 5])), YearResult::HoanThanh);
        assert_eq!(year_result(&record(&[H; 9], &[Rating::Dat; 15], &[4, 9])), YearResult::ChuaHoanThanh);
        let one_c = [[H; 8].as_slice(), &[C]].concat();
        assert_eq!(year_result(&record(&one_c, &all_tot, &[10])), YearResult::ChuaHoanThanh);
        let one_effort = [[Rating::Tot; 14].as_slice(), &[Rating::CanCoGang]].concat();
        assert_eq!(year_result(&record(&[T; 9], &one_effort, &[10])), YearResult::ChuaHoanThanh);
    }

    #[test]
    fn completion_and_awards_follow_the_year_result() {
        assert!(completes_grade(YearResult::HoanThanh) && !completes_grade(YearResult::ChuaHoanThanh));
        assert!(completes_primary(5, YearResult::HoanThanhTot));
        assert!(
            !completes_primary(4, YearResult::HoanThanhXuatSac) && !completes_primary(5, YearResult::ChuaHoanThanh)
        );
        assert_eq!(award(YearResult::HoanThanhXuatSac, false), Some(Award::XuatSac));
        assert_eq!(award(YearResult::HoanThanhTot, true), Some(Award::TieuBieu));
        assert_eq!(award(YearResult::HoanThanhTot, false), None, "Tiêu biểu needs the class's nomination");
        assert_eq!(award(YearResult::HoanThanh, true), None);
    }

    #[test]
    fn tieu_bieu_goes_to_a_nominated_student_who_completed_the_year_well_and_no_one_else() {
        assert_eq!(award(YearResult::HoanThanhTot, true), Some(Award::TieuBieu), "nominated, Hoàn thành tốt");
        assert_eq!(award(YearResult::HoanThanh, true), None, "nominated, only Hoàn thành");
        assert_eq!(award(YearResult::ChuaHoanThanh, true), None, "nominated, not completed");
        assert_eq!(award(YearResult::HoanThanhXuatSac, true), Some(Award::XuatSac), "Xuất sắc, not Tiêu biểu");
        assert_eq!(award(YearResult::HoanThanhTot, false), None, "Hoàn thành tốt without a nomination");
        assert_eq!(Award::TieuBieu.vietnamese(), "Học sinh Tiêu biểu");
        assert_eq!(Ground::ClearProgress.vietnamese(), "Tiến bộ rõ rệt");
    }

    #[test]
    fn the_book_lists_five_qualities_and_ten_competencies() {
        assert_eq!((QUALITIES.len(), COMPETENCIES.len()), (5, 10));
        assert_eq!(YearResult::HoanThanhXuatSac.vietnamese(), "Hoàn thành xuất sắc");
    }
}
