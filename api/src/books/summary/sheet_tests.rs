//! The class summary sheet's rules on recorded marks: averages, missing assessments, the
//! year's decisions, exemptions and re-tests.

use super::*;

fn scored(section: i64) -> Column {
    Column { section, subject: section, scored: true }
}

fn marks(regular: &[u16], midterm: u16, final_exam: u16) -> Marks {
    Marks {
        regular: regular.iter().enumerate().map(|(i, s)| (i as i16 + 1, Mark::Score(*s))).collect(),
        midterm: Some(Mark::Score(midterm)),
        final_exam: Some(Mark::Score(final_exam)),
    }
}

/// A book of `regular` regular columns, every one held, not locked.
fn held(regular: u8) -> Book {
    let mut book = Book { regular, ..Book::default() };
    book.held = book.slots().collect();
    book
}

/// Everything recorded so far: each of `columns` with three regular columns, all held, in
/// semesters 1 and 2.
fn recorded_for(columns: &[Column]) -> Recorded {
    let mut recorded = Recorded::default();
    for column in columns {
        for semester in [1, 2] {
            recorded.books.insert((column.section, semester), held(3));
        }
    }
    recorded
}

#[test]
fn a_semester_average_follows_the_circular_over_every_column_of_the_section() {
    // (8 + 9 + 10 + 2·8 + 3·9) / 8 = 70 / 8 = 8.75 → 8.8
    let result = subject_result(&scored(1), &held(3), &marks(&[80, 90, 100], 80, 90));
    assert_eq!(result, Outcome::Done(SubjectResult::Score(88)));
    // The second regular column held, missed: a make-up is owed, then it counts 0 once the
    // book is locked — (8 + 0 + 10 + 16 + 27) / 8 = 7.6, never 61 / 7.
    let mut missed = marks(&[80, 90, 100], 80, 90);
    missed.regular.remove(1);
    assert_eq!(subject_result(&scored(1), &held(3), &missed), Outcome::Pending);
    let locked = Book { locked: true, ..held(3) };
    assert_eq!(subject_result(&scored(1), &locked, &missed), Outcome::Done(SubjectResult::Score(76)));
    // Or once the teacher records that there is no make-up.
    missed.regular.push((2, Mark::NoMakeUp));
    assert_eq!(subject_result(&scored(1), &held(3), &missed), Outcome::Done(SubjectResult::Score(76)));
}

#[test]
fn an_excused_assessment_counts_neither_way_even_once_locked() {
    // Excused from the second regular column: (8 + 10 + 16 + 27) / 7 = 8.7, not 7.6.
    let mut excused = marks(&[80, 90, 100], 80, 90);
    excused.regular[1] = (2, Mark::Excused);
    let expected = Outcome::Done(SubjectResult::Score(87));
    assert_eq!(subject_result(&scored(1), &held(3), &excused), expected);
    assert_eq!(subject_result(&scored(1), &Book { locked: true, ..held(3) }, &excused), expected);
    // Excused from the mid-term: (8 + 9 + 10 + 27) / 6 = 9.0.
    let no_midterm = Marks { midterm: Some(Mark::Excused), ..marks(&[80, 90, 100], 0, 90) };
    assert_eq!(subject_result(&scored(1), &held(3), &no_midterm), Outcome::Done(SubjectResult::Score(90)));
}

#[test]
fn an_unheld_column_counts_for_no_one_even_once_locked() {
    let mut book = held(3);
    book.held.remove(&Slot::Regular(3));
    let two = marks(&[80, 90], 80, 90);
    assert_eq!(subject_result(&scored(1), &book, &two), Outcome::NotYet);
    book.locked = true;
    assert_eq!(subject_result(&scored(1), &book, &two), Outcome::NotYet);
    // Nothing held: no result at all, for a comment-only subject no Chưa đạt either.
    let nothing = Book { regular: 2, ..Book::default() };
    let comment = Column { scored: false, ..scored(2) };
    assert_eq!(subject_result(&comment, &nothing, &Marks::default()), Outcome::NotYet);
}

#[test]
fn a_line_with_a_make_up_owed_shows_it_pending_and_has_no_learning_result_yet() {
    let columns = [scored(1), scored(2)];
    let mut recorded = recorded_for(&columns);
    recorded.marks.insert((3, 1, 1), marks(&[50, 60, 70], 60, 70));
    recorded.marks.insert((3, 2, 1), marks(&[50, 60], 60, 70));
    let line = line(&columns, Span::Semester(1), &recorded, 3);
    assert_eq!(line.subjects, [Some(SubjectResult::Score(64)), None]);
    assert_eq!(line.pending, [false, true]);
    assert_eq!((line.learning, line.promotion), (None, None));
    // The year is pending as long as a semester is; semester II not held yet.
    recorded.books.retain(|(_, semester), _| *semester == 1);
    let year = super::line(&columns, Span::Year { first: 1, second: 2 }, &recorded, 3);
    assert_eq!(year.pending, [false, true]);
}

