//! Circular 22/2021 (lower and upper secondary): the semester and year averages of a scored
//! subject, the result of a comment-only subject, the learning result with its one-subject
//! adjustment, year conduct from the two semesters, promotion and the awards.
//!
//! Scores are in tenths (7.5 is 75), as the grade book stores them.

use crate::rounding::half_up;

/// The choices the circular leaves to practice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Regular assessments per semester of a comment-only subject.
    pub comment_regular_assessments: u8,
}

impl Default for Settings {
    fn default() -> Self {
        Self { comment_regular_assessments: 2 }
    }
}

/// One required assessment of one student in a semester, as the semester stands
/// (Circular 22 art. 6–7): a column counts once it has been held; a student without a result
/// in a held column owes a make-up until the book is locked or the teacher records that there
/// is none, and from then on the assessment counts as 0 (Chưa đạt).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Assessment<T> {
    /// The student's result.
    Taken(T),
    /// Held, no result yet: a make-up is owed.
    Owed,
    /// Held, no result and no make-up any more: counts as 0 (Chưa đạt).
    Forfeited,
    /// Not held yet: counts for no one and leaves no one anything to make up.
    NotHeld,
    /// The student is excused from this one assessment (an exempt result): it counts for
    /// them neither way, and their result is taken over the others.
    Excused,
}

/// A semester's result as it stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome<T> {
    /// Every column is held and every assessment taken or forfeited.
    Done(T),
    /// A make-up is owed: no result until it is taken or forfeited.
    Pending,
    /// A column is not held yet: no result.
    NotYet,
}

impl<T> Outcome<T> {
    /// The result, once there is one.
    pub fn done(self) -> Option<T> {
        match self {
            Self::Done(value) => Some(value),
            Self::Pending | Self::NotYet => None,
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Outcome<U> {
        match self {
            Self::Done(value) => Outcome::Done(f(value)),
            Self::Pending => Outcome::Pending,
            Self::NotYet => Outcome::NotYet,
        }
    }
}

/// The values of `assessments` with a forfeited one as `fail` and an excused one as `None`:
/// pending while one is owed, not yet while one is not held or every one is excused.
fn counted<T: Copy>(assessments: &[Assessment<T>], fail: T) -> Outcome<Vec<Option<T>>> {
    if assessments.iter().any(|assessment| matches!(assessment, Assessment::Owed)) {
        return Outcome::Pending;
    }
    let values: Option<Vec<Option<T>>> = assessments
        .iter()
        .map(|assessment| match assessment {
            Assessment::Taken(value) => Some(Some(*value)),
            Assessment::Forfeited => Some(Some(fail)),
            Assessment::Excused => Some(None),
            Assessment::Owed | Assessment::NotHeld => None,
        })
        .collect();
    match values {
        Some(values) if values.iter().any(Option::is_some) => Outcome::Done(values),
        _ => Outcome::NotYet,
    }
}

/// Most sessions a student may miss in a year and still be promoted.
pub const MAX_ABSENT_SESSIONS: u16 = 45;

/// Regular assessments per semester of a scored subject with `periods_per_year` periods:
/// up to 35 periods 2, 36–70 periods 3, more 4.
pub fn regular_assessments(periods_per_year: u16) -> u8 {
    match periods_per_year {
        0..=35 => 2,
        36..=70 => 3,
        _ => 4,
    }
}

/// A semester's assessments of a scored subject, in tenths: one per regular column the
/// section has (its configured number, whoever took them), the mid-term and the end-of-term.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SemesterScores {
    pub regular: Vec<Assessment<u16>>,
    pub midterm: Assessment<u16>,
    pub final_exam: Assessment<u16>,
}

/// ĐTBmhk = (Σ regular + 2·midterm + 3·final) / (number of regular + 5), in tenths rounded
/// half up. The number of regular assessments is the section's number of columns, never how
/// many a student took; a forfeited assessment counts 0. An assessment the student is
/// excused from leaves the sum and its weight the divisor.
pub fn semester_average(scores: &SemesterScores) -> Outcome<u16> {
    let mut all = scores.regular.clone();
    all.extend([scores.midterm, scores.final_exam]);
    let weights = scores.regular.iter().map(|_| 1_u32).chain([2, 3]);
    counted(&all, 0).map(|values| {
        let (sum, divisor) = values
            .iter()
            .zip(weights)
            .filter_map(|(value, weight)| value.map(|score| (u32::from(score) * weight, weight)))
            .fold((0, 0), |(sum, divisor), (score, weight)| (sum + score, divisor + weight));
        u16::try_from(half_up(sum, divisor)).unwrap_or(u16::MAX)
    })
}

/// ĐTBmcn = (ĐTBmhk I + 2·ĐTBmhk II) / 3, in tenths rounded half up.
pub fn year_average(semester_one: u16, semester_two: u16) -> u16 {
    let average = half_up(u32::from(semester_one) + 2 * u32::from(semester_two), 3);
    u16::try_from(average).unwrap_or(u16::MAX)
}

/// A comment-only subject's semester from its assessments (one per regular column the
/// section has, the mid-term and the end-of-term): Đạt when all are Đạt, a forfeited one
/// counting Chưa đạt.
pub fn comment_semester(assessments: &[Assessment<bool>]) -> Outcome<bool> {
    counted(assessments, false).map(|passed| passed.iter().flatten().all(|passed| *passed))
}

/// A comment-only subject's year: semester II's result.
pub fn comment_year(semester_two: bool) -> bool {
    semester_two
}

/// A subject's result for a semester or the year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubjectResult {
    /// A scored subject's average, in tenths.
    Score(u16),
    /// A comment-only subject: Đạt (true) or Chưa đạt.
    Comment(bool),
}

