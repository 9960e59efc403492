//! Each student's decision in a rollover plan: the year's outcome from the books — the class
//! summary's computed promotion (lên lớp, ở lại, thi lại, rèn luyện hè; Circular 22) or the
//! primary book's year result (hoàn thành chương trình lớp học; Circular 27) — and the new
//! year's class it leads to. A primary student who has not completed the grade waits for the
//! re-assessment (đánh giá bổ sung) and is kept back only by the principal's decision.

use super::{ClassMap, Decision, Entry, Reason};
use crate::books::primary;
use crate::books::summary::{self, Period};
use crate::error::ApiError;
use crate::privacy::Access;
use emis_rules::primary::{Checkpoint, completes_grade};
use entity::homeroom_class;
use sea_orm::DatabaseConnection;

/// A student's year as the books decide it.
pub enum Outcome {
    /// Completes the grade (promoted; graduates from the final grade).
    Completed,
    /// Stays in the grade.
    NotCompleted,
    /// Not decided yet.
    Undecided(Reason),
    /// Has not completed the grade (primary, Chưa hoàn thành): waits for the re-assessment;
    /// the principal may decide to keep the student back.
    Unfinished(Reason),
}

fn reason(vi: &str, en: &str) -> Reason {
    Reason { vi: vi.to_owned(), en: en.to_owned() }
}

/// Every student of `class` the caller may see, with their full name and outcome.
pub async fn outcomes(
    db: &DatabaseConnection,
    access: &Access,
    class: &homeroom_class::Model,
) -> Result<Vec<(i64, String, Outcome)>, ApiError> {
    if class.grade_level <= 5 {
        let book = primary::book(db, access, class.id, Checkpoint::EndOfYear, None).await?;
        let book = book.ok_or(ApiError::NotPermitted)?;
        return Ok(book
            .lines
            .into_iter()
            .map(|line| (line.student.id, line.student.full_name, primary_outcome(line.year)))
            .collect());
    }
    let sheet = summary::summary(db, access, class.id, Period::Year).await?.ok_or(ApiError::NotPermitted)?;
    Ok(sheet
        .lines
        .into_iter()
        .map(|(student, line)| (student.id, student.full_name, secondary_outcome(&line)))
        .collect())
}

/// The outcome of a primary year result: Chưa hoàn thành waits for the re-assessment and the
/// principal's decision.
fn primary_outcome(year: Option<emis_rules::primary::YearResult>) -> Outcome {
    match year {
        None => Outcome::Undecided(reason(
            "kết quả cuối năm chưa đủ (môn học, phẩm chất, năng lực hoặc bài kiểm tra còn thiếu)",
            "the end-of-year result is not complete (a subject, quality, competency or test is missing)",
        )),
        Some(result) if completes_grade(result) => Outcome::Completed,
        Some(_) => Outcome::Unfinished(reason(
            "chưa hoàn thành chương trình lớp học: chờ đánh giá bổ sung, hoặc hiệu trưởng quyết định cho ở lại lớp",
            "has not completed the grade: waiting for the re-assessment, or the principal's decision to keep back",
        )),
    }
}

/// The outcome of a student the principal decided to keep back: only one who has not
/// completed the grade.
pub fn kept_back_by_decision(outcome: &Outcome) -> Result<Outcome, ApiError> {
    match outcome {
        Outcome::Unfinished(_) => Ok(Outcome::NotCompleted),
        _ => Err(not_for_decision()),
    }
}

/// Refuses a decision to keep back a student who is not in the plan or has not been found
/// short of completing the grade.
pub fn not_for_decision() -> ApiError {
    ApiError::bad_input(
        "chỉ cho ở lại lớp theo quyết định được học sinh trong bản xem trước chưa hoàn thành chương trình lớp học",
        "only students of the plan who have not completed the grade can be kept back by decision",
    )
}

/// The outcome of the class summary's year line.
fn secondary_outcome(line: &summary::sheet::Line) -> Outcome {
    let Some(promotion) = &line.promotion else {
        return Outcome::Undecided(reason(
            "kết quả cả năm chưa đủ (điểm, đánh giá hoặc rèn luyện còn thiếu)",
            "the year's results are not complete (marks, assessments or conduct missing)",
        ));
    };
    if promotion.promoted {
        Outcome::Completed
    } else if promotion.too_many_absences {
        Outcome::NotCompleted
    } else if !line.to_retest.is_empty() {
        Outcome::Undecided(reason("chờ kết quả thi lại", "waiting for the re-test results"))
    } else if promotion.conduct_training {
        Outcome::Undecided(reason("chờ kết quả rèn luyện trong hè", "waiting for the summer conduct training"))
    } else {
        Outcome::NotCompleted
    }
}

