//! Recording scores: the assigned teacher of a section writes one student's result, or a
//! whole assessment column, in one call — how a teacher enters marks on a phone after a test.
//!
//! A call is checked whole before anything is written: the caller must be allowed to write
//! the section's results (the policy's `result`/`write` through the privacy layer), every
//! student must be in the section's class today, and every value must fit the subject (a
//! score 0–10 with at most one decimal, or Đạt / Chưa đạt for a comment-only subject). Every
//! problem is reported, naming the student and the field, and nothing of a rejected call is
//! written. Two devices cannot lose each other's update: each entry carries the version the
//! client last read, a stored result is only changed at that version, and a mismatch refuses
//! the whole call with the students concerned. Every change is kept in `record_change`.
//!
//! Once the principal has locked the column's book ([`super::locks`]), a call changes
//! nothing directly: with a reason its entries become requests for the principal's approval
//! ([`super::changes`]), without one it is refused as locked.
//!
//! A student exempt from the subject takes no score: the entry is refused naming the
//! exemption to a caller who may read it (`exemption`/`read`), and the whole call is refused
//! as not permitted to anyone else, so the refusal tells them nothing of an exemption.

use super::changes::{self, Proposal};
use super::locks;
use crate::auth::principal::Account;
use crate::error::{ApiError, EntryProblem, RecordRef};
use crate::privacy::{Access, Target};
use chrono::{DateTime, Utc};
use emis_authz::{Action, Kind};
use entity::{AssessmentMode, assessment, record_change, result, section, subject};
use sea_orm::sea_query::{CaseStatement, Expr, ExprTrait as _};
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait as _,
    QueryFilter as _, QuerySelect as _,
};
use std::collections::{BTreeSet, HashMap};

/// Longest comment kept with a score, or reason given for a change, in characters.
pub const MAX_COMMENT: usize = 500;

/// One student's entry in an assessment column.
#[derive(Clone, Debug)]
pub struct ScoreEntry {
    pub student: i64,
    /// 0–10 with at most one decimal, for a scored subject.
    pub score: Option<f64>,
    /// Đạt (true) or Chưa đạt, for a comment-only subject.
    pub passed: Option<bool>,
    pub comment: Option<String>,
    /// The version of the stored result the client last read; `None` when it read none.
    pub expected_version: Option<i32>,
}

/// What a call wrote.
#[derive(Debug, Default)]
pub struct Recorded {
    /// Results created or changed.
    pub changed: usize,
    /// Change requests made instead, because the book is locked.
    pub requests: Vec<i64>,
}

/// An entry checked against the subject: the value to store.
struct Checked<'e> {
    entry: &'e ScoreEntry,
    mark: Mark,
}