#[test]
fn the_year_line_averages_both_semesters_and_decides_promotion_and_awards() {
    let columns: Vec<Column> = (1..=8).map(scored).collect();
    let mut recorded = recorded_for(&columns);
    for column in &columns {
        recorded.marks.insert((7, column.section, 1), marks(&[90, 90, 90], 90, 90));
        recorded.marks.insert((7, column.section, 2), marks(&[100, 90, 90], 90, 100));
    }
    recorded.conduct.insert((7, 1), Level::Tot);
    recorded.conduct.insert((7, 2), Level::Tot);
    recorded.absences.insert(7, (2, 1));
    let line = line(&columns, Span::Year { first: 1, second: 2 }, &recorded, 7);
    // semester II: (10 + 9 + 9 + 18 + 30) / 8 = 9.5; year: (9.0 + 2·9.5) / 3 = 9.33 → 9.3
    assert!(line.subjects.iter().all(|subject| *subject == Some(SubjectResult::Score(93))));
    assert_eq!((line.learning, line.conduct), (Some(Level::Tot), Some(Level::Tot)));
    assert_eq!(line.award, Some(Award::XuatSac));
    assert!(line.promotion.is_some_and(|promotion| promotion.promoted));
    assert_eq!((line.excused, line.unexcused), (2, 1));
}

#[test]
fn an_exempt_subject_is_left_out_of_the_learning_result() {
    let columns: Vec<Column> = (1..=7).map(scored).collect();
    let mut recorded = recorded_for(&columns);
    for column in &columns {
        recorded.marks.insert((5, column.section, 1), marks(&[90, 90, 90], 90, 90));
    }
    // Without marks in a locked book, subject 7 counts 0: Chưa đạt, raised one level by the
    // one-subject adjustment.
    recorded.marks.remove(&(5, 7, 1));
    recorded.books.entry((7, 1)).or_default().locked = true;
    let failing = line(&columns, Span::Semester(1), &recorded, 5);
    assert_eq!(failing.learning, Some(Level::Dat));
    recorded.exempt.insert((5, 7));
    let exempt = line(&columns, Span::Semester(1), &recorded, 5);
    assert_eq!(exempt.subjects[6], None);
    assert_eq!(exempt.exempt, [false, false, false, false, false, false, true]);
    assert_eq!(exempt.learning, Some(Level::Tot), "six subjects at 9.0, the seventh exempt");
}

#[test]
fn re_tests_replace_the_failed_subjects_once_all_are_taken_and_the_year_is_decided_again() {
    // Subject 1 exempt, 2–7 at 6.0, 8 and 9 at 2.0: learning Chưa đạt, re-test 8 and 9.
    let columns: Vec<Column> = (1..=9).map(scored).collect();
    let mut recorded = recorded_for(&columns);
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
    let before = line(&columns, year, &recorded, 4);
    assert_eq!(before.learning, Some(Level::ChuaDat));
    assert_eq!(before.to_retest, [7, 8], "the sheet's columns of subjects 8 and 9, past the exempt one");
    assert!(before.promotion.as_ref().is_some_and(|p| !p.promoted));

    recorded.retests.insert((4, 8), Mark::Score(55));
    let one_taken = line(&columns, year, &recorded, 4);
    assert_eq!(one_taken.to_retest, [7, 8], "nothing is decided again until every re-test is taken");
    assert_eq!(one_taken.learning, Some(Level::ChuaDat));
    assert_eq!(one_taken.retests[7], Some(SubjectResult::Score(55)));

    recorded.retests.insert((4, 9), Mark::Score(70));
    let passed = line(&columns, year, &recorded, 4);
    assert_eq!(passed.learning, Some(Level::Dat));
    assert!(passed.to_retest.is_empty());
    assert!(passed.promotion.as_ref().is_some_and(|p| p.promoted && p.retests.is_empty()), "{passed:?}");
    assert_eq!(passed.subjects[8], Some(SubjectResult::Score(20)), "the year result itself stays on record");

    recorded.retests.insert((4, 9), Mark::Score(30));
    let failed = line(&columns, year, &recorded, 4);
    assert_eq!(failed.learning, Some(Level::ChuaDat));
    assert!(failed.promotion.as_ref().is_some_and(|p| !p.promoted && p.retests.is_empty()), "stays in the grade");
    assert!(failed.to_retest.is_empty());
}

#[test]
fn a_comment_subject_passes_when_every_assessment_is_dat() {
    let column = Column { section: 1, subject: 1, scored: false };
    let all = Marks {
        regular: vec![(1, Mark::Passed(true)), (2, Mark::Passed(true))],
        midterm: Some(Mark::Passed(true)),
        final_exam: Some(Mark::Passed(true)),
    };
    assert_eq!(subject_result(&column, &held(2), &all), Outcome::Done(SubjectResult::Comment(true)));
    let one_short = Marks { regular: vec![(1, Mark::Passed(true))], ..all };
    assert_eq!(subject_result(&column, &held(2), &one_short), Outcome::Pending);
    let locked = Book { locked: true, ..held(2) };
    assert_eq!(subject_result(&column, &locked, &one_short), Outcome::Done(SubjectResult::Comment(false)));
}