impl SubjectResult {
    /// Below 5.0, or Chưa đạt: what a re-test is for.
    pub fn is_failing(self) -> bool {
        match self {
            Self::Score(score) => score < 50,
            Self::Comment(passed) => !passed,
        }
    }

    /// The best result of the same kind.
    fn best(self) -> Self {
        match self {
            Self::Score(_) => Self::Score(100),
            Self::Comment(_) => Self::Comment(true),
        }
    }
}

/// A level of the learning result or of conduct: Chưa đạt < Đạt < Khá < Tốt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    ChuaDat,
    Dat,
    Kha,
    Tot,
}

impl Level {
    /// The level one above (Tốt stays Tốt).
    pub fn raised(self) -> Self {
        match self {
            Self::ChuaDat => Self::Dat,
            Self::Dat => Self::Kha,
            Self::Kha | Self::Tot => Self::Tot,
        }
    }

    fn rank(self) -> u8 {
        self as u8
    }

    /// The level's name in the books.
    pub fn vietnamese(self) -> &'static str {
        match self {
            Self::ChuaDat => "Chưa đạt",
            Self::Dat => "Đạt",
            Self::Kha => "Khá",
            Self::Tot => "Tốt",
        }
    }
}

/// The learning result of a semester or the year from its subject results, with the
/// adjustment: when one single subject pulls the result two or more levels below Tốt or
/// Khá, it is raised one level.
pub fn learning_result(results: &[SubjectResult]) -> Level {
    let level = strict_learning_result(results);
    let adjusted = (0..results.len()).any(|index| {
        let mut without = results.to_vec();
        without[index] = without[index].best();
        let would_be = strict_learning_result(&without);
        would_be >= Level::Kha && would_be.rank() >= level.rank() + 2
    });
    if adjusted { level.raised() } else { level }
}

/// The learning result by the four levels' conditions alone.
fn strict_learning_result(results: &[SubjectResult]) -> Level {
    let scores: Vec<u16> = results
        .iter()
        .filter_map(|result| match result {
            SubjectResult::Score(score) => Some(*score),
            SubjectResult::Comment(_) => None,
        })
        .collect();
    let comments_failed = results.iter().filter(|result| **result == SubjectResult::Comment(false)).count();
    let at_least = |floor: u16| scores.iter().filter(|&&score| score >= floor).count();
    let all_at_least = |floor: u16| scores.iter().all(|&score| score >= floor);
    if comments_failed == 0 && all_at_least(65) && at_least(80) >= 6 {
        Level::Tot
    } else if comments_failed == 0 && all_at_least(50) && at_least(65) >= 6 {
        Level::Kha
    } else if comments_failed <= 1 && at_least(50) >= 6 && all_at_least(35) {
        Level::Dat
    } else {
        Level::ChuaDat
    }
}

