//! The primary summary book on the API: `recordPrimarySubject` (a subject teacher's levels
//! and test scores), `recordPrimaryRatings` (the homeroom teacher's qualities and
//! competencies), `nominatePrimaryStudent` / `withdrawPrimaryNomination` (the class's
//! nomination for Học sinh Tiêu biểu) and `Class.primaryBook` / `Student.primaryBook`, read
//! through the privacy layer item by item ([`crate::books::primary`]) and noted in the
//! disclosure log.

use super::context::{database, signed_in};
use super::ids;
use crate::books::nomination::{self, Nomination, parse_ground};
use crate::books::primary::{self, Book, Entry, Scope, area_name, checkpoint_code, parse_checkpoint};
use crate::disclosure::Disclosures;
use crate::error::{ApiError, ApiResult};
use crate::privacy::{When, readers};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use emis_authz::Kind;
use emis_rules::primary::{completes_grade, completes_primary};
use entity::{enrollment, primary_evaluation, primary_nomination};
use sea_orm::ColumnTrait as _;
use std::sync::Arc;

/// One student's entry at a checkpoint.
#[derive(InputObject)]
pub struct PrimaryEntryInput {
    /// The student rated.
    pub student_id: ID,
    /// For `recordPrimaryRatings`: the quality or competency (`pc.*`, `nl.*`).
    pub area: Option<String>,
    /// T | H | C for a subject; tot | dat | can_co_gang for a quality or competency.
    pub level: String,
    /// The periodic test's score, a whole number 0–10, where the subject has a test then.
    pub test_score: Option<i32>,
    /// The teacher's comment; null or blank: none (an entry replaces the stored one).
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
    /// T | H | C for a subject (Hoàn thành tốt, Hoàn thành, Chưa hoàn thành); tot | dat | can_co_gang for a quality or competency.
    pub level: String,
    /// The periodic test's score, a whole number 0–10, where the subject has a test at this checkpoint.
    pub test_score: Option<i32>,
    /// The teacher's comment, if any.
    pub comment: Option<String>,
    /// Raised by every change: the recording mutations take the version the client read.
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
    /// The student of the line.
    pub student_id: ID,
    /// The student's full name.
    pub full_name: String,
    /// Per subject of the book, in order; null where nothing is recorded (or may be read).
    pub subjects: Vec<Option<PrimaryItem>>,
    /// The five qualities, then the ten competencies; null where not rated.
    pub ratings: Vec<Option<PrimaryItem>>,
    /// At the end of the year, once everything is rated: Hoàn thành xuất sắc | Hoàn thành
    /// tốt | Hoàn thành | Chưa hoàn thành.
    pub year_result: Option<String>,
    /// At the end of the year: the student completes the grade's programme (Hoàn thành chương trình lớp học).
    pub completes_grade: Option<bool>,
    /// Grade 5: Hoàn thành chương trình tiểu học.
    pub completes_primary: Option<bool>,
    /// At the end of the year, the class's standing nomination for Học sinh Tiêu biểu.
    pub nomination: Option<PrimaryNomination>,
    /// At the end of the year: Học sinh Xuất sắc (Hoàn thành xuất sắc) | Học sinh Tiêu biểu
    /// (Hoàn thành tốt and nominated by the class).
    pub award: Option<String>,
}

/// The class's nomination of a student for Học sinh Tiêu biểu in a school year.
#[derive(SimpleObject)]
pub struct PrimaryNomination {
    /// The student nominated.
    pub student_id: ID,
    /// subject (an outstanding subject) | progress (clear progress)
    pub ground: String,
    /// Môn học nổi bật | Tiến bộ rõ rệt
    pub ground_name: String,
    /// The outstanding subject, for the ground `subject`.
    pub subject_id: Option<ID>,
    /// The homeroom teacher's note on the nomination, if any.
    pub note: Option<String>,
    /// Raised by every change: `nominatePrimaryStudent` takes the version the client read.
    pub version: i32,
    /// When it was made or last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<primary_nomination::Model> for PrimaryNomination {
    fn from(row: primary_nomination::Model) -> Self {
        Self {
            student_id: ids::encode("Student", row.student_id),
            ground_name: parse_ground(&row.ground).map(|ground| ground.vietnamese().to_owned()).unwrap_or_default(),
            ground: row.ground,
            subject_id: row.subject_id.map(|subject| ids::encode("Subject", subject)),
            note: row.note,
            version: row.version,
            updated_at: row.updated_at,
        }
    }
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
    /// One line per student enrolled in the class, in roster order.
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
                nomination: line.nomination.clone().map(PrimaryNomination::from),
                award: line.award.map(|award| award.vietnamese().to_owned()),
            })
            .collect()
    }
}

