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
//! A student who missed a held assessment and will not make it up gets an entry of no make-up
//! (`no_make_up`, no value), which counts as 0 (Chưa đạt) ([`super::missing`]); in a locked
//! book every missing assessment already does, so such an entry is refused there.
//!
//! Once the principal has locked the column's book ([`super::locks`]), a call changes
//! nothing directly: with a reason its entries become requests for the principal's approval
//! ([`super::changes`]), without one it is refused as locked.
//!
//! A student exempt from the subject takes no score: the entry is refused naming the
//! exemption to a caller who may read it (`exemption`/`read`), and the whole call is refused
//! as not permitted to anyone else, so the refusal tells them nothing of an exemption.
//!
//! What the submodules own: `entries` checks each entry against the subject; `mark` is
//! the value written and how the books show it; `apply` writes one student's result at the
//! version read and keeps its history; `batch` writes a whole checked call in one
//! transaction.

mod apply;
mod batch;
mod entries;
mod mark;

pub use super::Recorded;
pub use apply::{Applied, Provenance, apply, keep, stored};
pub use mark::Mark;

use super::changes::{self, Proposal};
use super::locks;
use crate::error::{ApiError, EntryProblem, RecordRef};
use crate::privacy::{Access, readers};
use chrono::{DateTime, Utc};
use emis_authz::{Action, Kind};
use entity::{AssessmentMode, assessment, section, subject};
use sea_orm::{DatabaseConnection, EntityTrait as _};

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
    /// The student missed the assessment and will not make it up: no value, and it counts
    /// as 0 (Chưa đạt) — see [`super::missing`].
    pub no_make_up: bool,
    pub comment: Option<String>,
    /// The version of the stored result the client last read; `None` when it read none.
    pub expected_version: Option<i32>,
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
    let named: Vec<i64> = entries.iter().map(|entry| entry.student).collect();
    if !access.may_about_each(&readers::SECTION, &section, &named, Kind::Result, Action::Write).await? {
        return Err(ApiError::NotPermitted);
    }
    let mode = subject::Entity::find_by_id(section.subject_id)
        .one(db)
        .await?
        .and_then(|subject| subject.assessment.parse().ok())
        .unwrap_or(AssessmentMode::Scored);
    let students: Vec<i64> = entries.iter().map(|entry| entry.student).collect();
    let in_class = super::enrolled(db, section.class_id, access.principal().today, Some(&students)).await?;
    let (checked, mut problems) = entries::check(entries, mode, &in_class);
    refuse_exempt(db, access, &column, &section, &students, &mut problems).await?;
    if !problems.is_empty() {
        return Err(ApiError::InvalidEntries(problems));
    }
    let reason = changes::reason(reason)?;
    if locks::in_force(db, section.school_id, section.id, column.semester_id).await?.is_some() {
        if entries.iter().any(|entry| entry.no_make_up) {
            return Err(ApiError::bad_input(
                "sổ đã khóa: bài đánh giá còn thiếu đã tính 0 (Chưa đạt)",
                "the book is locked: a missing assessment already counts as 0 (Chưa đạt)",
            ));
        }
        let Some(reason) = reason else { return Err(ApiError::Locked) };
        let proposals: Vec<Proposal> = checked
            .into_iter()
            .map(|entry| Proposal {
                student: entry.entry.student,
                mark: entry.mark,
                expected: entry.entry.expected_version,
            })
            .collect();
        let requests = changes::request(db, access, &column, &section, &proposals, &reason, now).await?;
        return Ok(Recorded { changed: 0, requests });
    }
    let provenance = Provenance { changed_by: account, approved_by: None, reason, now };
    batch::write(db, access, &column, &section, &checked, &provenance).await
}

/// Names each of `students` exempt from the subject of `column` in `problems` — to a caller
/// who may read the exemption; to anyone else the whole call is not permitted.
async fn refuse_exempt(
    db: &DatabaseConnection,
    access: &Access,
    column: &assessment::Model,
    section: &section::Model,
    students: &[i64],
    problems: &mut Vec<EntryProblem>,
) -> Result<(), ApiError> {
    let exempt = crate::privacy::integrity::exempt_among(db, section.id, column.semester_id, students).await?;
    for student in &exempt {
        // The exemption is named only to a caller who may read it; to anyone else the write
        // is refused as any write they may not make.
        if !access.may_about_each(&readers::SECTION, section, &[*student], Kind::Exemption, Action::Read).await? {
            return Err(ApiError::NotPermitted);
        }
        problems.push(EntryProblem::new(
            RecordRef::student(*student),
            "studentId",
            "học sinh được miễn đánh giá môn này",
            "the student is exempt from this subject's assessments",
        ));
    }
    Ok(())
}
