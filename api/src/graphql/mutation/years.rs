//! Mutations of the school-year lifecycle: opening a year of the calendar, a school's
//! classes, and the year-end rollover.

use crate::error::ApiResult;
use crate::graphql::years::{ClassInput, ClassMapInput, RolloverArgs, RolloverPlan, SemesterInput};
use async_graphql::{Context, ID, Object};
use chrono::NaiveDate;

/// The school year's lifecycle.
#[derive(Default)]
pub struct YearMutations;

#[Object]
impl YearMutations {
    /// Opens a school year of the national calendar with its two semesters (in order, within
    /// the year). Refuses a year that overlaps another or whose name is taken. For those the
    /// policy lets write the calendar (`school_year`/`write`: the operator).
    async fn open_school_year(
        &self,
        ctx: &Context<'_>,
        name: String,
        starts_on: NaiveDate,
        ends_on: NaiveDate,
        #[graphql(validator(min_items = 2, max_items = 2))] semesters: Vec<SemesterInput>,
    ) -> ApiResult<crate::graphql::calendar::SchoolYear> {
        crate::graphql::years::open_year(ctx, &name, (starts_on, ends_on), &semesters).await
    }
    /// Opens a school's classes of a school year, each with one section per subject of its
    /// grade and, when named, its homeroom teacher. Written whole or not at all. For the
    /// principal (the policy's `class`/`write`); another school answers like a missing one.
    async fn create_classes(
        &self,
        ctx: &Context<'_>,
        school_id: ID,
        school_year_id: ID,
        #[graphql(validator(min_items = 1, max_items = 80))] classes: Vec<ClassInput>,
    ) -> ApiResult<Vec<crate::graphql::school::Class>> {
        crate::graphql::years::create_classes(ctx, &school_id, &school_year_id, classes).await
    }
    /// Rolls a school over from one school year to the next, carrying out exactly the plan
    /// `previewRollover` showed (its `digest` as `expectedPreview`, with the same `classMap`
    /// and `keepBack`; a plan that changed since is refused): old enrollments end on the old
    /// year's last day, promoted and kept-back students start in their new class on the new
    /// year's first day, graduates are marked graduated, and every semester of the old year is
    /// locked school-wide. `keepBack` names primary students who have not completed the grade
    /// whom the principal decided to keep back. Refused while a student is pending, unless
    /// left out with `exclude` (they stay where they are). The plan is worked out again inside
    /// the one transaction, with writers of marks, ratings, absences and enrollments held off
    /// until it ends, so what is written is the plan the data shows at that moment; nothing is
    /// written on refusal. Run again for the same years, it covers only the students still in
    /// an old-year class (those left out before) and leaves the moved ones alone. For the
    /// principal (`rollover`/`write`).
    #[allow(clippy::too_many_arguments)]
    async fn roll_over(
        &self,
        ctx: &Context<'_>,
        school_id: ID,
        from_year_id: ID,
        to_year_id: ID,
        expected_preview: String,
        #[graphql(validator(max_items = 80))] class_map: Option<Vec<ClassMapInput>>,
        #[graphql(validator(max_items = 3600))] exclude: Option<Vec<ID>>,
        #[graphql(validator(max_items = 3600))] keep_back: Option<Vec<ID>>,
    ) -> ApiResult<RolloverPlan> {
        let years = (&from_year_id, &to_year_id);
        let (class_map, exclude) = (class_map.unwrap_or_default(), exclude.unwrap_or_default());
        let keep_back = keep_back.unwrap_or_default();
        let args = RolloverArgs { school_id: &school_id, years, class_map: &class_map, keep_back: &keep_back };
        crate::graphql::years::roll_over(ctx, &args, &expected_preview, &exclude).await
    }
}
