//! The class summary sheet computed from what was recorded, by the Circular 22 rule set
//! (`emis_rules::secondary`): each subject's semester or year result, the learning result,
//! conduct, absences and, for the year, promotion and awards. Pure: no database.

use emis_rules::secondary::{
    self, Award, Level, Promotion, SemesterScores, Settings, SubjectResult, comment_semester, comment_year,
    learning_result, semester_average, year_average,
};
use std::collections::{HashMap, HashSet};

/// A subject column of the sheet: one section of the class.
#[derive(Clone, Debug)]
pub struct Column {
    pub section: i64,
    pub subject: i64,
    /// Scored 0–10 (else Đạt / Chưa đạt).
    pub scored: bool,
    /// Regular assessments per semester the subject requires.
    pub required_regular: u8,
}

/// What one student has in one subject in one semester.
#[derive(Clone, Debug, Default)]
pub struct Marks {
    /// Regular assessments by number: a score in tenths or Đạt / Chưa đạt.
    pub regular: Vec<(i16, Mark)>,
    pub midterm: Option<Mark>,
    pub final_exam: Option<Mark>,
}

/// One recorded value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    Score(u16),
    Passed(bool),
}

/// The semesters a sheet covers: one, or the year's two.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Span {
    Semester(i64),
    Year { first: i64, second: i64 },
}

/// Everything recorded for the sheet's students, keyed by student.
#[derive(Debug, Default)]
pub struct Recorded {
    /// (student, section, semester) → marks.
    pub marks: HashMap<(i64, i64, i64), Marks>,
    /// (student, semester) → conduct.
    pub conduct: HashMap<(i64, i64), Level>,
    /// Student → (excused, unexcused) absent sessions in the span.
    pub absences: HashMap<i64, (u16, u16)>,
    /// (student, section) pairs exempt (miễn) in the span.
    pub exempt: HashSet<(i64, i64)>,
    /// (student, section) → the re-test's mark (thi lại).
    pub retests: HashMap<(i64, i64), Mark>,
}

/// One student's line of the sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub student: i64,
    /// Per column, in the sheet's order; `None` when the rules give no result yet, or the
    /// student is exempt.
    pub subjects: Vec<Option<SubjectResult>>,
    /// Per column: exempt from the subject, which is then left out of the learning result.
    pub exempt: Vec<bool>,
    /// `None` while a subject has no result.
    pub learning: Option<Level>,
    pub conduct: Option<Level>,
    pub excused: u16,
    pub unexcused: u16,
    /// The year's decision; `None` for a semester or while learning or conduct is missing.
    /// Once every subject the student had to re-test has its re-test, the decision after
    /// them (and no re-tests left to take).
    pub promotion: Option<Promotion>,
    /// Per column: the re-test's result, where one was recorded.
    pub retests: Vec<Option<SubjectResult>>,
    /// The columns (indexes into the sheet's) still to re-test.
    pub to_retest: Vec<usize>,
    pub award: Option<Award>,
}

/// The line of `student` over `columns` in `span`.
pub fn line(settings: &Settings, columns: &[Column], span: Span, recorded: &Recorded, student: i64) -> Line {
    let exempt: Vec<bool> = columns.iter().map(|column| recorded.exempt.contains(&(student, column.section))).collect();
    let subjects: Vec<Option<SubjectResult>> = columns
        .iter()
        .zip(&exempt)
        .map(|(column, exempt)| if *exempt { None } else { span_result(settings, column, span, recorded, student) })
        .collect();
    let complete: Option<Vec<SubjectResult>> =
        subjects.iter().zip(&exempt).filter(|(_, exempt)| !**exempt).map(|(result, _)| *result).collect();
    let learning = complete.as_deref().filter(|results| !results.is_empty()).map(learning_result);
    let conduct = span_conduct(span, recorded, student);
    let (excused, unexcused) = recorded.absences.get(&student).copied().unwrap_or_default();
    let retests: Vec<Option<SubjectResult>> = columns
        .iter()
        .map(|column| recorded.retests.get(&(student, column.section)).and_then(|mark| mark_result(column, *mark)))
        .collect();
    let mut line = Line {
        student,
        subjects,
        exempt,
        learning,
        conduct,
        excused,
        unexcused,
        promotion: None,
        award: None,
        retests,
        to_retest: Vec::new(),
    };
    if let (Span::Year { .. }, Some(results), Some(conduct)) = (span, &complete, conduct)
        && !results.is_empty()
    {
        decide_year(&mut line, results, conduct);
    }
    line
}