/// The year's conduct from the two semesters' (set by the homeroom teacher).
pub fn year_conduct(semester_one: Level, semester_two: Level) -> Level {
    use Level::{ChuaDat, Dat, Kha, Tot};
    match (semester_two, semester_one) {
        (Tot, Tot | Kha) => Tot,
        (Kha, Tot | Kha | Dat) | (Dat, Tot) | (Tot, Dat | ChuaDat) => Kha,
        (Dat, Kha | Dat | ChuaDat) | (Kha, ChuaDat) => Dat,
        (ChuaDat, _) => ChuaDat,
    }
}

/// The year-end decision on a student.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Promotion {
    /// Goes up to the next grade.
    pub promoted: bool,
    /// More than [`MAX_ABSENT_SESSIONS`] sessions missed: stays in the grade, without
    /// re-tests or training.
    pub too_many_absences: bool,
    /// Conduct Chưa đạt: conduct training over the summer.
    pub conduct_training: bool,
    /// Learning Chưa đạt: the subjects (indexes into the year's results) to re-test, those
    /// below 5.0 or Chưa đạt.
    pub retests: Vec<usize>,
}

/// Promotion: year conduct and learning at least Đạt and at most 45 sessions absent.
pub fn promotion(conduct: Level, results: &[SubjectResult], absent_sessions: u16) -> Promotion {
    let learning = learning_result(results);
    let too_many_absences = absent_sessions > MAX_ABSENT_SESSIONS;
    let promoted = conduct >= Level::Dat && learning >= Level::Dat && !too_many_absences;
    let retests = if promoted || too_many_absences || learning >= Level::Dat {
        Vec::new()
    } else {
        results.iter().enumerate().filter(|(_, result)| result.is_failing()).map(|(index, _)| index).collect()
    };
    Promotion {
        promoted,
        too_many_absences,
        conduct_training: !promoted && !too_many_absences && conduct == Level::ChuaDat,
        retests,
    }
}

/// The year's results after re-tests: each re-tested subject's result replaced by the
/// re-test's (index into `results`, new result); the learning result is recomputed from it.
pub fn after_retests(results: &[SubjectResult], retests: &[(usize, SubjectResult)]) -> Vec<SubjectResult> {
    let mut results = results.to_vec();
    for &(index, retest) in retests {
        if let Some(result) = results.get_mut(index) {
            *result = retest;
        }
    }
    results
}

/// A year award.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Award {
    /// Học sinh Xuất sắc: conduct and learning Tốt, at least 6 subjects with ĐTBmcn ≥ 9.0.
    XuatSac,
    /// Học sinh Giỏi: conduct and learning Tốt.
    Gioi,
}

/// The award of a year with `conduct` and the year's subject results, if any.
pub fn award(conduct: Level, results: &[SubjectResult]) -> Option<Award> {
    if conduct != Level::Tot || learning_result(results) != Level::Tot {
        return None;
    }
    let excellent =
        results.iter().filter(|result| matches!(result, SubjectResult::Score(score) if *score >= 90)).count();
    Some(if excellent >= 6 { Award::XuatSac } else { Award::Gioi })
}

#[cfg(test)]
mod tests {
    use super::Level::{ChuaDat, Dat, Kha, Tot};
    use super::SubjectResult::{Comment, Score};
    use super::*;

    use super::Assessment::{Excused, Forfeited, NotHeld, Owed, Taken};

    fn scores(regular: &[u16], midterm: u16, final_exam: u16) -> SemesterScores {
        SemesterScores {
            regular: regular.iter().map(|&score| Taken(score)).collect(),
            midterm: Taken(midterm),
            final_exam: Taken(final_exam),
        }
    }

