//! Checking a call's entries against the subject, each on its own: the marks to store, and
//! every problem found, naming the student and the field.

use super::{MAX_COMMENT, Mark, ScoreEntry};
use crate::books::Membership;
use crate::error::{EntryProblem, RecordRef};
use entity::AssessmentMode;
use std::collections::BTreeSet;

/// An entry checked against the subject: the value to store.
pub(super) struct Checked<'e> {
    pub entry: &'e ScoreEntry,
    pub mark: Mark,
}

/// Every entry checked on its own: the values to store, and every problem found.
pub(super) fn check<'e>(
    entries: &'e [ScoreEntry],
    mode: AssessmentMode,
    in_class: &BTreeSet<i64>,
) -> (Vec<Checked<'e>>, Vec<EntryProblem>) {
    let mut problems = Vec::new();
    let mut checked = Vec::new();
    let mut membership = Membership::new(in_class);
    for entry in entries {
        let problem = |field, vi: &str, en: &str| EntryProblem::new(RecordRef::student(entry.student), field, vi, en);
        let before = problems.len();
        membership.check(entry.student, &mut problems);
        let score_tenths = match (mode, entry.score, entry.passed) {
            // No make-up: no value of either kind.
            (_, None, None) if entry.no_make_up => None,
            (_, _, _) if entry.no_make_up => {
                problems.push(problem(
                    "noMakeUp",
                    "ghi không kiểm tra bù thì không kèm điểm hay Đạt / Chưa đạt",
                    "an entry of no make-up takes no score and no Đạt / Chưa đạt",
                ));
                None
            }
            (AssessmentMode::Scored, Some(score), None) => {
                let tenths = score * 10.0;
                if (0.0..=10.0).contains(&score) && (tenths - tenths.round()).abs() < 1e-9 {
                    Some(tenths.round() as i16)
                } else {
                    problems.push(problem(
                        "score",
                        &format!("điểm {score} phải từ 0 đến 10, nhiều nhất một chữ số thập phân"),
                        &format!("the score {score} must be from 0 to 10 with at most one decimal"),
                    ));
                    None
                }
            }
            (AssessmentMode::Scored, _, _) => {
                problems.push(problem("score", "môn tính điểm cần điểm số", "a scored subject takes a score"));
                None
            }
            (AssessmentMode::Comment, None, Some(_)) => None,
            (AssessmentMode::Comment, _, _) => {
                problems.push(problem(
                    "passed",
                    "môn đánh giá bằng nhận xét cần Đạt hoặc Chưa đạt",
                    "a comment-only subject takes Đạt or Chưa đạt",
                ));
                None
            }
        };
        let comment = entry.comment.as_deref().map(str::trim).filter(|comment| !comment.is_empty());
        if comment.is_some_and(|comment| comment.chars().count() > MAX_COMMENT) {
            problems.push(problem(
                "comment",
                &format!("nhận xét dài quá {MAX_COMMENT} ký tự"),
                &format!("the comment is longer than {MAX_COMMENT} characters"),
            ));
        }
        if problems.len() == before {
            let no_make_up = entry.no_make_up;
            let mark = Mark {
                score_tenths,
                passed: entry.passed,
                no_make_up,
                exempt: false,
                comment: comment.map(str::to_owned),
            };
            checked.push(Checked { entry, mark });
        }
    }
    (checked, problems)
}

#[cfg(test)]
mod tests {
    use super::super::ScoreEntry;
    use super::check;
    use crate::error::RecordRef;
    use entity::AssessmentMode;
    use std::collections::BTreeSet;

    fn entry(student: i64, score: Option<f64>, passed: Option<bool>) -> ScoreEntry {
        ScoreEntry { student, score, passed, no_make_up: false, comment: None, expected_version: None }
    }

    #[test]
    fn no_make_up_takes_no_value() {
        let in_class = BTreeSet::from([1, 2]);
        let entries = [
            ScoreEntry { no_make_up: true, ..entry(1, None, None) },
            ScoreEntry { no_make_up: true, ..entry(2, Some(5.0), None) },
        ];
        let (checked, problems) = check(&entries, AssessmentMode::Scored, &in_class);
        assert_eq!(checked.len(), 1);
        assert!(checked[0].mark.no_make_up && checked[0].mark.score_tenths.is_none());
        assert_eq!((problems[0].record.clone(), problems[0].field), (RecordRef::student(2), "noMakeUp"));
    }

    #[test]
    fn every_bad_entry_is_named_and_good_ones_are_kept() {
        let in_class = BTreeSet::from([1, 2, 3, 4]);
        let entries = [
            entry(1, Some(8.5), None),
            entry(2, Some(10.5), None),
            entry(3, Some(7.25), None),
            entry(4, None, Some(true)),
            entry(9, Some(5.0), None),
            entry(1, Some(6.0), None),
        ];
        let (checked, problems) = check(&entries, AssessmentMode::Scored, &in_class);
        assert_eq!(checked.len(), 1);
        assert_eq!(checked[0].mark.score_tenths, Some(85));
        let named: Vec<(RecordRef, &str)> =
            problems.iter().map(|problem| (problem.record.clone(), problem.field)).collect();
        let expected = [(2, "score"), (3, "score"), (4, "score"), (9, "studentId"), (1, "studentId")];
        assert_eq!(named, expected.map(|(student, field)| (RecordRef::student(student), field)));
    }

    #[test]
    fn comment_only_subjects_take_dat_or_chua_dat() {
        let in_class = BTreeSet::from([1, 2]);
        let entries = [entry(1, None, Some(false)), entry(2, Some(9.0), None)];
        let (checked, problems) = check(&entries, AssessmentMode::Comment, &in_class);
        assert_eq!((checked.len(), checked[0].mark.passed), (1, Some(false)));
        assert_eq!(problems[0].field, "passed");
    }
}
