//! `recordScores` on the API: the assigned teacher's entries for one assessment column,
//! written by [`crate::books::scores`] and read back through the same path (and privacy
//! layer) as every other read of results.

use super::batch::Batcher;
use super::book_locks::{ChangeRequest, made};
use super::context::{database, signed_in};
use super::ids;
use super::loaders::{ResultsKey, ResultsOfStudent};
use super::records::ResultRecord;
use crate::books::scores::{self, ScoreEntry};
use crate::error::{ApiError, ApiResult, EntryProblem};
use async_graphql::{Context, ID, InputObject, SimpleObject};
use entity::assessment;
use sea_orm::EntityTrait as _;

/// One student's entry in an assessment column.
#[derive(InputObject)]
pub struct ScoreInput {
    /// The student whose result this is.
    pub student_id: ID,
    /// 0–10 with at most one decimal, for a scored subject.
    pub score: Option<f64>,
    /// Đạt (true) or Chưa đạt (false), for a comment-only subject.
    pub passed: Option<bool>,
    /// The student missed the (held) assessment and will not make it up: give no score and
    /// no `passed`; it counts as 0 (Chưa đạt). Refused in a locked book, where every missing
    /// assessment already counts so.
    #[graphql(default)]
    pub no_make_up: bool,
    /// The teacher's comment on the result; null or blank: none (an entry replaces the stored one).
    pub comment: Option<String>,
    /// The `version` of the student's result the client last read; null when it had none.
    pub version: Option<i32>,
}

/// What `recordScores` did.
#[derive(SimpleObject)]
pub struct RecordScoresPayload {
    /// Results created or changed (an entry equal to the stored result changes nothing).
    pub changed: i32,
    /// The column's results of the students named, as the caller may read them now.
    pub results: Vec<ResultRecord>,
    /// In a locked book: the change requests made, waiting for the principal's approval.
    pub requests: Vec<ChangeRequest>,
}

/// Records `entries` in assessment column `assessment_id`.
pub async fn record_scores(
    ctx: &Context<'_>,
    assessment_id: &ID,
    entries: Vec<ScoreInput>,
    reason: Option<&str>,
) -> ApiResult<RecordScoresPayload> {
    let access = signed_in(ctx)?;
    let column_id = ids::decode_as("Assessment", assessment_id).ok_or(ApiError::NotPermitted)?;
    let mut problems = Vec::new();
    let mut decoded = Vec::with_capacity(entries.len());
    for entry in entries {
        match ids::decode_as("Student", &entry.student_id) {
            Some(student) => decoded.push(ScoreEntry {
                student,
                score: entry.score,
                passed: entry.passed,
                no_make_up: entry.no_make_up,
                comment: entry.comment,
                expected_version: entry.version,
            }),
            None => problems.push(EntryProblem::not_a_student(entry.student_id, "studentId")),
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::InvalidEntries(problems));
    }
    let db = database(ctx)?;
    let recorded = scores::record(db, access, column_id, &decoded, reason, chrono::Utc::now()).await?;
    let column = assessment::Entity::find_by_id(column_id).one(db).await?.ok_or(ApiError::NotPermitted)?;
    let loader = ctx.data::<Batcher<ResultsKey, ResultsOfStudent>>().map_err(|_| ApiError::Internal)?;
    // Every student's results in one look-up, through the same privacy layer as reads.
    let keys = decoded.iter().map(|entry| ResultsKey {
        student: entry.student,
        semester: column.semester_id,
        section: Some(column.section_id),
    });
    let loaded = futures::future::join_all(keys.map(|key| loader.load_one(key))).await;
    let mut results = Vec::new();
    for rows in loaded {
        let rows = rows.map_err(|error| ApiError::clone(&error))?.unwrap_or_default();
        results.extend(rows.into_iter().filter(|row| row.line.assessment_id == column_id).map(ResultRecord));
    }
    let requests = made(ctx, &recorded.requests).await?;
    Ok(RecordScoresPayload { changed: i32::try_from(recorded.changed).unwrap_or(i32::MAX), results, requests })
}
