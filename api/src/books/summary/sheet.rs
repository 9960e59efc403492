//! The class summary sheet computed from what was recorded, by the Circular 22 rule set
//! (`emis_rules::secondary`): each subject's semester or year result, the learning result,
//! conduct, absences and, for the year, promotion and awards. Pure: no database.

use emis_rules::secondary::{
    self, Assessment, Award, Level, Outcome, Promotion, SemesterScores, SubjectResult, comment_semester, comment_year,
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
}

/// Where an assessment sits in a section's semester.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Slot {
    Regular(i16),
    Midterm,
    Final,
}

/// A section's assessment columns in one semester as they stand.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Book {
    /// The regular columns the section has (its configured number): the divisor's count.
    pub regular: u8,
    /// The columns held: with any result, or marked held by their teacher.
    pub held: HashSet<Slot>,
    /// The semester's book is locked: a missing assessment can no longer be made up.
    pub locked: bool,
}

impl Book {
    /// The slots a student of the section is assessed in, in order.
    pub fn slots(&self) -> impl Iterator<Item = Slot> {
        (1..=i16::from(self.regular)).map(Slot::Regular).chain([Slot::Midterm, Slot::Final])
    }

    /// Where a student stands in `slot`, with `mark` recorded for them there.
    pub fn assessment(&self, slot: Slot, mark: Option<Mark>) -> Assessment<Mark> {
        match mark {
            Some(Mark::NoMakeUp) => Assessment::Forfeited,
            Some(Mark::Excused) => Assessment::Excused,
            Some(mark) => Assessment::Taken(mark),
            None if !self.held.contains(&slot) => Assessment::NotHeld,
            None if self.locked => Assessment::Forfeited,
            None => Assessment::Owed,
        }
    }
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
    /// The teacher recorded that the student will not make the assessment up.
    NoMakeUp,
    /// The student is excused from this one assessment.
    Excused,
}

impl Marks {
    /// The mark in `slot`; of two regular marks with one number, the later filed.
    pub fn at(&self, slot: Slot) -> Option<Mark> {
        match slot {
            Slot::Regular(sequence) => self.regular.iter().rev().find(|(at, _)| *at == sequence).map(|(_, mark)| *mark),
            Slot::Midterm => self.midterm,
            Slot::Final => self.final_exam,
        }
    }
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
    /// (section, semester) → the section's columns in the semester.
    pub books: HashMap<(i64, i64), Book>,
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
    /// Per column: no result because the student owes a make-up.
    pub pending: Vec<bool>,
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
pub fn line(columns: &[Column], span: Span, recorded: &Recorded, student: i64) -> Line {
    let exempt: Vec<bool> = columns.iter().map(|column| recorded.exempt.contains(&(student, column.section))).collect();
    let outcomes: Vec<Outcome<SubjectResult>> = columns
        .iter()
        .zip(&exempt)
        .map(|(column, exempt)| if *exempt { Outcome::NotYet } else { span_result(column, span, recorded, student) })
        .collect();
    let pending = outcomes.iter().map(|outcome| *outcome == Outcome::Pending).collect();
    let subjects: Vec<Option<SubjectResult>> = outcomes.into_iter().map(Outcome::done).collect();
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
        pending,
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
fn span_result(column: &Column, span: Span, recorded: &Recorded, student: i64) -> Outcome<SubjectResult> {
    let result_in = |semester: i64| {
        let marks = recorded.marks.get(&(student, column.section, semester)).cloned().unwrap_or_default();
        let book = recorded.books.get(&(column.section, semester)).cloned().unwrap_or_default();
        subject_result(column, &book, &marks)
    };
    match span {
        Span::Semester(semester) => result_in(semester),
        Span::Year { first, second } => match (result_in(first), result_in(second)) {
            (Outcome::Done(SubjectResult::Score(one)), Outcome::Done(SubjectResult::Score(two))) => {
                Outcome::Done(SubjectResult::Score(year_average(one, two)))
            }
            (_, Outcome::Done(SubjectResult::Comment(two))) if !column.scored => {
                Outcome::Done(SubjectResult::Comment(comment_year(two)))
            }
            (Outcome::Pending, _) | (_, Outcome::Pending) => Outcome::Pending,
            _ => Outcome::NotYet,
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

/// A subject's semester result from a student's marks in the section's `book`: every
/// column the section has counts, a missing assessment as owed, forfeited or not held yet.
/// A mark of the other kind (a score in a comment-only subject) counts as none.
pub fn subject_result(column: &Column, book: &Book, marks: &Marks) -> Outcome<SubjectResult> {
    let of_kind = |mark: Mark| match mark {
        Mark::NoMakeUp | Mark::Excused => Some(mark),
        other => mark_result(column, other).map(|_| other),
    };
    let assessments = book.slots().map(|slot| book.assessment(slot, marks.at(slot).and_then(of_kind)));
    if column.scored {
        let score = |mark| if let Mark::Score(tenths) = mark { Some(tenths) } else { None };
        let mut all: Vec<Assessment<u16>> = assessments.map(|assessment| taken_as(assessment, score)).collect();
        let final_exam = all.pop().unwrap_or(Assessment::NotHeld);
        let midterm = all.pop().unwrap_or(Assessment::NotHeld);
        return semester_average(&SemesterScores { regular: all, midterm, final_exam }).map(SubjectResult::Score);
    }
    let passed = |mark| if let Mark::Passed(passed) = mark { Some(passed) } else { None };
    let all: Vec<Assessment<bool>> = assessments.map(|assessment| taken_as(assessment, passed)).collect();
    comment_semester(&all).map(SubjectResult::Comment)
}

/// `assessment` with its taken mark as the value `value` reads from it; a mark it reads
/// nothing from counts as forfeited.
fn taken_as<T>(assessment: Assessment<Mark>, value: impl Fn(Mark) -> Option<T>) -> Assessment<T> {
    match assessment {
        Assessment::Taken(mark) => value(mark).map_or(Assessment::Forfeited, Assessment::Taken),
        Assessment::Forfeited => Assessment::Forfeited,
        Assessment::Owed => Assessment::Owed,
        Assessment::NotHeld => Assessment::NotHeld,
        Assessment::Excused => Assessment::Excused,
    }
}

#[cfg(test)]
#[path = "sheet_tests.rs"]
mod tests;