/// `column`'s result for `student` over `span`: the semester's, or the year's from both.
fn span_result(
    settings: &Settings,
    column: &Column,
    span: Span,
    recorded: &Recorded,
    student: i64,
) -> Option<SubjectResult> {
    let result_in = |semester: i64| {
        let marks = recorded.marks.get(&(student, column.section, semester)).cloned().unwrap_or_default();
        subject_result(settings, column, &marks)
    };
    match span {
        Span::Semester(semester) => result_in(semester),
        Span::Year { first, second } => match (result_in(first), result_in(second)) {
            (Some(SubjectResult::Score(one)), Some(SubjectResult::Score(two))) => {
                Some(SubjectResult::Score(year_average(one, two)))
            }
            (_, Some(SubjectResult::Comment(two))) if !column.scored => Some(SubjectResult::Comment(comment_year(two))),
            _ => None,
        },
    }
}

/// `student`'s conduct over `span`: the semester's, or the year's once both are set.
fn span_conduct(span: Span, recorded: &Recorded, student: i64) -> Option<Level> {
    match span {
        Span::Semester(semester) => recorded.conduct.get(&(student, semester)).copied(),
        Span::Year { first, second } => {
            match (recorded.conduct.get(&(student, first)), recorded.conduct.get(&(student, second))) {
                (Some(one), Some(two)) => Some(secondary::year_conduct(*one, *two)),
                _ => None,
            }
        }
    }
}

/// Decides the year on `line` from the results of the subjects it counts (`results`, the
/// non-exempt ones in order) and the year's conduct: promotion, award and the subjects to
/// re-test — then, once every one of those has its re-test, the learning result, promotion
/// and award again after them, with nothing left to re-test.
fn decide_year(line: &mut Line, results: &[SubjectResult], conduct: Level) {
    let absent = line.excused + line.unexcused;
    // The year's results count only the subjects the student is not exempt from: which
    // column each of them is.
    let counted: Vec<usize> = line.exempt.iter().enumerate().filter(|(_, exempt)| !**exempt).map(|(i, _)| i).collect();
    let decision = secondary::promotion(conduct, results, absent);
    line.award = secondary::award(conduct, results);
    line.to_retest = decision.retests.iter().map(|&i| counted[i]).collect();
    let taken: Option<Vec<(usize, SubjectResult)>> =
        decision.retests.iter().map(|&i| line.retests[counted[i]].map(|result| (i, result))).collect();
    line.promotion = Some(decision);
    if let Some(taken) = taken.filter(|taken| !taken.is_empty()) {
        let after = secondary::after_retests(results, &taken);
        line.learning = Some(learning_result(&after));
        let again = secondary::promotion(conduct, &after, absent);
        line.promotion = Some(Promotion { retests: Vec::new(), ..again });
        line.award = secondary::award(conduct, &after);
        line.to_retest.clear();
    }
}

/// A recorded mark as a subject result of `column`'s kind; `None` for a mark of the other kind.
fn mark_result(column: &Column, mark: Mark) -> Option<SubjectResult> {
    match mark {
        Mark::Score(tenths) if column.scored => Some(SubjectResult::Score(tenths)),
        Mark::Passed(passed) if !column.scored => Some(SubjectResult::Comment(passed)),
        _ => None,
    }
}

