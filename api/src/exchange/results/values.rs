//! A score or comment-only result's value as a row gives it: a score 0–10 with at most one
//! decimal, `textScore` Đạt / Chưa đạt (or a word of [`COMMENT_RESULT`]), and the part the
//! subject's mode needs.

use super::{NOT_PASSED, PASSED};
use crate::exchange::import::rule;
use emis_oneroster::records::AssessmentResult;
use emis_oneroster::vocabulary::Match;
use emis_oneroster::vocabulary::tables::COMMENT_RESULT;
use emis_oneroster::{Problem, Reason, Row};
use entity::AssessmentMode;

/// What a result row gives, checked on its own: a score 0–10 with at most one decimal (in
/// tenths) and Đạt / Chưa đạt. `None` (problem recorded) when there was one.
pub(super) fn given_value(
    problems: &mut Vec<Problem>,
    row: &Row<AssessmentResult>,
) -> Option<(Option<i16>, Option<bool>)> {
    let score = match row.record.score {
        Some(score) => {
            let tenths = score * 10.0;
            if !(0.0..=10.0).contains(&score) || (tenths - tenths.round()).abs() > 1e-9 {
                problems.push(rule(
                    row,
                    "score",
                    &format!("điểm {score} phải từ 0 đến 10, nhiều nhất một chữ số thập phân"),
                    &format!("the score {score} must be from 0 to 10 with at most one decimal"),
                ));
                return None;
            }
            Some(tenths.round() as i16)
        }
        None => None,
    };
    let passed = match row.record.text_score.as_deref() {
        None => None,
        Some(text) => match COMMENT_RESULT.lookup(text) {
            Some(found) => {
                if let Match::Mapped(canonical) = found {
                    problems.push(row.problem("textScore", Reason::Mapped { value: text.to_owned(), canonical }));
                }
                Some(found.canonical() == PASSED)
            }
            None => {
                let accepted = COMMENT_RESULT.accepted().join(", ");
                problems.push(rule(
                    row,
                    "textScore",
                    &format!("kết quả môn nhận xét là một trong: {accepted}; không phải \"{text}\""),
                    &format!("a comment-only result is one of: {accepted}; not \"{text}\""),
                ));
                return None;
            }
        },
    };
    Some((score, passed))
}

/// The value a result of a column of `mode` stores; `None` (problem recorded) when the part
/// the mode needs is missing.
pub(super) fn value_for(
    problems: &mut Vec<Problem>,
    row: &Row<AssessmentResult>,
    mode: AssessmentMode,
    (score, passed): (Option<i16>, Option<bool>),
) -> Option<(Option<i16>, Option<bool>)> {
    match (mode, score, passed) {
        (AssessmentMode::Scored, Some(score), _) => Some((Some(score), None)),
        (AssessmentMode::Comment, _, Some(passed)) => Some((None, Some(passed))),
        (AssessmentMode::Scored, None, _) => {
            problems.push(rule(row, "score", "môn tính điểm cần điểm số", "a scored subject needs a score"));
            None
        }
        (AssessmentMode::Comment, _, None) => {
            problems.push(rule(
                row,
                "textScore",
                &format!("môn đánh giá bằng nhận xét cần \"{PASSED}\" hoặc \"{NOT_PASSED}\""),
                &format!("a comment-only subject needs \"{PASSED}\" or \"{NOT_PASSED}\""),
            ));
            None
        }
    }
}
