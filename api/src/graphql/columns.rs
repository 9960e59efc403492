//! A section's assessment columns on the API: setting how many regular columns a section
//! has, opening its re-test column, marking a column held, and each column as the grade book
//! shows it — with the students who owe a make-up in it and what was recorded of each
//! ([`crate::books::missing`]).

use super::context::{access, database, signed_in, state};
use super::ids;
use crate::error::{ApiError, ApiResult};
use async_graphql::{Context, ID, Object};
use chrono::NaiveDate;
use entity::{assessment, missed_assessment};

/// Sets the section's regular columns in a semester; its columns in book order.
pub async fn set_assessment_columns(
    ctx: &Context<'_>,
    section_id: &ID,
    semester_id: &ID,
    regular: i32,
) -> ApiResult<Vec<AssessmentColumn>> {
    let access = signed_in(ctx)?;
    let section = ids::decode_as("Section", section_id).ok_or(ApiError::NotPermitted)?;
    let semester = ids::decode_as("Semester", semester_id)
        .ok_or_else(|| ApiError::bad_input("không phải mã học kỳ", "not a semester id"))?;
    let state = state(ctx)?;
    let settings = state.config.assessment_settings();
    let regular = u8::try_from(regular).unwrap_or(u8::MAX);
    let mut columns = crate::books::columns::set(&state.db, access, &settings, section, semester, regular).await?;
    sort_columns(&mut columns);
    Ok(columns.into_iter().map(AssessmentColumn).collect())
}

/// Marks assessment column `assessment_id` held (or no longer so).
pub async fn mark_held(ctx: &Context<'_>, assessment_id: &ID, held: bool) -> ApiResult<AssessmentColumn> {
    let access = signed_in(ctx)?;
    let column = ids::decode_as("Assessment", assessment_id).ok_or(ApiError::NotPermitted)?;
    let column = crate::books::missing::mark_held(database(ctx)?, access, column, held).await?;
    Ok(AssessmentColumn(column))
}

/// Opens the section's re-test column (thi lại) in the year's last semester.
pub async fn open_retest(ctx: &Context<'_>, section_id: &ID) -> ApiResult<AssessmentColumn> {
    let access = signed_in(ctx)?;
    let section = ids::decode_as("Section", section_id).ok_or(ApiError::NotPermitted)?;
    let column = crate::books::columns::open_retest(database(ctx)?, access, section).await?;
    Ok(AssessmentColumn(column))
}

/// Book order: regular assessments by number, then the mid-term, the end-of-term and the
/// re-test.
pub fn sort_columns(columns: &mut [assessment::Model]) {
    let order = |kind: &str| match kind {
        "regular" => 0,
        "midterm" => 1,
        "final" => 2,
        _ => 3,
    };
    columns.sort_by_key(|column| (order(&column.kind), column.sequence));
}

/// An assessment column of a section's grade book.
pub struct AssessmentColumn(pub assessment::Model);

#[Object]
impl AssessmentColumn {
    /// The column's global id (what `recordScores` takes).
    async fn id(&self) -> ID {
        ids::encode("Assessment", self.0.id)
    }
    /// regular | midterm | final
    async fn kind(&self) -> &str {
        &self.0.kind
    }
    /// Number within its kind (regular assessments are numbered).
    async fn sequence(&self) -> i16 {
        self.0.sequence
    }
    /// The title the teacher gave the column, if any (e.g. "Kiểm tra 15 phút").
    async fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }
    /// The semester the column belongs to.
    async fn semester_id(&self) -> ID {
        ids::encode("Semester", self.0.semester_id)
    }
    /// Marked held by its teacher (`markAssessmentHeld`). A column counts — and a student
    /// without a result in it owes a make-up — once it is held: marked so, or holding a result.
    async fn held(&self) -> bool {
        self.0.held
    }
    /// The students of the section's class (those the caller may see) who owe a make-up in
    /// this column: it is held, its book open, and they have no result in it and are not
    /// exempt. Empty for a caller who may not read the section's results.
    async fn make_ups_owed(&self, ctx: &Context<'_>) -> ApiResult<Vec<ID>> {
        let owed = crate::books::missing::owed(database(ctx)?, access(ctx)?, &self.0).await?;
        Ok(owed.into_iter().map(|student| ids::encode("Student", student)).collect())
    }
    /// What was recorded of the make-ups owed in this column (those of `makeUpsOwed` that
    /// have a record: why and when the student missed it, as an imported grade book gave
    /// it). Read like the column's results.
    async fn missed(&self, ctx: &Context<'_>) -> ApiResult<Vec<MissedAssessment>> {
        let (db, access) = (database(ctx)?, access(ctx)?);
        let owed = crate::books::missing::owed(db, access, &self.0).await?;
        let recorded = crate::books::missing::recorded_missed(db, access, &self.0, &owed).await?;
        Ok(recorded.into_iter().map(MissedAssessment).collect())
    }
}

/// A make-up owed, as it was recorded.
pub struct MissedAssessment(pub missed_assessment::Model);

#[Object]
impl MissedAssessment {
    /// The student who owes the make-up.
    async fn student_id(&self) -> ID {
        ids::encode("Student", self.0.student_id)
    }
    /// Why, as recorded (e.g. "Vắng kiểm tra, chưa kiểm tra bù").
    async fn note(&self) -> Option<&str> {
        self.0.comment.as_deref()
    }
    /// The day it was recorded.
    async fn missed_on(&self) -> Option<NaiveDate> {
        self.0.missed_on
    }
}