/// Records `entries` in assessment column `assessment_id` for the caller of `access`; in a
/// locked book, asks for them to be approved, giving `reason`.
pub async fn record(
    db: &DatabaseConnection,
    access: &Access,
    assessment_id: i64,
    entries: &[ScoreEntry],
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Recorded, ApiError> {
    let account = access.principal().account.ok_or(ApiError::Unauthenticated)?;
    let Some(column) = assessment::Entity::find_by_id(assessment_id).one(db).await? else {
        return Err(ApiError::NotPermitted);
    };
    let Some(section) = section::Entity::find_by_id(column.section_id).one(db).await? else {
        return Err(ApiError::NotPermitted);
    };
    // Writing needs the policy's leave for every student named, within this section.
    for entry in entries {
        let target = Target::Personal {
            student: entry.student,
            school: section.school_id,
            section: Some(section.id),
            class: Some(section.class_id),
        };
        if !access.permits(Kind::Result, Action::Write, target).await? {
            return Err(ApiError::NotPermitted);
        }
    }
    let mode = subject::Entity::find_by_id(section.subject_id)
        .one(db)
        .await?
        .and_then(|subject| subject.assessment.parse().ok())
        .unwrap_or(AssessmentMode::Scored);
    let students: Vec<i64> = entries.iter().map(|entry| entry.student).collect();
    let in_class = super::enrolled(db, section.class_id, access.principal().today, Some(&students)).await?;
    let (checked, mut problems) = check(entries, mode, &in_class);
    let exempt = super::exemptions::exempt(db, None, &[section.id], &[column.semester_id], &students).await?;
    for (student, _) in &exempt {
        // The exemption is named only to a caller who may read it; to anyone else the write
        // is refused as any write they may not make.
        let about =
            Target::Personal { student: *student, school: section.school_id, section: Some(section.id), class: None };
        if !access.permits(Kind::Exemption, Action::Read, about).await? {
            return Err(ApiError::NotPermitted);
        }
        problems.push(EntryProblem::new(
            RecordRef::student(*student),
            "studentId",
            "học sinh được miễn đánh giá môn này",
            "the student is exempt from this subject's assessments",
        ));
    }
    if !problems.is_empty() {
        return Err(ApiError::InvalidEntries(problems));
    }
    let reason = changes::reason(reason)?;
    if locks::in_force(db, section.school_id, section.id, column.semester_id).await?.is_some() {
        let Some(reason) = reason else { return Err(ApiError::Locked) };
        let proposals: Vec<Proposal> = checked
            .into_iter()
            .map(|entry| Proposal {
                student: entry.entry.student,
                mark: entry.mark,
                expected: entry.entry.expected_version,
            })
            .collect();
        let requests = changes::request(db, &column, &section, &proposals, &reason, account, now).await?;
        return Ok(Recorded { changed: 0, requests });
    }
    let provenance = Provenance { changed_by: account, approved_by: None, reason, now };
    write(db, &column, &section, &checked, &provenance).await
}

/// Every entry checked on its own: the values to store, and every problem found.
fn check<'e>(
    entries: &'e [ScoreEntry],
    mode: AssessmentMode,
    in_class: &BTreeSet<i64>,
) -> (Vec<Checked<'e>>, Vec<EntryProblem>) {
    let mut problems = Vec::new();
    let mut checked = Vec::new();
    let mut membership = super::Membership::new(in_class);
    for entry in entries {
        let problem = |field, vi: &str, en: &str| EntryProblem::new(RecordRef::student(entry.student), field, vi, en);
        let before = problems.len();
        membership.check(entry.student, &mut problems);
        let score_tenths = match (mode, entry.score, entry.passed) {
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
            let mark = Mark { score_tenths, passed: entry.passed, comment: comment.map(str::to_owned) };
            checked.push(Checked { entry, mark });
        }
    }
    (checked, problems)
}

/// A value for one student's result: what is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    pub score_tenths: Option<i16>,
    pub passed: Option<bool>,
    pub comment: Option<String>,
}

impl Mark {
    /// The value as the books show it.
    pub fn shown(&self) -> String {
        shown(self.score_tenths, self.passed, self.comment.as_deref())
    }

    /// The value a stored result holds.
    pub fn of(row: &result::Model) -> Self {
        Self { score_tenths: row.score_tenths, passed: row.passed, comment: row.comment.clone() }
    }
}

/// Who a change is made by, and on what authority, for the history.
pub struct Provenance {
    /// The account that made the change (for an approved request: who asked for it).
    pub changed_by: Account,
    /// The principal who approved a change to a locked book.
    pub approved_by: Option<i64>,
    pub reason: Option<String>,
    pub now: DateTime<Utc>,
}

/// How applying one mark ended.
#[derive(Debug)]
pub enum Applied {
    /// The stored result already holds the mark.
    Unchanged,
    /// Created or changed: the history row to keep for it (see [`keep`]).
    Changed(Box<record_change::ActiveModel>),
    /// The stored result is not at the version the client read.
    Conflict,
    /// Another writer created the result first; on PostgreSQL the transaction is aborted, so
    /// the caller must stop and roll back.
    Raced,
}