    /// Scored subjects, `count` of them at each `score`, then comment subjects `comments`.
    fn subjects(scored: &[(usize, u16)], comments: &[bool]) -> Vec<SubjectResult> {
        let mut results: Vec<SubjectResult> =
            scored.iter().flat_map(|&(count, score)| std::iter::repeat_n(Score(score), count)).collect();
        results.extend(comments.iter().map(|&passed| Comment(passed)));
        results
    }

    #[test]
    fn regular_assessments_follow_the_periods_per_year() {
        assert_eq!([35, 36, 70, 71, 105, 140].map(regular_assessments), [2, 3, 3, 4, 4, 4]);
    }

    #[test]
    fn the_semester_average_weighs_midterm_twice_and_final_three_times() {
        let average = |scores: &SemesterScores| semester_average(scores).done();
        // (80 + 70 + 90 + 2·75 + 3·85) / 8 = 645 / 8 = 80.625 tenths → 8.1
        assert_eq!(average(&scores(&[80, 70, 90], 75, 85)), Some(81));
        // 644 / 8 = 80.5 tenths: 8.05 rounds half up to 8.1; 643 / 8 to 8.0.
        assert_eq!(average(&scores(&[80, 70, 89], 75, 85)), Some(81));
        assert_eq!(average(&scores(&[80, 70, 88], 75, 85)), Some(80));
        // Two regular assessments: divisor 7. (60 + 70 + 2·50 + 3·40) / 7 = 350 / 7 = 5.0
        assert_eq!(average(&scores(&[60, 70], 50, 40)), Some(50));
        // All tens stay 10.0, all zeros 0.0.
        assert_eq!(average(&scores(&[100; 4], 100, 100)), Some(100));
        assert_eq!(average(&scores(&[0; 4], 0, 0)), Some(0));
    }

    #[test]
    fn a_missed_assessment_is_pending_until_forfeited_then_counts_zero_over_every_column() {
        // 7.4, –, 7.2, 8.1, ĐĐGgk 8.0, ĐĐGck 6.1 with the second column held.
        let with = |second| SemesterScores {
            regular: vec![Taken(74), second, Taken(72), Taken(81)],
            midterm: Taken(80),
            final_exam: Taken(61),
        };
        assert_eq!(semester_average(&with(Owed)), Outcome::Pending, "a make-up is owed: no average yet");
        // (74 + 0 + 72 + 81 + 2·80 + 3·61) / (4 + 5) = 570 / 9 = 63.3 → 6.3, never 570 / 8 = 7.1.
        assert_eq!(semester_average(&with(Forfeited)), Outcome::Done(63));
        assert_eq!(semester_average(&with(Taken(70))), Outcome::Done(71), "(570 + 70) / 9 = 71.1");
        // The second column not held yet: no result, and nothing owed.
        assert_eq!(semester_average(&with(NotHeld)), Outcome::NotYet);
        let no_final = SemesterScores { final_exam: Forfeited, ..scores(&[80, 80, 80], 80, 0) };
        // (240 + 160 + 0) / 8 = 5.0
        assert_eq!(semester_average(&no_final), Outcome::Done(50));
        let owed_and_unheld = SemesterScores { regular: vec![Taken(80), Owed, NotHeld], ..scores(&[], 80, 80) };
        assert_eq!(semester_average(&owed_and_unheld), Outcome::Pending);
        let nothing_held = SemesterScores { regular: vec![NotHeld; 3], midterm: NotHeld, final_exam: NotHeld };
        assert_eq!(semester_average(&nothing_held), Outcome::NotYet);
    }

    #[test]
    fn an_excused_assessment_leaves_the_sum_and_its_weight_the_divisor() {
        // (80 + 60 + 3·90) / (2 + 3) = 8.2 without the midterm.
        let no_midterm = SemesterScores { midterm: Excused, ..scores(&[80, 60], 0, 90) };
        assert_eq!(semester_average(&no_midterm), Outcome::Done(82));
        // (70 + 2·50 + 3·60) / (1 + 5) = 5.8 without the second regular assessment.
        let one_regular = SemesterScores { regular: vec![Taken(70), Excused], ..scores(&[], 50, 60) };
        assert_eq!(semester_average(&one_regular), Outcome::Done(58));
        // Excused does not stand in for a make-up still owed, nor for a column not held.
        let owed = SemesterScores { regular: vec![Excused, Owed], ..scores(&[], 50, 60) };
        assert_eq!(semester_average(&owed), Outcome::Pending);
        let all_excused = SemesterScores { regular: vec![Excused; 2], midterm: Excused, final_exam: Excused };
        assert_eq!(semester_average(&all_excused), Outcome::NotYet, "nothing to average");
        assert_eq!(comment_semester(&[Taken(true), Excused, Taken(true), Taken(true)]), Outcome::Done(true));
        assert_eq!(comment_semester(&[Taken(true), Excused, Forfeited, Taken(true)]), Outcome::Done(false));
    }