/// Where the students of the old year can go.
pub struct Targets<'a> {
    /// The school's classes of the new year.
    pub new: &'a [homeroom_class::Model],
    pub mapping: &'a ClassMap,
    /// The school's last grade: completing it graduates.
    pub final_grade: i16,
}

/// The plan's line for `student` of `class` (enrolled by `enrollment`) with `outcome`.
pub fn entry(
    (class, enrollment): (&homeroom_class::Model, i64),
    student: i64,
    full_name: &str,
    outcome: Outcome,
    targets: &Targets<'_>,
) -> Entry {
    let line = |decision, to_class, reason| Entry {
        student,
        full_name: full_name.to_owned(),
        from_class: class.clone(),
        enrollment,
        decision,
        to_class,
        reason,
    };
    let (decision, wanted) = match outcome {
        Outcome::Undecided(why) | Outcome::Unfinished(why) => return line(Decision::Pending, None, Some(why)),
        Outcome::Completed if class.grade_level >= targets.final_grade => {
            return line(Decision::Graduate, None, None);
        }
        Outcome::Completed => (Decision::Promote, promoted_class(class, targets)),
        Outcome::NotCompleted => (Decision::KeepBack, same_class(class, targets)),
    };
    match wanted {
        Ok(to) => line(decision, Some(to.clone()), None),
        Err(why) => line(Decision::Pending, None, Some(why)),
    }
}

/// The new year's class a promoted student of `class` goes to: the mapped one, or the next
/// grade's class of the same name (6A → 7A).
fn promoted_class<'a>(
    class: &homeroom_class::Model,
    targets: &Targets<'a>,
) -> Result<&'a homeroom_class::Model, Reason> {
    if let Some(to) = targets.mapping.get(&class.id) {
        return targets.new.iter().find(|new| new.id == *to).ok_or_else(|| missing(&class.name));
    }
    let grade = class.grade_level + 1;
    let name = class.name.strip_prefix(&class.grade_level.to_string()).map(|rest| format!("{grade}{rest}"));
    let Some(name) = name else { return Err(missing(&class.name)) };
    targets.new.iter().find(|new| new.grade_level == grade && new.name == name).ok_or_else(|| missing(&name))
}

/// The new year's class of `class`'s name and grade, for a student kept back.
fn same_class<'a>(class: &homeroom_class::Model, targets: &Targets<'a>) -> Result<&'a homeroom_class::Model, Reason> {
    targets
        .new
        .iter()
        .find(|new| new.grade_level == class.grade_level && new.name == class.name)
        .ok_or_else(|| missing(&class.name))
}

fn missing(name: &str) -> Reason {
    Reason {
        vi: format!("năm học mới chưa có lớp {name} (hoặc chưa chỉ định lớp)"),
        en: format!("the new school year has no class {name} (or no class was mapped)"),
    }
}

#[cfg(test)]
mod tests {
    use super::{Outcome, kept_back_by_decision, primary_outcome};
    use emis_rules::primary::YearResult;

    #[test]
    fn a_primary_year_not_completed_waits_and_is_kept_back_only_by_decision() {
        assert!(matches!(primary_outcome(Some(YearResult::HoanThanh)), Outcome::Completed));
        assert!(matches!(primary_outcome(None), Outcome::Undecided(_)), "an incomplete book");
        let unfinished = primary_outcome(Some(YearResult::ChuaHoanThanh));
        assert!(matches!(unfinished, Outcome::Unfinished(_)), "Chưa hoàn thành waits for the re-assessment");
        assert!(matches!(kept_back_by_decision(&unfinished), Ok(Outcome::NotCompleted)));
        for other in [primary_outcome(Some(YearResult::HoanThanhTot)), primary_outcome(None)] {
            assert!(kept_back_by_decision(&other).is_err(), "only a grade not completed is kept back by decision");
        }
    }
}
