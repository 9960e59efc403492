//! `course`: a subject as an organisation offers it to a grade in a school year (OneRoster's
//! course), kept as exchanged; homeroom classes and sections name theirs.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "course")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub external_id: String,
    pub org_id: i64,
    pub school_year_id: Option<i64>,
    pub title: String,
    pub code: Option<String>,
    pub grade_level: Option<i16>,
    /// None for a homeroom course.
    pub subject_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