fn entries(input: Vec<PrimaryEntryInput>) -> ApiResult<Vec<Entry>> {
    input
        .into_iter()
        .map(|entry| {
            let student = student_id(&entry.student_id)?;
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
    let changed = primary::record(database(ctx)?, access, scope, checkpoint, &entries, Utc::now()).await?;
    Ok(i32::try_from(changed).unwrap_or(i32::MAX))
}

/// The book of `class` at `checkpoint`, as far as the caller may read it (of `only`, when
/// given); what it shows is noted as disclosed.
pub async fn book(
    ctx: &Context<'_>,
    class: i64,
    checkpoint: &str,
    only: Option<i64>,
) -> ApiResult<Option<PrimaryBook>> {
    let access = signed_in(ctx)?;
    let checkpoint = parse_checkpoint(checkpoint)?;
    let Some(book) = primary::book(database(ctx)?, access, class, checkpoint, only).await? else { return Ok(None) };
    if let Ok(disclosures) = ctx.data::<Arc<Disclosures>>() {
        note_shown(disclosures, access.principal(), &book);
    }
    Ok(Some(PrimaryBook(book)))
}

/// Notes, per student of `book`, the kinds of its items shown to `principal`: `result` for
/// subject levels and test scores, `conduct` for qualities, competencies and the nomination.
pub fn note_shown(disclosures: &Disclosures, principal: &crate::auth::Principal, book: &Book) {
    for line in &book.lines {
        let (student, school) = (line.student.id, line.student.school_id);
        if line.subjects.iter().any(Option::is_some) {
            disclosures.note(principal, student, school, Kind::Result.as_str());
        }
        if line.areas.iter().any(Option::is_some) || line.nomination.is_some() {
            disclosures.note(principal, student, school, Kind::Conduct.as_str());
        }
    }
}

/// What `nominatePrimaryStudent` names.
pub struct NominationInput<'a> {
    pub class_id: &'a ID,
    pub student_id: &'a ID,
    pub ground: &'a str,
    pub subject_id: Option<&'a ID>,
    pub note: Option<String>,
    pub version: Option<i32>,
}

/// Nominates a student of a primary class for Học sinh Tiêu biểu, or changes the standing
/// nomination.
pub async fn nominate(ctx: &Context<'_>, input: NominationInput<'_>) -> ApiResult<PrimaryNomination> {
    let access = signed_in(ctx)?;
    let class = ids::decode_as("Class", input.class_id).ok_or(ApiError::NotPermitted)?;
    let student = student_id(input.student_id)?;
    let subject = match input.subject_id {
        Some(id) => Some(
            ids::decode_as("Subject", id)
                .ok_or_else(|| ApiError::bad_input("không phải mã môn học", "not a subject id"))?,
        ),
        None => None,
    };
    let entry = Nomination {
        student,
        ground: parse_ground(input.ground)?,
        subject,
        note: input.note,
        expected_version: input.version,
    };
    let row = nomination::nominate(database(ctx)?, access, class, &entry, Utc::now()).await?;
    Ok(PrimaryNomination::from(row))
}

/// Withdraws the class's standing nomination of a student, read at `version`.
pub async fn withdraw(ctx: &Context<'_>, class_id: &ID, student_id: &ID, version: i32) -> ApiResult<bool> {
    let access = signed_in(ctx)?;
    let class = ids::decode_as("Class", class_id).ok_or(ApiError::NotPermitted)?;
    let student = self::student_id(student_id)?;
    nomination::withdraw(database(ctx)?, access, class, student, version, Utc::now()).await?;
    Ok(true)
}

fn student_id(id: &ID) -> ApiResult<i64> {
    ids::decode_as("Student", id).ok_or_else(|| ApiError::bad_input("không phải mã học sinh", "not a student id"))
}

/// The student's line in the book of their class today at `checkpoint`: the class is read
/// from the student's enrollment of today, when the caller may read it.
pub async fn line_of(ctx: &Context<'_>, student: i64, checkpoint: &str) -> ApiResult<Option<PrimaryBook>> {
    let access = signed_in(ctx)?;
    parse_checkpoint(checkpoint)?;
    let current = access
        .read(&readers::ENROLLMENT)
        .narrow(enrollment::Column::StudentId, |column| column.eq(student))
        // The enrollment's own dates, which its read shows.
        .through(When::Today.condition(access.principal().today))
        .one(database(ctx)?)
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