/// The stored results of `students` in `column`, by student, locked until the transaction
/// ends (PostgreSQL `FOR UPDATE`; a SQLite write transaction holds the whole database), so
/// the versions read stay the versions written over.
pub async fn stored(
    txn: &DatabaseTransaction,
    column: i64,
    students: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, result::Model>, DbErr> {
    let rows = result::Entity::find()
        .filter(result::Column::AssessmentId.eq(column))
        .filter(result::Column::StudentId.is_in(students))
        .lock_exclusive()
        .all(txn)
        .await?;
    Ok(rows.into_iter().map(|row| (row.student_id, row)).collect())
}

/// Writes `mark` as `student`'s result in `column` over `old` (read in this transaction),
/// only if that is at `expected` (`None`: there is none yet); the change's history row is
/// returned, for the caller to [`keep`] with the others of its transaction.
#[allow(clippy::too_many_arguments)]
pub async fn apply(
    txn: &DatabaseTransaction,
    column: &assessment::Model,
    section: &section::Model,
    student: i64,
    old: Option<&result::Model>,
    mark: &Mark,
    expected: Option<i32>,
    provenance: &Provenance,
) -> Result<Applied, DbErr> {
    if old.map(|old| old.version) != expected {
        return Ok(Applied::Conflict);
    }
    if old.is_some_and(|old| Mark::of(old) == *mark) {
        return Ok(Applied::Unchanged);
    }
    let record_id = match old {
        Some(old) => {
            // Changed only at the version read: a concurrent change makes this miss.
            let updated = result::Entity::update_many()
                .col_expr(result::Column::ScoreTenths, Expr::value(mark.score_tenths))
                .col_expr(result::Column::Passed, Expr::value(mark.passed))
                .col_expr(result::Column::Comment, Expr::value(mark.comment.clone()))
                .col_expr(result::Column::Version, Expr::value(old.version + 1))
                .col_expr(result::Column::UpdatedAt, Expr::value(provenance.now))
                .filter(result::Column::Id.eq(old.id))
                .filter(result::Column::Version.eq(old.version))
                .exec(txn)
                .await?;
            if updated.rows_affected != 1 {
                return Ok(Applied::Conflict);
            }
            old.id
        }
        None => {
            let row = result::ActiveModel {
                external_id: Set(None),
                school_id: Set(column.school_id),
                section_id: Set(column.section_id),
                assessment_id: Set(column.id),
                semester_id: Set(column.semester_id),
                student_id: Set(student),
                score_tenths: Set(mark.score_tenths),
                passed: Set(mark.passed),
                comment: Set(mark.comment.clone()),
                version: Set(1),
                updated_at: Set(provenance.now),
                ..Default::default()
            };
            match result::Entity::insert(row).exec(txn).await {
                Ok(inserted) => inserted.last_insert_id,
                // Another device created it first (one result per student and column).
                Err(error) if is_unique_violation(&error) => return Ok(Applied::Raced),
                Err(error) => return Err(error),
            }
        }
    };
    Ok(Applied::Changed(Box::new(change_row(section, student, record_id, old, mark, provenance))))
}

/// The history row of `student`'s result `record_id` changing from `old` to `mark`.
fn change_row(
    section: &section::Model,
    student: i64,
    record_id: i64,
    old: Option<&result::Model>,
    mark: &Mark,
    provenance: &Provenance,
) -> record_change::ActiveModel {
    super::Change {
        kind: "result",
        school: section.school_id,
        student,
        record: record_id,
        section: Some(section.id),
        class: Some(section.class_id),
        old_value: old.map(|old| Mark::of(old).shown()),
        new_value: Some(mark.shown()),
    }
    .row(provenance)
}

/// Writes the new marks of stored results (locked by [`stored`]) in one statement: each
/// row's values chosen by its id, its version raised by one.
async fn update_stored(
    txn: &DatabaseTransaction,
    rows: &[(&result::Model, &Mark)],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if rows.is_empty() {
        return Ok(());
    }
    let by_id = |value: fn(&Mark) -> sea_orm::Value, column: result::Column| {
        let case = rows.iter().fold(CaseStatement::new(), |case, (old, mark)| {
            case.case(result::Column::Id.eq(old.id), Expr::value(value(mark)))
        });
        case.finally(Expr::col(column))
    };
    result::Entity::update_many()
        .col_expr(
            result::Column::ScoreTenths,
            by_id(|mark| mark.score_tenths.into(), result::Column::ScoreTenths).into(),
        )
        .col_expr(result::Column::Passed, by_id(|mark| mark.passed.into(), result::Column::Passed).into())
        .col_expr(result::Column::Comment, by_id(|mark| mark.comment.clone().into(), result::Column::Comment).into())
        .col_expr(result::Column::Version, Expr::col(result::Column::Version).add(1))
        .col_expr(result::Column::UpdatedAt, Expr::value(now))
        .filter(result::Column::Id.is_in(rows.iter().map(|(old, _)| old.id)))
        .exec(txn)
        .await?;
    Ok(())
}

/// Keeps the history rows of one transaction's changes, in one statement.
pub async fn keep(txn: &DatabaseTransaction, changes: Vec<record_change::ActiveModel>) -> Result<(), DbErr> {
    if !changes.is_empty() {
        record_change::Entity::insert_many(changes).exec(txn).await?;
    }
    Ok(())
}

/// Writes the checked entries in one transaction, each at the version its client read.
async fn write(
    db: &DatabaseConnection,
    column: &assessment::Model,
    section: &section::Model,
    checked: &[Checked<'_>],
    provenance: &Provenance,
) -> Result<Recorded, ApiError> {
    let txn = crate::db::begin_write(db).await?;
    let stored = stored(&txn, column.id, checked.iter().map(|entry| entry.entry.student)).await?;
    let mut conflicts = Vec::new();
    let mut recorded = Recorded::default();
    let mut changes = Vec::new();
    let mut updates = Vec::new();
    for entry in checked {
        let student = entry.entry.student;
        let old = stored.get(&student);
        if let Some(old) = old.filter(|old| Some(old.version) == entry.entry.expected_version) {
            // A stored result, at the version read: changed with the others in one statement.
            if Mark::of(old) != entry.mark {
                updates.push((old, &entry.mark));
                changes.push(change_row(section, student, old.id, Some(old), &entry.mark, provenance));
            }
            continue;
        }
        match apply(&txn, column, section, student, old, &entry.mark, entry.entry.expected_version, provenance).await? {
            Applied::Unchanged => {}
            Applied::Changed(change) => {
                recorded.changed += 1;
                changes.push(*change);
            }
            Applied::Conflict => conflicts.push(RecordRef::student(student)),
            Applied::Raced => {
                conflicts.push(RecordRef::student(student));
                break;
            }
        }
    }
    if !conflicts.is_empty() {
        txn.rollback().await?;
        return Err(ApiError::Conflict { records: conflicts });
    }
    update_stored(&txn, &updates, provenance.now).await?;
    recorded.changed += updates.len();
    keep(&txn, changes).await?;
    txn.commit().await?;
    Ok(recorded)
}

/// A result as the books show it: `8.5`, `Đạt` or `Chưa đạt`, then ` — comment`.
fn shown(score_tenths: Option<i16>, passed: Option<bool>, comment: Option<&str>) -> String {
    let value = match (score_tenths, passed) {
        (Some(tenths), _) => format!("{}.{}", tenths / 10, tenths % 10),
        (None, Some(true)) => "Đạt".to_owned(),
        (None, Some(false)) => "Chưa đạt".to_owned(),
        (None, None) => String::new(),
    };
    match comment {
        Some(comment) => format!("{value} — {comment}"),
        None => value,
    }
}

/// Whether `error` is a unique-constraint violation (both backends).
fn is_unique_violation(error: &DbErr) -> bool {
    matches!(error.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}

#[cfg(test)]
mod tests {
    use super::{ScoreEntry, check, shown};
    use crate::error::RecordRef;
    use entity::AssessmentMode;
    use std::collections::BTreeSet;

    fn entry(student: i64, score: Option<f64>, passed: Option<bool>) -> ScoreEntry {
        ScoreEntry { student, score, passed, comment: None, expected_version: None }
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

    #[test]
    fn values_show_as_in_the_books() {
        assert_eq!(shown(Some(85), None, None), "8.5");
        assert_eq!(shown(Some(100), None, Some("Tốt")), "10.0 — Tốt");
        assert_eq!(shown(None, Some(false), None), "Chưa đạt");
    }
}
