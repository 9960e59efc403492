//! The school-year lifecycle on the API: opening a year of the calendar, a school's classes
//! of a year, and the year-end rollover's preview and application ([`rollover`]) — written
//! by [`crate::books::year`].

mod rollover;

pub use rollover::{ClassMapInput, RolloverArgs, RolloverDecision, RolloverLine, RolloverPlan, preview, roll_over};

use super::calendar::SchoolYear;
use super::context::{database, signed_in};
use super::ids;
use super::school::Class;
use crate::books::year::{calendar, classes};
use crate::error::{ApiError, ApiResult};
use async_graphql::{Context, ID, InputObject};
use chrono::NaiveDate;

/// A semester's dates, for `openSchoolYear`.
#[derive(InputObject)]
pub struct SemesterInput {
    /// The semester's first day.
    pub starts_on: NaiveDate,
    /// The semester's last day.
    pub ends_on: NaiveDate,
}

/// A class to open, for `createClasses`.
#[derive(InputObject)]
pub struct ClassInput {
    /// The class's name, e.g. `6A`; the rollover maps classes by it (6A → 7A).
    pub name: String,
    /// The class's grade (khối), one the school teaches.
    pub grade_level: i16,
    /// The staff member who will be the class's homeroom teacher.
    pub homeroom_staff_id: Option<ID>,
}

/// Opens a school year of the calendar.
pub async fn open_year(
    ctx: &Context<'_>,
    name: &str,
    (starts_on, ends_on): (NaiveDate, NaiveDate),
    semesters: &[SemesterInput],
) -> ApiResult<SchoolYear> {
    let access = signed_in(ctx)?;
    let terms: Vec<calendar::Term> =
        semesters.iter().map(|term| calendar::Term { starts_on: term.starts_on, ends_on: term.ends_on }).collect();
    let year = calendar::Term { starts_on, ends_on };
    let (year, semesters) = calendar::open(database(ctx)?, access, name, year, &terms).await?;
    Ok(SchoolYear::new(year, semesters))
}

/// Opens a school's classes of a year.
pub async fn create_classes(
    ctx: &Context<'_>,
    school_id: &ID,
    school_year_id: &ID,
    input: Vec<ClassInput>,
) -> ApiResult<Vec<Class>> {
    let access = signed_in(ctx)?;
    let school = ids::decode_as("School", school_id).ok_or(ApiError::NotPermitted)?;
    let year = ids::decode_as("SchoolYear", school_year_id)
        .ok_or_else(|| ApiError::bad_input("không phải mã năm học", "not a school year id"))?;
    let mut wanted = Vec::with_capacity(input.len());
    for class in input {
        let homeroom_staff = match &class.homeroom_staff_id {
            Some(id) => Some(ids::decode_as("Staff", id).ok_or_else(|| {
                ApiError::bad_input(
                    "giáo viên chủ nhiệm không thuộc trường",
                    "the homeroom teacher is not on the school's staff",
                )
            })?),
            None => None,
        };
        wanted.push(classes::NewClass { name: class.name, grade_level: class.grade_level, homeroom_staff });
    }
    let created = classes::create(database(ctx)?, access, school, year, &wanted).await?;
    Ok(created.into_iter().map(Class).collect())
}