    #[test]
    fn the_year_average_weighs_semester_two_twice() {
        assert_eq!(year_average(65, 70), 68, "(6.5 + 14.0) / 3 = 6.83 → 6.8");
        assert_eq!(year_average(66, 70), 69, "(6.6 + 14.0) / 3 = 6.87 → 6.9");
        assert_eq!(year_average(80, 80), 80);
        assert_eq!(year_average(100, 100), 100);
    }

    #[test]
    fn a_comment_subject_passes_with_every_assessment_passed() {
        assert_eq!(comment_semester(&[Taken(true); 4]), Outcome::Done(true));
        assert_eq!(comment_semester(&[Taken(true), Taken(false), Taken(true), Taken(true)]), Outcome::Done(false));
        // Đ, Đ, Đ, –, Đ, Đ: pending while the make-up is owed, then Chưa đạt.
        let with = |fourth| [Taken(true), Taken(true), Taken(true), fourth, Taken(true), Taken(true)];
        assert_eq!(comment_semester(&with(Owed)), Outcome::Pending);
        assert_eq!(comment_semester(&with(Forfeited)), Outcome::Done(false));
        assert_eq!(comment_semester(&with(NotHeld)), Outcome::NotYet);
        assert_eq!(comment_semester(&[NotHeld; 4]), Outcome::NotYet, "nothing held: no result, not Chưa đạt");
        assert!(!comment_year(false) && comment_year(true));
    }

    #[test]
    fn tot_needs_six_subjects_at_eight_and_none_below_six_and_a_half() {
        assert_eq!(learning_result(&subjects(&[(6, 80), (2, 65)], &[true; 4])), Tot);
        assert_eq!(learning_result(&subjects(&[(5, 80), (3, 79)], &[true; 4])), Kha, "only five at 8.0");
        assert_eq!(learning_result(&subjects(&[(7, 80), (1, 64)], &[true; 4])), Kha, "one below 6.5");
    }

    #[test]
    fn kha_dat_and_chua_dat_follow_their_thresholds() {
        assert_eq!(learning_result(&subjects(&[(6, 65), (2, 50)], &[true; 4])), Kha);
        assert_eq!(learning_result(&subjects(&[(5, 65), (3, 50)], &[true; 4])), Dat, "only five at 6.5");
        assert_eq!(learning_result(&subjects(&[(6, 50), (2, 35)], &[true; 4])), Dat);
        assert_eq!(learning_result(&subjects(&[(5, 50), (3, 40)], &[true; 4])), ChuaDat, "only five at 5.0");
        // Two subjects below 3.5: no single subject to blame, no adjustment.
        assert_eq!(learning_result(&subjects(&[(6, 80), (2, 30)], &[true; 4])), ChuaDat);
        // Two comment subjects Chưa đạt.
        assert_eq!(learning_result(&subjects(&[(8, 80)], &[true, true, false, false])), ChuaDat);
    }

