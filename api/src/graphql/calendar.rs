//! The school calendar as the API shows it: school years (năm học) and their semesters.
//! The calendar is national and nobody's personal data, so every signed-in caller reads it.

use super::context::database;
use super::ids;
use crate::error::ApiResult;
use async_graphql::{Context, ID, Object};
use chrono::NaiveDate;
use entity::{school_year, semester};
use sea_orm::{EntityTrait as _, QueryOrder as _};

/// The school years of the calendar by start date, each with its semesters, in one statement.
pub async fn years(ctx: &Context<'_>) -> ApiResult<Vec<SchoolYear>> {
    let years = school_year::Entity::find()
        .find_with_related(semester::Entity)
        .order_by_asc(school_year::Column::StartsOn)
        .order_by_asc(school_year::Column::Id)
        .order_by_asc(semester::Column::Number)
        .all(database(ctx)?)
        .await?;
    Ok(years.into_iter().map(|(year, semesters)| SchoolYear { year, semesters }).collect())
}

/// A school year (năm học), e.g. "2026-2027".
pub struct SchoolYear {
    year: school_year::Model,
    semesters: Vec<semester::Model>,
}

impl SchoolYear {
    /// A year of the calendar with its semesters (in order).
    pub fn new(year: school_year::Model, mut semesters: Vec<semester::Model>) -> Self {
        semesters.sort_by_key(|term| term.number);
        Self { year, semesters }
    }
}

#[Object]
impl SchoolYear {
    /// The school year's global id.
    async fn id(&self) -> ID {
        ids::encode("SchoolYear", self.year.id)
    }
    /// The school year's name, e.g. "2026-2027".
    async fn name(&self) -> &str {
        &self.year.name
    }
    /// The first day of the school year.
    async fn starts_on(&self) -> NaiveDate {
        self.year.starts_on
    }
    /// The last day of the school year.
    async fn ends_on(&self) -> NaiveDate {
        self.year.ends_on
    }
    /// The year's semesters (học kỳ I and II), in order; their ids are the `semesterId`s
    /// that columns, locks, conduct and summaries take.
    async fn semesters(&self) -> Vec<Semester> {
        self.semesters.iter().cloned().map(Semester).collect()
    }
}

/// A semester (học kỳ) of a school year.
pub struct Semester(semester::Model);

#[Object]
impl Semester {
    /// The semester's global id.
    async fn id(&self) -> ID {
        ids::encode("Semester", self.0.id)
    }
    /// 1 or 2: học kỳ I or II.
    async fn number(&self) -> i16 {
        self.0.number
    }
    /// The first day of the semester.
    async fn starts_on(&self) -> NaiveDate {
        self.0.starts_on
    }
    /// The last day of the semester.
    async fn ends_on(&self) -> NaiveDate {
        self.0.ends_on
    }
}
