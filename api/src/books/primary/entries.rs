//! Checking a call's entries whole: every wrong entry named with its student and field,
//! and nothing written when any is found.

use super::areas::{area_name, rating};
use super::record::Entry;
use super::subjects::subject_level;
use crate::books::scores::MAX_COMMENT;
use crate::error::{ApiError, EntryProblem, RecordRef};
use std::collections::BTreeSet;

/// A rule of the book a subject's entry breaks: the field (`level`, `testScore`) and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SubjectProblem {
    pub field: &'static str,
    pub vietnamese: &'static str,
    pub english: &'static str,
}

/// What is wrong with a subject's level `level` and test score `test_score` at a checkpoint
/// where the subject has a periodic test (`test_expected`) or not: the checks every writer of
/// the book shares (the API and an import).
pub fn subject_problems(level: &str, test_score: Option<i16>, test_expected: bool) -> Vec<SubjectProblem> {
    let mut problems = Vec::new();
    if subject_level(level).is_none() {
        problems.push(SubjectProblem {
            field: "level",
            vietnamese: "mức phải là T, H hoặc C",
            english: "the level must be T, H or C",
        });
    }
    match test_score {
        Some(_) if !test_expected => problems.push(SubjectProblem {
            field: "testScore",
            vietnamese: "môn này không có bài kiểm tra định kỳ ở thời điểm này",
            english: "this subject has no periodic test at this checkpoint",
        }),
        Some(score) if !(0..=10).contains(&score) => problems.push(SubjectProblem {
            field: "testScore",
            vietnamese: "điểm kiểm tra là số nguyên từ 0 đến 10",
            english: "a test score is a whole number from 0 to 10",
        }),
        _ => {}
    }
    problems
}

/// Every wrong entry, naming the student and the field.
pub(super) fn check(
    entries: &[Entry],
    items: &[String],
    students: &BTreeSet<i64>,
    for_subject: bool,
    test_expected: bool,
) -> Result<(), ApiError> {
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for (entry, item) in entries.iter().zip(items) {
        let problem = |field, vi: &str, en: &str| EntryProblem::new(RecordRef::student(entry.student), field, vi, en);
        if !students.contains(&entry.student) {
            problems.push(problem("studentId", "học sinh không học lớp này", "the student is not in this class"));
        }
        if !seen.insert((entry.student, item.clone())) {
            problems.push(problem("studentId", "mục này có mặt hai lần", "the item is listed twice"));
        }
        if for_subject {
            for broken in subject_problems(&entry.level, entry.test_score, test_expected) {
                problems.push(problem(broken.field, broken.vietnamese, broken.english));
            }
        } else {
            if area_name(item).is_none() {
                problems.push(problem("area", "phẩm chất/năng lực không hợp lệ", "unknown quality or competency"));
            }
            if rating(&entry.level).is_none() {
                problems.push(problem(
                    "level",
                    "mức phải là tot, dat hoặc can_co_gang",
                    "the level must be tot, dat or can_co_gang",
                ));
            }
            if entry.test_score.is_some() {
                problems.push(problem("testScore", "phẩm chất, năng lực không có điểm", "qualities take no score"));
            }
        }
        if entry.comment.as_ref().is_some_and(|comment| comment.chars().count() > MAX_COMMENT) {
            problems.push(problem("comment", "nhận xét quá dài", "the comment is too long"));
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(ApiError::InvalidEntries(problems)) }
}
