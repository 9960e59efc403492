//! `primary_evaluation`: one item of the primary summary book (Circular 27/2020) for a
//! student, class and checkpoint — a subject's level (T/H/C) with its periodic test score,
//! or a quality's or competency's rating — with a comment and a version for optimistic
//! concurrency. Every change is kept in `record_change`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "primary_evaluation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub school_id: i64,
    pub student_id: i64,
    pub class_id: i64,
    /// The subject's section; `None` for a quality or competency.
    pub section_id: Option<i64>,
    /// `mid_1`, `end_1`, `mid_2` or `end_year`.
    pub checkpoint: String,
    /// The subject's code, or `pc.*` (a quality) / `nl.*` (a competency).
    pub item: String,
    /// `T`, `H` or `C` for a subject; `tot`, `dat` or `can_co_gang` for the others.
    pub level: String,
    /// The periodic test's score (whole number 0–10), where the subject has one.
    pub test_score: Option<i16>,
    pub comment: Option<String>,
    pub version: i32,
    pub updated_by_id: i64,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