/// A subject's semester result from its marks.
pub fn subject_result(settings: &Settings, column: &Column, marks: &Marks) -> Option<SubjectResult> {
    let score = |mark: &Mark| match mark {
        Mark::Score(tenths) => Some(*tenths),
        Mark::Passed(_) => None,
    };
    if column.scored {
        let scores = SemesterScores {
            regular: marks.regular.iter().filter_map(|(_, mark)| score(mark)).collect(),
            midterm: marks.midterm.as_ref().and_then(score),
            final_exam: marks.final_exam.as_ref().and_then(score),
        };
        return semester_average(settings, &scores, column.required_regular).map(SubjectResult::Score);
    }
    let passed = |mark: Option<&Mark>| match mark {
        Some(Mark::Passed(passed)) => Some(*passed),
        _ => None,
    };
    let regular_count = marks.regular.len().max(usize::from(settings.comment_regular_assessments));
    let mut assessments: Vec<Option<bool>> =
        (0..regular_count).map(|index| passed(marks.regular.get(index).map(|(_, mark)| mark))).collect();
    assessments.push(passed(marks.midterm.as_ref()));
    assessments.push(passed(marks.final_exam.as_ref()));
    comment_semester(settings, &assessments).map(SubjectResult::Comment)
}

#[cfg(test)]
mod tests {
    use super::*;
    use emis_rules::secondary::Missing;

    fn scored(section: i64) -> Column {
        Column { section, subject: section, scored: true, required_regular: 3 }
    }

    fn marks(regular: &[u16], midterm: u16, final_exam: u16) -> Marks {
        Marks {
            regular: regular.iter().enumerate().map(|(i, s)| (i as i16 + 1, Mark::Score(*s))).collect(),
            midterm: Some(Mark::Score(midterm)),
            final_exam: Some(Mark::Score(final_exam)),
        }
    }

    #[test]
    fn a_semester_average_follows_the_circular_and_a_missing_column_counts_as_zero() {
        let settings = Settings::default();
        // (8 + 9 + 10 + 2·8 + 3·9) / 8 = 70 / 8 = 8.75 → 8.8
        assert_eq!(
            subject_result(&settings, &scored(1), &marks(&[80, 90, 100], 80, 90)),
            Some(SubjectResult::Score(88))
        );
        // one regular missing counts 0: (8 + 9 + 0 + 16 + 27) / 8 = 7.5
        assert_eq!(subject_result(&settings, &scored(1), &marks(&[80, 90], 80, 90)), Some(SubjectResult::Score(75)));
        let waiting = Settings { missing: Missing::LeavesNoResult, ..settings };
        assert_eq!(subject_result(&waiting, &scored(1), &marks(&[80, 90], 80, 90)), None);
    }

    #[test]
    fn the_year_line_averages_both_semesters_and_decides_promotion_and_awards() {
        let columns: Vec<Column> = (1..=8).map(scored).collect();
        let mut recorded = Recorded::default();
        for column in &columns {
            recorded.marks.insert((7, column.section, 1), marks(&[90, 90, 90], 90, 90));
            recorded.marks.insert((7, column.section, 2), marks(&[100, 90, 90], 90, 100));
        }
        recorded.conduct.insert((7, 1), Level::Tot);
        recorded.conduct.insert((7, 2), Level::Tot);
        recorded.absences.insert(7, (2, 1));
        let line = line(&Settings::default(), &columns, Span::Year { first: 1, second: 2 }, &recorded, 7);
        // semester II: (10 + 9 + 9 + 18 + 30) / 8 = 9.5; year: (9.0 + 2·9.5) / 3 = 9.33 → 9.3
        assert!(line.subjects.iter().all(|subject| *subject == Some(SubjectResult::Score(93))));
        assert_eq!((line.learning, line.conduct), (Some(Level::Tot), Some(Level::Tot)));
        assert_eq!(line.award, Some(Award::XuatSac));
        assert!(line.promotion.is_some_and(|promotion| promotion.promoted));
        assert_eq!((line.excused, line.unexcused), (2, 1));
    }

    #[test]
    fn a_line_with_a_subject_missing_has_no_learning_result_yet() {
        let settings = Settings { missing: Missing::LeavesNoResult, ..Settings::default() };
        let columns = [scored(1), scored(2)];
        let mut recorded = Recorded::default();
        recorded.marks.insert((3, 1, 1), marks(&[50, 60, 70], 60, 70));
        let line = line(&settings, &columns, Span::Semester(1), &recorded, 3);
        assert_eq!(line.subjects, [Some(SubjectResult::Score(64)), None]);
        assert_eq!((line.learning, line.promotion), (None, None));
    }

