//! The primary summary book on the API: `recordPrimarySubject` (a subject teacher's levels
//! and test scores), `recordPrimaryRatings` (the homeroom teacher's qualities and
//! competencies) and `Class.primaryBook` / `Student.primaryBook`, read through the privacy
//! layer item by item ([`crate::books::primary`]).

use super::context::{signed_in, state};
use super::ids;
use crate::books::primary::{self, Book, Entry, Scope, area_name, checkpoint_code, parse_checkpoint};
use crate::error::{ApiError, ApiResult};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::Utc;
use emis_rules::primary::{award, completes_grade, completes_primary};
use entity::{enrollment, primary_evaluation};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};

/// One student's entry at a checkpoint.
#[derive(InputObject)]
pub struct PrimaryEntryInput {
    pub student_id: ID,
    /// For `recordPrimaryRatings`: the quality or competency (`pc.*`, `nl.*`).
    pub area: Option<String>,
    /// T | H | C for a subject; tot | dat | can_co_gang for a quality or competency.
    pub level: String,
    /// The periodic test's score, a whole number 0–10, where the subject has a test then.
    pub test_score: Option<i32>,
    pub comment: Option<String>,
    /// The `version` the client last read; null when it had none.
    pub version: Option<i32>,
}

/// One rated item of the book.
#[derive(SimpleObject)]
pub struct PrimaryItem {
    /// A subject's code, or a quality's (`pc.*`) or competency's (`nl.*`) code.
    pub item: String,
    /// The quality's or competency's name; null for a subject.
    pub name: Option<String>,
    pub level: String,
    pub test_score: Option<i32>,
    pub comment: Option<String>,
    pub version: i32,
}

impl From<primary_evaluation::Model> for PrimaryItem {
    fn from(row: primary_evaluation::Model) -> Self {
        Self {
            name: area_name(&row.item).map(str::to_owned),
            item: row.item,
            level: row.level,
            test_score: row.test_score.map(i32::from),
            comment: row.comment,
            version: row.version,
        }
    }
}

/// One student's line of the book at a checkpoint.
#[derive(SimpleObject)]
pub struct PrimaryLine {
    pub student_id: ID,
    pub full_name: String,
    /// Per subject of the book, in order; null where nothing is recorded (or may be read).
    pub subjects: Vec<Option<PrimaryItem>>,
    /// The five qualities, then the ten competencies; null where not rated.
    pub ratings: Vec<Option<PrimaryItem>>,
    /// At the end of the year, once everything is rated: Hoàn thành xuất sắc | Hoàn thành
    /// tốt | Hoàn thành | Chưa hoàn thành.
    pub year_result: Option<String>,
    pub completes_grade: Option<bool>,
    /// Grade 5: Hoàn thành chương trình tiểu học.
    pub completes_primary: Option<bool>,
    /// Học sinh Xuất sắc (Học sinh Tiêu biểu is the class's nomination, not computed).
    pub award: Option<String>,
}

/// A primary class's summary book at a checkpoint.
pub struct PrimaryBook(pub Book);

#[Object]
impl PrimaryBook {
    /// mid_1 | end_1 | mid_2 | end_year
    async fn checkpoint(&self) -> &str {
        checkpoint_code(self.0.checkpoint)
    }
    /// The subjects' ids, in the order of each line's `subjects`.
    async fn subject_ids(&self) -> Vec<ID> {
        self.0.subjects.iter().map(|(_, subject)| ids::encode("Subject", subject.id)).collect()
    }
    /// The codes of the qualities and competencies, in the order of each line's `ratings`.
    async fn areas(&self) -> Vec<&'static str> {
        primary::AREAS.to_vec()
    }
    async fn lines(&self) -> Vec<PrimaryLine> {
        let grade = self.0.grade;
        self.0
            .lines
            .iter()
            .map(|line| PrimaryLine {
                student_id: ids::encode("Student", line.student.id),
                full_name: line.student.full_name.clone(),
                subjects: line.subjects.iter().cloned().map(|row| row.map(PrimaryItem::from)).collect(),
                ratings: line.areas.iter().cloned().map(|row| row.map(PrimaryItem::from)).collect(),
                year_result: line.year.map(|result| result.vietnamese().to_owned()),
                completes_grade: line.year.map(completes_grade),
                completes_primary: line.year.map(|result| completes_primary(grade, result)),
                award: line.year.and_then(|result| award(result, false)).map(|_| "Học sinh Xuất sắc".to_owned()),
            })
            .collect()
    }
}

fn entries(input: Vec<PrimaryEntryInput>) -> ApiResult<Vec<Entry>> {
    input
        .into_iter()
        .map(|entry| {
            let student = ids::decode_as("Student", &entry.student_id)
                .ok_or_else(|| ApiError::bad_input("không phải mã học sinh", "not a student id"))?;
            let test_score = entry.test_score.map(|score| i16::try_from(score).unwrap_or(i16::MAX));
            Ok(Entry {
                student,
                area: entry.area,
                level: entry.level,
                test_score,
                comment: entry.comment,
                expected_version: entry.version,
            })
        })
        .collect()
}

/// Records levels (and test scores) of a section's subject, or the class's qualities and
/// competencies, at a checkpoint; how many changed.
pub async fn record(
    ctx: &Context<'_>,
    scope: Scope,
    checkpoint: &str,
    input: Vec<PrimaryEntryInput>,
) -> ApiResult<i32> {
    let access = signed_in(ctx)?;
    let checkpoint = parse_checkpoint(checkpoint)?;
    let entries = entries(input)?;
    let changed = primary::record(&state(ctx)?.db, access, scope, checkpoint, &entries, Utc::now()).await?;
    Ok(i32::try_from(changed).unwrap_or(i32::MAX))
}

/// The book of `class` at `checkpoint`, as far as the caller may read it (of `only`, when
/// given).
pub async fn book(
    ctx: &Context<'_>,
    class: i64,
    checkpoint: &str,
    only: Option<i64>,
) -> ApiResult<Option<PrimaryBook>> {
    let access = signed_in(ctx)?;
    let checkpoint = parse_checkpoint(checkpoint)?;
    Ok(primary::book(&state(ctx)?.db, access, class, checkpoint, only).await?.map(PrimaryBook))
}

/// The student's line in the book of their class today at `checkpoint`.
pub async fn line_of(ctx: &Context<'_>, student: i64, checkpoint: &str) -> ApiResult<Option<PrimaryBook>> {
    let today = signed_in(ctx)?.principal().today;
    parse_checkpoint(checkpoint)?;
    let current = enrollment::Entity::find()
        .filter(enrollment::Column::StudentId.eq(student))
        .filter(crate::auth::principal::active_on(enrollment::Column::StartsOn, enrollment::Column::EndsOn, today))
        .one(&state(ctx)?.db)
        .await?;
    match current {
        Some(current) => match book(ctx, current.class_id, checkpoint, Some(student)).await {
            // A secondary class keeps no primary book.
            Err(ApiError::BadInput { .. }) => Ok(None),
            other => other,
        },
        None => Ok(None),
    }
}