    #[test]
    fn one_subject_two_levels_down_raises_the_result_one_level() {
        // Tốt but for one subject at 3.0: strictly Chưa đạt (three levels down) → Đạt.
        assert_eq!(learning_result(&subjects(&[(7, 85), (1, 30)], &[true; 4])), Dat);
        // Tốt but for one subject at 4.0: strictly Đạt (two levels down) → Khá.
        assert_eq!(learning_result(&subjects(&[(7, 85), (1, 40)], &[true; 4])), Kha);
        // Tốt but for one subject at 6.0: strictly Khá, one level down: unchanged.
        assert_eq!(learning_result(&subjects(&[(7, 85), (1, 60)], &[true; 4])), Kha);
        // Tốt but for one comment subject Chưa đạt: strictly Đạt → Khá.
        assert_eq!(learning_result(&subjects(&[(8, 85)], &[true, true, true, false])), Kha);
        // Khá but for one subject at 3.0: strictly Chưa đạt (two below Khá) → Đạt.
        assert_eq!(learning_result(&subjects(&[(7, 70), (1, 30)], &[true; 4])), Dat);
        // Đạt but for one subject: the adjustment only counts from Tốt or Khá.
        assert_eq!(learning_result(&subjects(&[(6, 55), (1, 30)], &[true; 4])), ChuaDat);
    }

    #[test]
    fn exactly_six_subjects_at_a_threshold_is_enough() {
        assert_eq!(learning_result(&subjects(&[(6, 80)], &[])), Tot);
        assert_eq!(learning_result(&subjects(&[(5, 80)], &[])), ChuaDat, "five scored subjects reach no level");
    }

    #[test]
    fn year_conduct_follows_the_table_of_the_two_semesters() {
        // (semester I, semester II, year), all sixteen pairs.
        let table = [
            (Tot, Tot, Tot),
            (Kha, Tot, Tot),
            (Dat, Tot, Kha),
            (ChuaDat, Tot, Kha),
            (Tot, Kha, Kha),
            (Kha, Kha, Kha),
            (Dat, Kha, Kha),
            (ChuaDat, Kha, Dat),
            (Tot, Dat, Kha),
            (Kha, Dat, Dat),
            (Dat, Dat, Dat),
            (ChuaDat, Dat, Dat),
            (Tot, ChuaDat, ChuaDat),
            (Kha, ChuaDat, ChuaDat),
            (Dat, ChuaDat, ChuaDat),
            (ChuaDat, ChuaDat, ChuaDat),
        ];
        for (one, two, year) in table {
            assert_eq!(year_conduct(one, two), year, "I {one:?}, II {two:?}");
        }
    }

    #[test]
    fn promotion_needs_dat_conduct_and_learning_and_at_most_45_absences() {
        let good = subjects(&[(8, 80)], &[true; 4]);
        assert!(promotion(Tot, &good, 45).promoted);
        let absent = promotion(Tot, &good, 46);
        assert!(!absent.promoted && absent.too_many_absences && absent.retests.is_empty());
        let conduct = promotion(ChuaDat, &good, 0);
        assert!(!conduct.promoted && conduct.conduct_training && conduct.retests.is_empty());
        // Learning Chưa đạt: the subjects below 5.0 and the comment subjects Chưa đạt are
        // re-tested.
        let weak = subjects(&[(5, 60), (2, 40), (1, 30)], &[true, false]);
        let decision = promotion(Dat, &weak, 3);
        assert!(!decision.promoted && !decision.conduct_training);
        assert_eq!(decision.retests, vec![5, 6, 7, 9]);
    }

    #[test]
    fn retests_replace_the_year_results_and_the_levels_are_recomputed() {
        let weak = subjects(&[(5, 60), (2, 40), (1, 30)], &[true, false]);
        assert_eq!(learning_result(&weak), ChuaDat);
        let retested = after_retests(&weak, &[(5, Score(55)), (6, Score(50)), (7, Score(45)), (9, Comment(true))]);
        assert_eq!(learning_result(&retested), Dat);
        assert!(promotion(Dat, &retested, 3).promoted);
    }

    #[test]
    fn awards_need_tot_conduct_and_learning_and_six_subjects_at_nine_for_xuat_sac() {
        let excellent = subjects(&[(6, 90), (2, 80)], &[true; 4]);
        assert_eq!(award(Tot, &excellent), Some(Award::XuatSac));
        let good = subjects(&[(5, 90), (3, 80)], &[true; 4]);
        assert_eq!(award(Tot, &good), Some(Award::Gioi));
        assert_eq!(award(Kha, &excellent), None, "conduct Khá");
        assert_eq!(award(Tot, &subjects(&[(8, 75)], &[true; 4])), None, "learning Khá");
    }
}