    #[test]
    fn an_exempt_subject_is_left_out_of_the_learning_result() {
        let columns: Vec<Column> = (1..=7).map(scored).collect();
        let mut recorded = Recorded::default();
        for column in &columns {
            recorded.marks.insert((5, column.section, 1), marks(&[90, 90, 90], 90, 90));
        }
        // Without marks, subject 7 counts 0: Chưa đạt, raised one level by the one-subject
        // adjustment.
        recorded.marks.remove(&(5, 7, 1));
        let failing = line(&Settings::default(), &columns, Span::Semester(1), &recorded, 5);
        assert_eq!(failing.learning, Some(Level::Dat));
        recorded.exempt.insert((5, 7));
        let exempt = line(&Settings::default(), &columns, Span::Semester(1), &recorded, 5);
        assert_eq!(exempt.subjects[6], None);
        assert_eq!(exempt.exempt, [false, false, false, false, false, false, true]);
        assert_eq!(exempt.learning, Some(Level::Tot), "six subjects at 9.0, the seventh exempt");
    }

    #[test]
    fn re_tests_replace_the_failed_subjects_once_all_are_taken_and_the_year_is_decided_again() {
        // Subject 1 exempt, 2–7 at 6.0, 8 and 9 at 2.0: learning Chưa đạt, re-test 8 and 9.
        let columns: Vec<Column> = (1..=9).map(scored).collect();
        let mut recorded = Recorded::default();
        for column in &columns[1..] {
            let score = if column.section >= 8 { 20 } else { 60 };
            for semester in [1, 2] {
                recorded.marks.insert((4, column.section, semester), marks(&[score; 3], score, score));
            }
        }
        recorded.exempt.insert((4, 1));
        recorded.conduct.insert((4, 1), Level::Tot);
        recorded.conduct.insert((4, 2), Level::Tot);
        let year = Span::Year { first: 1, second: 2 };
        let before = line(&Settings::default(), &columns, year, &recorded, 4);
        assert_eq!(before.learning, Some(Level::ChuaDat));
        assert_eq!(before.to_retest, [7, 8], "the sheet's columns of subjects 8 and 9, past the exempt one");
        assert!(before.promotion.as_ref().is_some_and(|p| !p.promoted));

        recorded.retests.insert((4, 8), Mark::Score(55));
        let one_taken = line(&Settings::default(), &columns, year, &recorded, 4);
        assert_eq!(one_taken.to_retest, [7, 8], "nothing is decided again until every re-test is taken");
        assert_eq!(one_taken.learning, Some(Level::ChuaDat));
        assert_eq!(one_taken.retests[7], Some(SubjectResult::Score(55)));

        recorded.retests.insert((4, 9), Mark::Score(70));
        let passed = line(&Settings::default(), &columns, year, &recorded, 4);
        assert_eq!(passed.learning, Some(Level::Dat));
        assert!(passed.to_retest.is_empty());
        assert!(passed.promotion.as_ref().is_some_and(|p| p.promoted && p.retests.is_empty()), "{passed:?}");
        assert_eq!(passed.subjects[8], Some(SubjectResult::Score(20)), "the year result itself stays on record");

        recorded.retests.insert((4, 9), Mark::Score(30));
        let failed = line(&Settings::default(), &columns, year, &recorded, 4);
        assert_eq!(failed.learning, Some(Level::ChuaDat));
        assert!(failed.promotion.as_ref().is_some_and(|p| !p.promoted && p.retests.is_empty()), "stays in the grade");
        assert!(failed.to_retest.is_empty());
    }

    #[test]
    fn a_comment_subject_passes_when_every_assessment_is_dat() {
        let settings = Settings::default();
        let column = Column { section: 1, subject: 1, scored: false, required_regular: 2 };
        let all = Marks {
            regular: vec![(1, Mark::Passed(true)), (2, Mark::Passed(true))],
            midterm: Some(Mark::Passed(true)),
            final_exam: Some(Mark::Passed(true)),
        };
        assert_eq!(subject_result(&settings, &column, &all), Some(SubjectResult::Comment(true)));
        let one_short = Marks { regular: vec![(1, Mark::Passed(true))], ..all };
        assert_eq!(subject_result(&settings, &column, &one_short), Some(SubjectResult::Comment(false)));
    }
}
